// CMDB bulk writes, in process: CPU per CI, and which tables and indexes one 1,000-CI batch writes to the WAL (SQLite).
import fs from "node:fs";
import { machineLines } from "./lib/machine.mjs";
import { parseOptions, print, reportFailure, UsageError } from "./lib/report.mjs";
import { codeVersion, ensureBuild, serverModule, withInProcessDb } from "./lib/server.mjs";
import { pod } from "./cmdb-load.mjs";

const USAGE = `usage: npm run bench -- cmdb-wal [options]
  --cis N       CIs to load first, in pods of 1,000 (default 300000)
  --no-build    use the existing dist/ instead of running npm run build:server
Loads the same synthetic company as cmdb-load through the bulk service, in this process (no
HTTP), one pod (1,000 CIs) per call, and prints the CPU per CI as it goes. Then it starts the
WAL over, writes one more pod and counts the frames that batch wrote to the WAL by the table or
index each page belongs to (SQLite's dbstat): the pages a batch dirties, and so what its commit
and the checkpoint after it write.`;

function options() {
  const v = parseOptions({ cis: { type: "string", default: "300000" }, "no-build": { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } }, USAGE);
  const cis = Number(v.cis.replace(/[_,]/g, ""));
  if (!Number.isInteger(cis) || cis < 1000) throw new UsageError(`--cis must be a whole number of at least 1000\n${USAGE}`);
  return { pods: Math.round(cis / 1000), build: !v["no-build"] };
}

/**
 * Page numbers of the frames of the WAL's current generation (header 32 bytes; each frame a
 * 24-byte header, then the page). A frame whose salt differs from the header's is left over from
 * before the WAL last started over, and the log's valid part ends there.
 */
function walPages(file) {
  const wal = fs.readFileSync(file);
  if (wal.length < 32) return [];
  const pageSize = wal.readUInt32BE(8);
  const salt = wal.subarray(16, 24);
  const pages = [];
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (!wal.subarray(at + 8, at + 16).equals(salt)) break;
    pages.push(wal.readUInt32BE(at));
  }
  return pages;
}

async function main() {
  const opts = options();
  print([...machineLines(), `code:    ${codeVersion()}`]);
  ensureBuild({ build: opts.build });
  const { SYSTEM_ACTOR } = await serverModule("platform/auth/permissions.js");
  const { createGroup } = await serverModule("modules/users/groups.service.js");
  const { bulkReconcile } = await serverModule("modules/cmdb/bulk.service.js");
  const { sql } = await import("kysely");

  await withInProcessDb("opsdesk-cmdb-wal", async ({ db, file }) => {
    const groups = [];
    for (let i = 0; i < 8; i++) groups.push((await createGroup(db, SYSTEM_ACTOR, { name: `CMDB ${i}` })).id);
    const load = async (p) => {
      const r = await bulkReconcile(db, SYSTEM_ACTOR, { source: "bench", cis: pod(p, groups).cis });
      const bad = r.cis.find((c) => c.outcome !== "created");
      if (bad) throw new Error(`pod ${p}: item ${bad.index} ${bad.outcome} ${JSON.stringify(bad.error ?? "")}`);
    };
    const lines = [`loading ${opts.pods.toLocaleString("en")} pods of 1,000 CIs through bulkReconcile (in process, one pod per call):`];
    const every = Math.max(1, Math.round(opts.pods / 5));
    let cpu = process.cpuUsage();
    let t = performance.now();
    for (let p = 0; p < opts.pods; p++) {
      await load(p);
      if ((p + 1) % every === 0 || p + 1 === opts.pods) {
        const used = process.cpuUsage(cpu);
        const secs = (performance.now() - t) / 1000;
        const n = (p % every) + 1;
        lines.push(`  up to ${((p + 1) * 1000).toLocaleString("en")} CIs: ${Math.round((n * 1000) / secs).toLocaleString("en")} CIs/s, ${((used.user + used.system) / (n * 1000)).toFixed(1)} µs CPU per CI (user ${(used.user / (n * 1000)).toFixed(1)}, system ${(used.system / (n * 1000)).toFixed(1)}; the process's threads, the pods' generation included)`);
        cpu = process.cpuUsage();
        t = performance.now();
      }
    }
    print(lines);

    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    await load(opts.pods);
    const pages = walPages(`${file}-wal`);
    const { rows } = await sql`select pageno, name from dbstat`.execute(db);
    const owner = new Map(rows.map((r) => [r.pageno, r.name]));
    const byName = new Map();
    for (const p of pages) byName.set(owner.get(p) ?? "(free)", (byName.get(owner.get(p) ?? "(free)") ?? 0) + 1);
    const sorted = [...byName].sort((a, b) => b[1] - a[1]);
    print([
      `one more batch of 1,000 CIs wrote ${pages.length.toLocaleString("en")} WAL frames (${new Set(pages).size.toLocaleString("en")} distinct pages, ${(pages.length / 1000).toFixed(2)} per CI); by table or index:`,
      ...sorted.map(([name, n]) => `  ${String(n).padStart(6)}  ${((100 * n) / pages.length).toFixed(1).padStart(5)}%  ${name}`),
      `(the checkpoint then copies the same pages into the database file, on the checkpointer's thread)`,
    ]);
  });
}

main().catch((err) => reportFailure("cmdb-wal", err));
