// Authenticated GET of a small resource under closed-loop load (50 keep-alive clients): req/s, latency percentiles, errors; SQLite and PostgreSQL.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { closedLoop } from "./lib/load.mjs";
import { cpuSecondsBetween, cpuSecondsByName, machineBusySeconds, machineLines, processCpuSeconds, quietLines, waitForQuiet } from "./lib/machine.mjs";
import { profileLines, summarizeProfile } from "./lib/cpuprofile.mjs";
import { ms, parseOptions, print, reportFailure, targetLine, UsageError } from "./lib/report.mjs";
import { codeVersion, ensureBuild, freshDatabase, prepareApiClient, request, ROOT, spawnServer, stopServer, waitReady } from "./lib/server.mjs";

const TARGET_P99_MS = 5;
const TARGET_RPS = 5000;
const TARGET_CLIENTS = 50;
// More than this many cores busy outside server, generator and PostgreSQL means something else
// ran during the window (someone's test suite, a build) and the figures are disturbed.
const QUIET_OTHER_CORES = 0.15;

const USAGE = `usage: npm run bench -- http-get [options]
  --db sqlite|pg|both    database(s) to run the server on, one after the other (default both)
  --connections N        concurrent closed-loop clients, one keep-alive connection each (default 50)
  --duration S           measured seconds (default 10)
  --warmup S             warm-up seconds, not measured (default 2)
  --resource R           what to GET: group (/api/v1/groups/<id>, default), user (/api/v1/users/<id>),
                         or healthz (/healthz: no token, no database; the ceiling of HTTP, framework
                         and load generator on this machine, for comparison)
  --cpu-prof             run the server under node --cpu-prof; print where its time went in the window
  --max-wait S           wait up to S seconds for other processes to go quiet before measuring (default 120; 0: don't)
  --no-build             measure the existing dist/ instead of running npm run build:server
PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a fresh
schema bench_<random> is created for the run and dropped afterwards.`;

