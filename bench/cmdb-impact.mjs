// Impact walks, in process: CPU per depth-6 walk on the in-memory graph, into parts of the CMDB walked before and not, and the graph's build time and memory.
import { machineLines } from "./lib/machine.mjs";
import { parseOptions, print, reportFailure, UsageError } from "./lib/report.mjs";
import { codeVersion, ensureBuild, serverModule, withInProcessDb } from "./lib/server.mjs";
import { pod, POD_CIS } from "./cmdb-load.mjs";

const USAGE = `usage: npm run bench -- cmdb-impact [options]
  --cis N        CIs to load first, in pods of 1,000 with 3,000 relationships each (default 200000)
  --rounds N     rounds of walks, one from each pod's storage array (default 3)
  --no-build     use the existing dist/ instead of running npm run build:server
Loads the company of cmdb-load through the bulk service (in this process, SQLite), builds the
node's in-memory impact graph and prints how long that took and what it added to the heap and
the resident memory. Then it walks downstream, depth 6 (about 1,000 CIs reached), from the
storage array of every pod in turn, --rounds times: the first round reaches CIs no walk reached
before, the later ones the same CIs again. Each walk's answer is serialised as the API does
(JSON.stringify). Figures: CPU (the process's threads) and wall time per walk, by round.`;

function options() {
  const v = parseOptions(
    {
      cis: { type: "string", default: "200000" },
      rounds: { type: "string", default: "3" },
      "no-build": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  const cis = Number(v.cis.replace(/[_,]/g, ""));
  if (!Number.isInteger(cis) || cis < POD_CIS) throw new UsageError(`--cis must be a whole number of at least ${POD_CIS}\n${USAGE}`);
  const rounds = Number(v.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new UsageError(`--rounds must be a positive whole number\n${USAGE}`);
  return { pods: Math.round(cis / POD_CIS), rounds, build: !v["no-build"] };
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;

async function main() {
  const opts = options();
  print([...machineLines(), `code:    ${codeVersion()}`]);
  ensureBuild({ build: opts.build });
  const { SYSTEM_ACTOR } = await serverModule("platform/auth/permissions.js");
  const { createGroup } = await serverModule("modules/users/groups.service.js");
  const { bulkReconcile } = await serverModule("modules/cmdb/bulk.service.js");
  const { ciImpact } = await serverModule("modules/cmdb/cmdb.impact.js");
  const { warmGraph, graphStatus } = await serverModule("modules/cmdb/cmdb.graph.sync.js");

  await withInProcessDb("opsdesk-cmdb-impact", async ({ db }) => {
    const groups = [];
    for (let i = 0; i < 8; i++) groups.push((await createGroup(db, SYSTEM_ACTOR, { name: `CMDB ${i}` })).id);
    const roots = [];
    // Every pod's CIs first, then the relationships: some link to CIs of other pods (cmdb-load does the same).
    const ids = new Map();
    const t0 = performance.now();
    for (let p = 0; p < opts.pods; p++) {
      const { cis, storage } = pod(p, groups);
      const created = await bulkReconcile(db, SYSTEM_ACTOR, { source: "bench", cis });
      const bad = created.cis.find((c) => c.outcome !== "created");
      if (bad) throw new Error(`pod ${p}: CI ${bad.index} ${bad.outcome} ${JSON.stringify(bad.error ?? "")}`);
      for (const c of created.cis) ids.set(Number(c.ref), c.id);
      roots.push(ids.get(storage));
      if (p % 50 === 49) process.stderr.write(`\rloaded ${((p + 1) * POD_CIS).toLocaleString("en")} CIs`);
    }
    for (let p = 0; p < opts.pods; p++) {
      const { rels } = pod(p, groups);
      for (let i = 0; i < rels.length; i += 5000) {
        const relationships = rels.slice(i, i + 5000).map(([s, type, t]) => ({ source: { id: ids.get(s) }, type, target: { id: ids.get(t) } }));
        const linked = await bulkReconcile(db, SYSTEM_ACTOR, { source: "bench", relationships });
        const refused = linked.relationships.find((r) => r.outcome !== "created");
        if (refused) throw new Error(`pod ${p}: relationship ${i + refused.index} ${refused.outcome} ${JSON.stringify(refused.error ?? "")}`);
      }
    }
    process.stderr.write("\n");
    const lines = [`loaded ${(opts.pods * POD_CIS).toLocaleString("en")} CIs and their relationships in ${((performance.now() - t0) / 1000).toFixed(0)} s (bulk service, in process)`];

    global.gc?.();
    const before = process.memoryUsage();
    const tb = performance.now();
    await warmGraph(db);
    const buildMs = performance.now() - tb;
    global.gc?.();
    const after = process.memoryUsage();
    const g = graphStatus(db);
    if (g.state !== "ready") throw new Error(`the impact graph did not build: ${g.lastError}`);
    lines.push(
      `graph: ${g.cis.toLocaleString("en")} CIs, ${g.relationships.toLocaleString("en")} relationships, built in ${(buildMs / 1000).toFixed(1)} s; ` +
        `CI rows kept ${(g.rowsKept ?? 0).toLocaleString("en")}; heap ${mb(before.heapUsed)} -> ${mb(after.heapUsed)}, RSS ${mb(before.rss)} -> ${mb(after.rss)}` +
        (global.gc ? "" : " (run with node --expose-gc for steadier memory figures)"),
    );

    for (let round = 1; round <= opts.rounds; round++) {
      const read0 = graphStatus(db).rowsRead ?? 0;
      const cpu = process.cpuUsage();
      const t = performance.now();
      let reached = 0;
      for (const root of roots) {
        const answer = await ciImpact(db, SYSTEM_ACTOR, root);
        JSON.stringify(answer);
        reached += answer.items.length;
      }
      const used = process.cpuUsage(cpu);
      const n = roots.length;
      const rowsRead = (graphStatus(db).rowsRead ?? 0) - read0;
      lines.push(
        `round ${round}${round === 1 ? " (CIs no walk reached before)" : ""}: ${n} walks, ${Math.round(reached / n)} CIs reached each, ` +
          `${((used.user + used.system) / 1000 / n).toFixed(2)} ms CPU and ${((performance.now() - t) / n).toFixed(2)} ms wall per walk; CI rows read ${rowsRead.toLocaleString("en")}`,
      );
    }
    print(lines);
  });
}

main().catch((err) => reportFailure("cmdb-impact", err));
