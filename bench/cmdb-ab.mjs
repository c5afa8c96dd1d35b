// Two builds of the CMDB bulk path, interleaved in one process: CPU of the writing thread per CI, A against B, pod by pod.
import fs from "node:fs";
import path from "node:path";
import { machineLines } from "./lib/machine.mjs";
import { parseOptions, print, reportFailure, UsageError } from "./lib/report.mjs";
import { codeVersion, ROOT, serverModule, withInProcessDb } from "./lib/server.mjs";
import { pod } from "./cmdb-load.mjs";

const USAGE = `usage: node bench/cmdb-ab.mjs --a DIR --b DIR [options]
  --a DIR, --b DIR   two built copies of dist/server (e.g. dist/server and a worktree's); default: dist/server for both
  --cis N            CIs per build, in pods of 1,000 (default 200000)
  --skip N           CIs per build left out of the figures at the start (default a quarter of --cis)
Loads the same synthetic company as cmdb-load through each build's bulk service, in this process,
each into its own SQLite file, a pod at a time, alternating A B, B A, A B... Each pod's CPU is
the main thread's own (from /proc): the checkpointer threads' copies are not in it, so the two
files' checkpoints do not blur the comparison. A guest whose speed drifts by 2x within minutes
(see RESULTS.md) moves both builds alike here; two separate runs it does not.`;

function options() {
  const v = parseOptions(
    {
      a: { type: "string", default: path.join(ROOT, "dist", "server") },
      b: { type: "string", default: path.join(ROOT, "dist", "server") },
      cis: { type: "string", default: "200000" },
      skip: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  const cis = Number(v.cis.replace(/[_,]/g, ""));
  if (!Number.isInteger(cis) || cis < 2000) throw new UsageError(`--cis must be a whole number of at least 2000\n${USAGE}`);
  const skip = v.skip === undefined ? Math.floor(cis / 4) : Number(v.skip.replace(/[_,]/g, ""));
  if (!Number.isInteger(skip) || skip < 0 || skip >= cis) throw new UsageError(`--skip must be a whole number below --cis\n${USAGE}`);
  for (const dir of [v.a, v.b]) if (!fs.existsSync(path.join(dir, "modules", "cmdb", "bulk.service.js"))) throw new UsageError(`${dir} is not a built dist/server (no modules/cmdb/bulk.service.js)\n${USAGE}`);
  return { pods: Math.round(cis / 1000), skipPods: Math.round(skip / 1000), a: path.resolve(v.a), b: path.resolve(v.b) };
}

const TICK_US = 1e6 / 100; // USER_HZ: /proc counts CPU in hundredths of a second on Linux
/** CPU (us) the main thread has used: /proc/self/task/<pid>/stat, fields 14 and 15. */
function mainThreadCpuUs() {
  const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

/** One build on its own database (open while `work` runs): its bulk service and the groups the pods name. */
async function withBuild(name, dir, work) {
  const { SYSTEM_ACTOR } = await serverModule("platform/auth/permissions.js", dir);
  const { createGroup } = await serverModule("modules/users/groups.service.js", dir);
  const { bulkReconcile } = await serverModule("modules/cmdb/bulk.service.js", dir);
  return withInProcessDb(
    `opsdesk-cmdb-ab-${name}`,
    async ({ db }) => {
      const groups = [];
      for (let i = 0; i < 8; i++) groups.push((await createGroup(db, SYSTEM_ACTOR, { name: `CMDB ${i}` })).id);
      return work({
        name,
        cpuUs: 0,
        wallMs: 0,
        cis: 0,
        perPod: [],
        /** The pod's CIs, built before the clock starts. */
        items(p) {
          return pod(p, groups).cis;
        },
        async write(p, cis) {
          const r = await bulkReconcile(db, SYSTEM_ACTOR, { source: "bench", cis });
          const bad = r.cis.find((c) => c.outcome !== "created");
          if (bad) throw new Error(`${name}, pod ${p}: item ${bad.index} ${bad.outcome} ${JSON.stringify(bad.error ?? "")}`);
        },
      });
    },
    dir,
  );
}

async function main() {
  const opts = options();
  print([...machineLines(), `code:    ${codeVersion()}`, `A:       ${opts.a}`, `B:       ${opts.b}`]);
  await withBuild("A", opts.a, (a) => withBuild("B", opts.b, (b) => interleave(opts, [a, b])));
}

async function interleave(opts, builds) {
  const lines = [`${opts.pods} pods of 1,000 CIs into each build, alternating; figures over the last ${opts.pods - opts.skipPods} of each:`];
  for (let p = 0; p < opts.pods; p++) {
    const order = p % 2 === 0 ? builds : [builds[1], builds[0]];
    for (const b of order) {
      const cis = b.items(p);
      const cpu = mainThreadCpuUs();
      const t = performance.now();
      await b.write(p, cis);
      if (p < opts.skipPods) continue;
      const used = mainThreadCpuUs() - cpu;
      b.cpuUs += used;
      b.wallMs += performance.now() - t;
      b.cis += 1000;
      b.perPod.push(used / 1000);
    }
  }
  const [a, b] = builds;
  for (const x of builds) {
    const sorted = [...x.perPod].sort((m, n) => m - n);
    lines.push(`  ${x.name}: ${(x.cpuUs / x.cis).toFixed(1)} us of main-thread CPU per CI (pod median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)}), ${Math.round(x.cis / (x.wallMs / 1000)).toLocaleString("en")} CIs/s while writing`);
  }
  // Each pair of neighbouring pods (A's and B's) ran within a second of each other.
  const ratios = a.perPod.map((v, i) => b.perPod[i] / v).sort((m, n) => m - n);
  const q = (f) => ratios[Math.min(ratios.length - 1, Math.floor(f * ratios.length))];
  lines.push(`  B/A per pod pair: median ${q(0.5).toFixed(3)} (quartiles ${q(0.25).toFixed(3)} - ${q(0.75).toFixed(3)}); overall ${(b.cpuUs / b.cis / (a.cpuUs / a.cis)).toFixed(3)}`);
  print(lines);
}

main().catch((err) => reportFailure("cmdb-ab", err));