function options() {
  const values = parseOptions(
    {
      db: { type: "string", default: "both" },
      connections: { type: "string", default: String(TARGET_CLIENTS) },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "2" },
      resource: { type: "string", default: "group" },
      "cpu-prof": { type: "boolean", default: false },
      "max-wait": { type: "string", default: "120" },
      "no-build": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  const dbs = values.db === "both" ? ["sqlite", "pg"] : [values.db];
  if (!dbs.every((d) => d === "sqlite" || d === "pg")) throw new UsageError(`--db must be sqlite, pg or both\n${USAGE}`);
  if (!["group", "user", "healthz"].includes(values.resource)) throw new UsageError(`--resource must be group, user or healthz\n${USAGE}`);
  const num = (name, min) => {
    const n = Number(values[name]);
    if (!(n >= min)) throw new UsageError(`--${name} must be a number >= ${min}\n${USAGE}`);
    return n;
  };
  return {
    dbs,
    connections: Math.round(num("connections", 1)),
    durationMs: num("duration", 0.1) * 1000,
    warmupMs: num("warmup", 0) * 1000,
    resource: values.resource,
    cpuProf: values["cpu-prof"],
    maxWaitMs: num("max-wait", 0) * 1000,
    build: !values["no-build"],
  };
}

/** CPU seconds of the server, this process, PostgreSQL and the whole machine, read at one instant. */
function cpuNow(pid) {
  const own = process.cpuUsage();
  return { server: processCpuSeconds(pid), generator: (own.user + own.system) / 1e6, postgres: cpuSecondsByName("postgres"), machine: machineBusySeconds() };
}

function cpuShares(start, end, seconds) {
  if (!start || !end || start.server === null || start.machine === null) return null;
  const server = (end.server - start.server) / seconds;
  const generator = (end.generator - start.generator) / seconds;
  const postgres = (cpuSecondsBetween(start.postgres, end.postgres) ?? 0) / seconds;
  const machine = (end.machine - start.machine) / seconds;
  return { server, generator, postgres, other: Math.max(0, machine - server - generator - postgres), machine };
}

/** Prepares the resource, waits for a quiet machine, and drives the load against a ready server. */
async function measure(server, opts, profileWindow) {
  const client = await prepareApiClient(server);
  const baseline = opts.resource === "healthz";
  const headers = baseline ? {} : client.headers;
  const resourcePath = baseline ? "/healthz" : client.paths[opts.resource];
  const url = `${server.baseUrl}${resourcePath}`;
  const probe = await request(url, { headers });
  if (probe.status !== 200) throw new Error(`GET ${url} answered ${probe.status}: ${probe.text.slice(0, 200)}`);
  if (opts.maxWaitMs > 0) print(quietLines(await waitForQuiet({ maxCores: QUIET_OTHER_CORES, maxWaitMs: opts.maxWaitMs })));

  // The server's CPU profile is stamped with the same monotonic clock as process.hrtime here.
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  let cpuStart = null;
  let cpuEnd = null;
  const result = await closedLoop({
    url,
    headers,
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
  return {
    ...result,
    cpu: cpuShares(cpuStart, cpuEnd, opts.durationMs / 1000),
    path: resourcePath.replace(/[0-9a-f-]{36}$/, "<id>"),
    authenticated: !baseline,
    bodyBytes: Buffer.byteLength(probe.text),
  };
}

/** One server on one fresh database: start, measure, stop, read the profile, drop the database. */
async function runOne(kind, opts) {
  const db = await freshDatabase(kind);
  try {
    const profDir = opts.cpuProf ? fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-prof-")) : null;
    const server = await spawnServer(db, { admin: true, nodeArgs: profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [] });
    const profileWindow = { fromUs: 0, toUs: Infinity };
    let result;
    try {
      await waitReady(server);
      result = await measure(server, opts, profileWindow);
    } finally {
      const how = await stopServer(server);
      if (how.code !== 0) process.stderr.write(`warning: the server exited with ${how.code ?? how.signal}\n`);
    }
    // V8 writes the profile when the server exits, so it can only be read now.
    const file = profDir && fs.readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
    if (profDir && !file) process.stderr.write(`warning: no CPU profile was written in ${profDir}\n`);
    const profile = file ? summarizeProfile(path.join(profDir, file), { root: ROOT, window: profileWindow }) : null;
    return { ...result, db, profile };
  } finally {
    await db.drop().catch((err) => process.stderr.write(`warning: could not drop the database: ${err.message}\n`));
  }
}

function resultLines(r, opts, cores) {
  const l = r.latencyMs;
  const c = r.cpu;
  const cpu = c
    ? `server ${c.server.toFixed(2)}, load generator ${c.generator.toFixed(2)}, PostgreSQL ${c.postgres.toFixed(2)}, other ${c.other.toFixed(2)}; machine ${c.machine.toFixed(2)} of ${cores}`
    : "n/a (no /proc)";
  // On a SQLite run any PostgreSQL work is someone else's.
  const others = c ? c.other + (r.db.kind === "sqlite" ? c.postgres : 0) : 0;
  const noisy = others > QUIET_OTHER_CORES ? [`WARNING: other processes used ${others.toFixed(2)} cores during the window; these figures are disturbed, rerun on a quiet machine`] : [];
  const errors = r.errors ? `${r.errors} ${JSON.stringify(r.errorsByKind)}` : "0";
  // Say plainly when a run is not the one the targets were set for.
  const notes = [];
  if (!r.authenticated) notes.push("baseline, the targets are for the authenticated GET");
  if (opts.connections !== TARGET_CLIENTS) notes.push(`the targets are for ${TARGET_CLIENTS} clients`);
  if (r.db.kind === "pg") notes.push("reference: the targets are set for SQLite");
  const scope = notes.length ? ` [${notes.join("; ")}]` : "";
  return [
    "",
    `== ${r.db.label} ==`,
    `GET ${r.path} (${r.bodyBytes}-byte JSON) ${r.authenticated ? "with a bearer token" : "(no token, no database)"}; ${opts.connections} closed-loop clients; ${opts.warmupMs / 1000} s warm-up, ${opts.durationMs / 1000} s measured`,
    `throughput:  ${Math.round(r.rps)} req/s (${r.requests} responses in the window)`,
    `latency:     p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}  p99.9 ${ms(l.p999)}  max ${ms(l.max)}  (mean ${ms(l.mean)})`,
    `errors:      ${errors} (outside the window: ${r.outsideWindowErrors})`,
    `connections: ${r.connectionsOpened} opened for ${r.connections} clients${r.connectionsOpened === r.connections ? " (keep-alive held)" : " (some were re-opened: keep-alive broke)"}`,
    `CPU (cores): ${cpu}`,
    ...(c ? [`server CPU:  ${((c.server * opts.durationMs * 1000) / r.requests).toFixed(0)} µs per request (the figure least disturbed by a busy machine)`] : []),
    ...noisy,
    targetLine(`p99 < ${TARGET_P99_MS} ms at ${TARGET_CLIENTS} clients${scope}`, l.p99 < TARGET_P99_MS, ms(l.p99)),
    targetLine(`>= ${TARGET_RPS} req/s${scope}`, r.rps >= TARGET_RPS, `${Math.round(r.rps)} req/s`),
    targetLine("no errors", r.errors === 0, `${r.errors}`),
    ...(r.profile ? profileLines(r.profile) : []),
  ];
}

async function main() {
  const opts = options();
  ensureBuild({ build: opts.build });
  const cores = os.cpus().length;
  print([
    "bench http-get: authenticated GET of a small resource under closed-loop load",
    ...machineLines(),
    `code:    ${codeVersion()}`,
    `note: the load generator (this process) shares the machine's ${cores} cores with the server${opts.dbs.includes("pg") ? " and PostgreSQL" : ""};`,
    "      every core it uses is a core the server does not get, so these figures understate the server alone.",
  ]);
  const results = [];
  let failed = 0;
  for (const kind of opts.dbs) {
    try {
      const r = await runOne(kind, opts);
      results.push(r);
      print(resultLines(r, opts, cores));
    } catch (err) {
      failed++;
      print(["", `== ${kind}: FAILED ==`, String(err.stack ?? err)]);
    }
  }
  if (results.length > 1) {
    const row = (r) => `  ${r.db.kind.padEnd(6)} ${String(Math.round(r.rps)).padStart(6)} req/s  p50 ${ms(r.latencyMs.p50)}  p99 ${ms(r.latencyMs.p99)}  max ${ms(r.latencyMs.max)}  errors ${r.errors}`;
    print(["", "summary:", ...results.map(row)]);
  }
  if (failed) process.exitCode = 1;
}

main().catch((err) => reportFailure("http-get", err));
