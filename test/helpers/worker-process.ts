/**
 * A separate OpsDesk worker process for the job-leasing test. It opens the database named by
 * DATABASE_URL (PostgreSQL) or OPSDESK_TEST_SQLITE, runs "test.record" jobs until none has
 * been due for a second, and prints the ids it ran as JSON on stdout.
 */
import { openDb } from "../../src/server/platform/db/db.js";
import { JobRegistry, Worker } from "../../src/server/platform/jobs.js";
import { EventBus } from "../../src/server/platform/outbox.js";

const db = openDb({ databaseUrl: process.env.DATABASE_URL || null, sqliteFile: process.env.OPSDESK_TEST_SQLITE, poolSize: 4 });
const ran: string[] = [];
const jobs = new JobRegistry();
jobs.register("test.record", async (job) => {
  ran.push(job.id);
  await new Promise((r) => setTimeout(r, Number(process.env.JOB_MS ?? 5)));
});
const worker = new Worker({ db, jobs, events: new EventBus(), batchSize: 3, pollMs: 20, workerId: process.env.WORKER_ID });

// Wait for the go signal so that both processes start claiming at the same moment.
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
let idleSince = Date.now();
while (Date.now() - idleSince < 1000) {
  const handled = await worker.tick();
  if (handled > 0) idleSince = Date.now();
  else await new Promise((r) => setTimeout(r, 20));
}
await db.destroy();
process.stdout.write(JSON.stringify(ran));
