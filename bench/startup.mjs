// Cold start of `opsdesk serve` on a fresh SQLite data dir to the first /readyz 200, and the server's idle memory after warm-up.
import os from "node:os";
import { closedLoop } from "./lib/load.mjs";
import { machineBusySeconds, machineLines, processCpuSeconds, quietLines, residentMB, waitForQuiet } from "./lib/machine.mjs";
import { ms, parseOptions, print, reportFailure, targetLine, UsageError } from "./lib/report.mjs";
import { codeVersion, ensureBuild, freshDatabase, prepareApiClient, request, sleep, spawnServer, stopServer, waitReady } from "./lib/server.mjs";

const TARGET_START_MS = 1500;
const TARGET_IDLE_RSS_MB = 200;
// Cores busy outside the starting server and this process above which a start is disturbed.
const QUIET_OTHER_CORES = 0.15;

const USAGE = `usage: npm run bench -- startup [options]
  --runs N          cold starts to time, each on a fresh data dir (default 5)
  --idle S          seconds the warmed-up server sits idle before its RSS is read (default 5)
  --with-admin      also create the first admin from OPSDESK_ADMIN_* during the timed starts
  --max-wait S      before each start, wait up to S seconds for other processes to go quiet (default 120; 0: don't)
  --no-build        measure the existing dist/ instead of running npm run build:server`;

function options() {
  const values = parseOptions(
    {
      runs: { type: "string", default: "5" },
      idle: { type: "string", default: "5" },
      "with-admin": { type: "boolean", default: false },
      "max-wait": { type: "string", default: "120" },
      "no-build": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  const runs = Number(values.runs);
  const idleS = Number(values.idle);
  if (!(Number.isInteger(runs) && runs > 0)) throw new UsageError(`--runs must be a positive integer\n${USAGE}`);
  if (!(idleS >= 0)) throw new UsageError(`--idle must be a number of seconds\n${USAGE}`);
  return { runs, idleMs: idleS * 1000, withAdmin: values["with-admin"], maxWaitMs: Number(values["max-wait"]) * 1000 || 0, build: !values["no-build"] };
}

function ownCpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * One cold start: new process, empty data dir (so every migration runs), timed to ready. Also
 * returns the cores other processes kept busy meanwhile, to flag a disturbed measurement.
 */
async function coldStart(withAdmin) {
  const db = await freshDatabase("sqlite");
  try {
    const busy0 = machineBusySeconds();
    const own0 = ownCpuSeconds();
    const server = await spawnServer(db, { admin: withAdmin });
    try {
      const readyAt = await waitReady(server, { pollMs: 2 });
      const elapsedMs = readyAt - server.startedAt;
      const serverCpu = processCpuSeconds(server.pid);
      const busy1 = machineBusySeconds();
      const other = busy0 === null || serverCpu === null ? null : Math.max(0, busy1 - busy0 - serverCpu - (ownCpuSeconds() - own0)) / (elapsedMs / 1000);
      return { ms: elapsedMs, serverCpu, other };
    } finally {
      await stopServer(server);
    }
  } finally {
    await db.drop();
  }
}

/**
 * Starts a server, warms it up the way a first user would (sign-in, token, a few thousand API
 * reads, the OpenAPI document, a metrics scrape), lets it sit idle, and reads its memory.
 */
async function idleMemory(idleMs) {
  const db = await freshDatabase("sqlite");
  try {
    const server = await spawnServer(db, { admin: true });
    try {
      await waitReady(server);
      const atReady = residentMB(server.pid);
      const client = await prepareApiClient(server);
      await closedLoop({ url: `${server.baseUrl}${client.paths.group}`, headers: client.headers, connections: 10, warmupMs: 0, durationMs: 2000 });
      await request(`${server.baseUrl}/api/openapi.json`);
      await request(`${server.baseUrl}/metrics`);
      // Idle means idle: no traffic, so the figure includes whatever the GC has not given back yet.
      const samples = [];
      const until = performance.now() + idleMs;
      do {
        await sleep(Math.min(1000, idleMs));
        samples.push(residentMB(server.pid));
      } while (performance.now() < until);
      return { atReady, idle: samples.at(-1), peak: residentMB(server.pid, "VmHWM") };
    } finally {
      await stopServer(server);
    }
  } finally {
    await db.drop();
  }
}

async function main() {
  const opts = options();
  ensureBuild({ build: opts.build });
  print([
    "bench startup: cold start of opsdesk serve (SQLite, fresh data dir) and idle memory",
    ...machineLines(),
    `code:    ${codeVersion()}`,
    `note: each start is a new "node dist/cli/index.js serve" process on an empty data dir (all migrations run)${opts.withAdmin ? ", creating the first admin" : ""};`,
    "      timed from spawn to the first /readyz 200, polled every 2 ms. One untimed start first warms the OS file cache.",
  ]);
  await coldStart(opts.withAdmin);
  const times = [];
  let disturbed = 0;
  for (let i = 0; i < opts.runs; i++) {
    if (opts.maxWaitMs > 0) print(quietLines(await waitForQuiet({ maxCores: QUIET_OTHER_CORES, maxWaitMs: opts.maxWaitMs })));
    const run = await coldStart(opts.withAdmin);
    times.push(run.ms);
    const noisy = run.other !== null && run.other > QUIET_OTHER_CORES;
    if (noisy) disturbed++;
    const cpu = run.serverCpu === null ? "" : `, server CPU ${ms(run.serverCpu * 1000)}, other processes ${run.other.toFixed(2)} cores${noisy ? " (disturbed)" : ""}`;
    print([`  run ${i + 1}: ${ms(run.ms)}${cpu}`]);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  const mem = await idleMemory(opts.idleMs);
  const mb = (v) => (v === null ? "n/a (no /proc)" : `${v.toFixed(1)} MB`);
  print([
    `cold start:  min ${ms(sorted[0])}  median ${ms(median)}  max ${ms(sorted.at(-1))}  (${opts.runs} runs)`,
    `memory:      RSS ${mb(mem.atReady)} when ready, ${mb(mem.idle)} idle after warm-up + ${opts.idleMs / 1000} s, peak ${mb(mem.peak)} (VmHWM)`,
    targetLine(`cold start < ${TARGET_START_MS} ms (median; max shown)`, median < TARGET_START_MS, `median ${ms(median)}, max ${ms(sorted.at(-1))}`),
    targetLine(`idle RSS < ${TARGET_IDLE_RSS_MB} MB`, mem.idle !== null && mem.idle < TARGET_IDLE_RSS_MB, mb(mem.idle)),
    `(${os.cpus().length} cores; the measuring process only polls /readyz and sleeps, so it takes little from the server)`,
    ...(disturbed ? [`WARNING: other processes were busy during ${disturbed} of ${opts.runs} starts; rerun on a quiet machine before recording`] : []),
  ]);
}

main().catch((err) => reportFailure("startup", err));
