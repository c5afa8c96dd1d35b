/**
 * Two OpsDesk worker processes on one database (PostgreSQL with OPSDESK_TEST_DB=pg): every SLA
 * warning and breach that fell due while no process was running fires exactly once when they
 * start, stamped with when it was due, although both reconcile the same tickets at once.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../src/server/platform/auth/permissions.js";
import { enqueueJob } from "../src/server/platform/jobs.js";
import "../src/server/modules/incidents/index.js";
import { createTicket } from "../src/server/modules/tickets/index.js";
import { createDefinition } from "../src/server/modules/sla/sla.definitions.js";
import { backdate } from "../src/server/modules/sla/sla.test-helpers.js";
import { startCli } from "./helpers/cli.js";
import { createTestDb, type TestDb } from "./helpers/test-db.js";

const HOUR = 3600_000;
const TICKETS = 40;

describe("SLA timers across processes", () => {
  let tdb: TestDb;
  beforeEach(async () => {
    tdb = await createTestDb({ shared: true });
  });
  afterEach(async () => tdb.cleanup());

  it("fires each warning and breach exactly once with two worker processes, at its due time after downtime", async () => {
    const def = await createDefinition(tdb.db, SYSTEM_ACTOR, { name: "Resolution 1h", target: "resolution", durationMinutes: 60 });
    await tdb.db.updateTable("sla_definitions").set({ created_at: new Date(Date.now() - 100 * HOUR).toISOString() }).execute();
    const t0 = Date.now() - 3 * HOUR;
    const ids: string[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const ticket = await createTicket(tdb.db, SYSTEM_ACTOR, "incident", { title: `Outage ${i}`, impact: 2, urgency: 2 });
      await backdate(tdb.db, ticket.id, [t0 + i * 1000]);
      ids.push(ticket.id);
      // Duplicate timer jobs: both processes will be reconciling the same tickets at the same moment.
      for (let d = 0; d < 3; d++) await enqueueJob(tdb.db, { type: "sla.timer", payload: { ticketId: ticket.id }, dedupeKey: `dup:${ticket.id}:${d}` });
    }
    const dataDir = tdb.sqliteFile ? path.dirname(tdb.sqliteFile) : fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-sla-"));
    const workers = ["a", "b"].map(() => startCli(["serve", "--role", "worker", "--data", dataDir], { DATABASE_URL: tdb.databaseUrl ?? "", OPSDESK_LOG_LEVEL: "info" }));
    const logs = workers.map(() => ({ err: "", out: "" }));
    workers.forEach((w, i) => {
      w.stderr.on("data", (d) => (logs[i].err += d));
      w.stdout.on("data", (d) => (logs[i].out += d));
    });
    const exits = workers.map((w) => new Promise<number | null>((resolve) => w.on("exit", (code) => resolve(code))));
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const pendingJobs = await tdb.db.selectFrom("jobs").select("id").where("type", "=", "sla.timer").where("state", "in", ["queued", "running"]).where("run_at", "<=", new Date().toISOString()).execute();
        const pendingEvents = await tdb.db.selectFrom("outbox").select("id").where("dispatched_at", "is", null).where("type", "like", "ticket.%").execute();
        // Both processes must be up (and so have had their chance at the backlog) before it counts as done.
        const running = logs.every((l) => l.out.includes("OpsDesk is running"));
        if (running && pendingJobs.length === 0 && pendingEvents.length === 0) break;
        if (Date.now() > deadline) throw new Error(`timers not done: ${pendingJobs.length} jobs, ${pendingEvents.length} events; ${logs.map((l) => l.err).join("\n")}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      workers.forEach((w) => w.kill("SIGTERM"));
    }
    expect(await Promise.all(exits), logs.map((l) => l.err).join("\n")).toEqual([0, 0]);
    const ranBy = await tdb.db.selectFrom("jobs").select("locked_by").where("type", "=", "sla.timer").execute();
    expect(ranBy.length).toBeGreaterThanOrEqual(TICKETS * 3);

    const events = await tdb.db.selectFrom("outbox").select(["type", "payload"]).where("type", "in", ["sla.breached", "sla.warning"]).execute();
    const breaches = events.filter((e) => e.type === "sla.breached").map((e) => JSON.parse(e.payload));
    const warnings = events.filter((e) => e.type === "sla.warning").map((e) => JSON.parse(e.payload));
    expect(breaches).toHaveLength(TICKETS);
    expect(warnings).toHaveLength(TICKETS * 3);
    ids.forEach((id, i) => {
      const mine = breaches.filter((b) => b.ticketId === id);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ definitionId: def.id, at: new Date(t0 + i * 1000 + HOUR).toISOString() });
      expect(warnings.filter((w) => w.ticketId === id).map((w) => w.percent).sort()).toEqual([50, 75, 90]);
    });
    const entries = await tdb.db.selectFrom("ticket_timeline").select("id").where("type", "=", "system").execute();
    expect(entries).toHaveLength(TICKETS * 4);
    const clocks = await tdb.db.selectFrom("ticket_slas").select(["state", "breach_fired", "warned_percent"]).execute();
    expect(clocks).toHaveLength(TICKETS);
    expect(clocks.every((c) => c.state === "breached" && c.warned_percent === 90)).toBe(true);
  }, 120_000);
});
