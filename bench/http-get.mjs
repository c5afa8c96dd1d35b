// Authenticated GET of a small resource under closed-loop load (50 keep-alive clients): req/s, latency percentiles, errors; SQLite and PostgreSQL.
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { closedLoop } from "./lib/load.mjs";
import { cpuSecondsBetween, cpuSecondsByName, machineBusySeconds, machineLines, processCpuSeconds, quietLines, waitForQuiet } from "./lib/machine.mjs";
import { profileLines, summarizeProfile } from "./lib/cpuprofile.mjs";
import { ms, print, targetLine } from "./lib/report.mjs";
import { ensureBuild, freshDatabase, prepareApiClient, request, ROOT, spawnServer, stopServer, waitReady } from "./lib/server.mjs";
import fs from "node:fs";

const TARGET_P99_MS = 5;
const TARGET_RPS = 5000;

const USAGE = `usage: npm run bench -- http-get [options]
  --db sqlite|pg|both    database(s) to run the server on, one after the other (default both)
  --connections N        concurrent closed-loop clients, one keep-alive connection each (default 50)
  --duration S           measured seconds (default 10)
  --warmup S             warm-up seconds, not measured (default 2)
  --resource group|user  what to GET: /api/v1/groups/<id> or /api/v1/users/<id> (default group)
  --cpu-prof             run the server under node --cpu-prof and print where its time went
  --max-wait S           wait up to S seconds for other processes to go quiet before measuring (default 120; 0: don't)
  --no-build             measure the existing dist/ instead of running npm run build:server
PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a fresh
schema bench_<random> is created for the run and dropped afterwards.`;

function options() {
  const { values } = parseArgs({
    options: {
      db: { type: "string", default: "both" },
      connections: { type: "string", default: "50" },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "2" },
      resource: { type: "string", default: "group" },
      "max-wait": { type: "string", default: "120" },
      "cpu-prof": { type: "boolean", default: false },
      "no-build": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    print([USAGE]);
    process.exit(0);
  }
  const dbs = values.db === "both" ? ["sqlite", "pg"] : [values.db];
  if (!dbs.every((d) => d === "sqlite" || d === "pg")) throw new Error(`--db must be sqlite, pg or both\n${USAGE}`);
  if (values.resource !== "group" && values.resource !== "user") throw new Error(`--resource must be group or user\n${USAGE}`);
  const num = (name) => {
    const n = Number(values[name]);
    if (!(n > 0)) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  return { dbs, connections: Math.round(num("connections")), durationMs: num("duration") * 1000, warmupMs: num("warmup") * 1000, resource: values.resource, maxWaitMs: Number(values["max-wait"]) * 1000 || 0, cpuProf: values["cpu-prof"], build: !values["no-build"] };
}

// More than this many cores busy outside server, generator and PostgreSQL means something else
// ran during the window (another test suite, a build) and the figures are disturbed.
const QUIET_OTHER_CORES = 0.15;

/** CPU seconds of the server, this process, PostgreSQL and the whole machine, read at one instant. */
function cpuNow(pid) {
  const own = process.cpuUsage();
  return { server: processCpuSeconds(pid), generator: (own.user + own.system) / 1e6, postgres: cpuSecondsByName("postgres"), machine: machineBusySeconds() };
}

function cpuShares(start, end, seconds) {
  if (start.server === null || start.machine === null) return null;
  const server = (end.server - start.server) / seconds;
  const generator = (end.generator - start.generator) / seconds;
  const postgres = (cpuSecondsBetween(start.postgres, end.postgres) ?? 0) / seconds;
  const machine = (end.machine - start.machine) / seconds;
  return { server, generator, postgres, other: Math.max(0, machine - server - generator - postgres), machine };
}

async function runOne(kind, opts) {
  const db = await freshDatabase(kind);
  const profDir = opts.cpuProf ? fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-prof-")) : null;
  const nodeArgs = profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [];
  const server = await spawnServer(db, { admin: true, nodeArgs });
  // The server's profile clock is the same monotonic clock as process.hrtime here.
  const profileWindow = { fromUs: 0, toUs: Infinity };
  try {
    await waitReady(server);
    const client = await prepareApiClient(server);
    const url = `${server.baseUrl}${client.paths[opts.resource]}`;
    const probe = await request(url, { headers: client.headers });
    if (probe.status !== 200) throw new Error(`GET ${url} answered ${probe.status}: ${probe.text.slice(0, 200)}`);

    if (opts.maxWaitMs > 0) print(quietLines(await waitForQuiet({ maxCores: QUIET_OTHER_CORES, maxWaitMs: opts.maxWaitMs })));
    let cpuStart = null;
    let cpuEnd = null;
    const nowUs = () => Number(process.hrtime.bigint() / 1000n);
    const result = await closedLoop({
      url,
      headers: client.headers,
      connections: opts.connections,
      warmupMs: opts.warmupMs,
      durationMs: opts.durationMs,
      hooks: {
        onMeasureStart: () => {
          cpuStart = cpuNow(server.pid);
          profileWindow.fromUs = nowUs();
        },
        onMeasureEnd: () => {
          cpuEnd = cpuNow(server.pid);
          profileWindow.toUs = nowUs();
        },
      },
    });
    result.cpu = cpuStart && cpuEnd ? cpuShares(cpuStart, cpuEnd, opts.durationMs / 1000) : null;
    result.path = client.paths[opts.resource].replace(/[0-9a-f-]{36}$/, "<id>");
    result.bodyBytes = Buffer.byteLength(probe.text);
    result.db = db;
    return result;
  } finally {
    const how = await stopServer(server);
    if (how.code !== 0) process.stderr.write(`warning: server exit ${how.code ?? how.signal}; log: ${server.logFile}\n`);
    if (profDir) {
      const file = fs.readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
      if (file) print(profileLines(summarizeProfile(path.join(profDir, file), { root: ROOT, window: profileWindow })));
      else process.stderr.write(`warning: no CPU profile written in ${profDir}\n`);
    }
    await db.drop().catch((err) => process.stderr.write(`warning: could not drop the database: ${err.message}\n`));
  }
}

function resultLines(r, opts, cores) {
  const l = r.latencyMs;
  const isSqlite = r.db.kind === "sqlite";
  const c = r.cpu;
  const cpu = c
    ? `server ${c.server.toFixed(2)}, load generator ${c.generator.toFixed(2)}, PostgreSQL ${c.postgres.toFixed(2)}, other ${c.other.toFixed(2)}; machine ${c.machine.toFixed(2)} of ${cores}`
    : "n/a (no /proc)";
  const noisy = c && c.other > QUIET_OTHER_CORES
    ? [`WARNING: other processes used ${c.other.toFixed(2)} cores during the window; these figures are disturbed, rerun on a quiet machine`]
    : [];
  const errors = r.errors ? `${r.errors} ${JSON.stringify(r.errorsByKind)}` : "0";
  const scope = isSqlite ? "" : " [reference: the targets are set for SQLite]";
  return [
    "",
    `== ${r.db.label} ==`,
    `GET ${r.path} (${r.bodyBytes}-byte JSON) with a bearer token; ${opts.connections} closed-loop clients; ${opts.warmupMs / 1000} s warm-up, ${opts.durationMs / 1000} s measured`,
    `throughput:  ${Math.round(r.rps)} req/s (${r.requests} responses in the window)`,
    `latency:     p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}  p99.9 ${ms(l.p999)}  max ${ms(l.max)}  (mean ${ms(l.mean)})`,
    `errors:      ${errors} (warm-up: ${r.warmupErrors})`,
    `connections: ${r.connectionsOpened} opened for ${r.connections} clients${r.connectionsOpened === r.connections ? " (keep-alive held)" : " (some were re-opened: keep-alive broke)"}`,
    `CPU (cores): ${cpu}`,
    ...noisy,
    targetLine(`p99 < ${TARGET_P99_MS} ms at ${opts.connections} clients${scope}`, l.p99 < TARGET_P99_MS, ms(l.p99)),
    targetLine(`>= ${TARGET_RPS} req/s${scope}`, r.rps >= TARGET_RPS, `${Math.round(r.rps)} req/s`),
    targetLine(`no errors`, r.errors === 0, `${r.errors}`),
  ];
}

async function main() {
  const opts = options();
  ensureBuild({ build: opts.build });
  const cores = os.cpus().length;
  print([
    "bench http-get: authenticated GET of a small resource under closed-loop load",
    ...machineLines(),
    `note: the load generator (this process) shares the machine's ${cores} cores with the server${opts.dbs.includes("pg") ? " and PostgreSQL" : ""};`,
    "      every core it uses is a core the server does not get, so these figures understate the server alone.",
  ]);
  const results = [];
  for (const kind of opts.dbs) {
    const r = await runOne(kind, opts);
    results.push(r);
    print(resultLines(r, opts, cores));
  }
  if (results.length > 1) {
    print(["", "summary:", ...results.map((r) => `  ${r.db.kind.padEnd(6)} ${String(Math.round(r.rps)).padStart(6)} req/s  p50 ${ms(r.latencyMs.p50)}  p99 ${ms(r.latencyMs.p99)}  max ${ms(r.latencyMs.max)}  errors ${r.errors}`)]);
  }
}

main().catch((err) => {
  process.stderr.write(`bench http-get failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
