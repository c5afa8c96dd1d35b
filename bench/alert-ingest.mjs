// Event ingestion: POST /api/v2/alerts into a real Alertmanager 0.25 and into OpsDesk (SQLite, PostgreSQL) with the same load; alerts/s ratio, POST-to-incident latency, memory over a sustained run.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { profileLines, summarizeProfile } from "./lib/cpuprofile.mjs";
import { percentile } from "./lib/load.mjs";
import { machineLines, processCpuSeconds, residentMB, threadCpuSeconds, threadsCpuLines, threadsCpuSeconds, waitForQuiet, quietLines } from "./lib/machine.mjs";
import { ms, parseOptions, print, reportFailure, targetLine, UsageError } from "./lib/report.mjs";
import { ROOT, codeVersion, ensureBuild, freePort, freshDatabase, prepareApiClient, request, sleep, spawnServer, stopServer, waitReady } from "./lib/server.mjs";
import { syntheticAlerts } from "./lib/alerts.mjs";

const USAGE = `usage: npm run bench -- alert-ingest [options]
  --db sqlite|pg|both   OpsDesk databases, after Alertmanager (default both)
  --distinct N          distinct alerts (fingerprints) per phase (default 10000)
  --dup R               share of sent alerts that repeat a fingerprint (default 0.5)
  --warmup N            before each measured phase, send N other distinct alerts the same way (with the
                        same share of duplicates), unmeasured, to Alertmanager and OpsDesk alike (default 5000;
                        0 measures cold servers, as before 2026-12-06)
  --probes N            new critical alerts on CMDB hosts timed from POST to incident, per OpsDesk phase (default 40):
                        at most N, one at a time while the phase's load runs, so a short phase takes fewer (about 20 at
                        batches of 1, 4-6 at batches of 100, whose 20,000 alerts take about half a second); the count
                        taken is printed as n=
  --sustain S           also run S seconds of steady load against OpsDesk (SQLite) and sample its memory (default 0; 600 for the 10-minute run)
  --max-wait S          wait at most S seconds for a quiet machine before each phase (default 60)
  --no-alertmanager     skip the Alertmanager run (no ratio then)
  --rounds N            run OpsDesk on SQLite N times, each followed by Alertmanager again (AM, OD, AM, OD, AM, ...):
                        each round's ratio is taken against the Alertmanager runs just before and after it, and the
                        targets are judged on the median round (default 1). This machine's speed drifts by up to 2x
                        within minutes; one round is one sample of that
  --cpu-prof            run the OpsDesk server under node --cpu-prof; print where its time went in each phase
  --no-build            measure the existing dist/
Alertmanager: the Debian package prometheus-alertmanager (apt-get install prometheus-alertmanager).`;

// Warm-up alerts name hosts from here on, far from the measured alerts' host-0, host-1, ...
const WARMUP_FIRST_HOST = 1_000_000;

const PHASES = [
  { name: "batches of 1", batch: 1, concurrency: 8 },
  { name: "batches of 100", batch: 100, concurrency: 4 },
];

function options() {
  const v = parseOptions(
    {
      db: { type: "string", default: "both" },
      distinct: { type: "string", default: "10000" },
      dup: { type: "string", default: "0.5" },
      warmup: { type: "string", default: "5000" },
      probes: { type: "string", default: "40" },
      sustain: { type: "string", default: "0" },
      "max-wait": { type: "string", default: "60" },
      rounds: { type: "string", default: "1" },
      "no-alertmanager": { type: "boolean", default: false },
      "no-build": { type: "boolean", default: false },
      "cpu-prof": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  const dbs = v.db === "both" ? ["sqlite", "pg"] : [v.db];
  if (!dbs.every((d) => d === "sqlite" || d === "pg")) throw new UsageError(`--db must be sqlite, pg or both\n${USAGE}`);
  const warmup = Number(v.warmup);
  if (!Number.isInteger(warmup) || warmup < 0) throw new UsageError(`--warmup must be a whole number of alerts\n${USAGE}`);
  const rounds = Number(v.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new UsageError(`--rounds must be a whole number of at least 1\n${USAGE}`);
  return { dbs, warmup, rounds, distinct: Number(v.distinct), dup: Number(v.dup), probes: Number(v.probes), sustain: Number(v.sustain), alertmanager: !v["no-alertmanager"], build: !v["no-build"], cpuProf: v["cpu-prof"], maxWaitMs: Number(v["max-wait"]) * 1000 };
}

/** Request bodies for one phase (lib/alerts.mjs), `batch` alerts each, pre-serialised. */
function bodies({ distinct, dup, batch, tag, first = 0 }) {
  const alerts = syntheticAlerts({ distinct, dup, tag, first, seed: batch * 7919 + 1 });
  const out = [];
  for (let o = 0; o < alerts.length; o += batch) {
    const part = alerts.slice(o, o + batch);
    out.push({ n: part.length, buf: Buffer.from(JSON.stringify(part)) });
  }
  return out;
}

/** Sends every body with `concurrency` keep-alive clients; alerts/s over the whole phase and request latencies. */
async function drive(baseUrl, headers, list, concurrency) {
  const u = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const lat = [];
  let next = 0;
  let ok = 0;
  let failed = 0;
  const post = (buf) =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const req = http.request({ host: u.hostname, port: u.port, path: "/api/v2/alerts", method: "POST", agent, headers: { "content-type": "application/json", "content-length": buf.length, ...headers } }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
      });
      req.on("error", () => resolve({ status: 0, ms: performance.now() - t0 }));
      req.end(buf);
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < list.length) {
        const b = list[next++];
        const r = await post(b.buf);
        lat.push(r.ms);
        if (r.status === 200) ok += b.n;
        else failed++;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { alertsPerSec: ok / secs, seconds: secs, failed, p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

const quiets = [];

// ---------- Alertmanager ----------

async function startAlertmanager() {
  if (spawnSync("sh", ["-c", "command -v prometheus-alertmanager"]).status !== 0) throw new Error("prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager), or pass --no-alertmanager");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-am-"));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, "am.yml"), "route:\n  receiver: none\n  group_by: ['alertname']\nreceivers:\n  - name: none\n");
  const child = spawn("prometheus-alertmanager", [`--config.file=${dir}/am.yml`, `--storage.path=${dir}/data`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address=", "--log.level=warn"], { stdio: "ignore" });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const res = await request(`${baseUrl}/-/ready`).catch(() => null);
    if (res?.status === 200) break;
    await sleep(100);
  }
  return {
    baseUrl,
    pid: child.pid,
    version: spawnSync("prometheus-alertmanager", ["--version"], { encoding: "utf8" }).stderr.split("\n")[0] || "prometheus-alertmanager",
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------- OpsDesk ----------

/** CIs whose hosts the probe alerts name, so each probe opens a new incident on its own CI. */
async function seedProbeCis(server, headers, n) {
  const cis = Array.from({ length: n }, (_, i) => ({ class: "linux_server", name: `probe-${i}`, criticality: "high", identifiers: { hostname: `probe-${i}`, fqdn: `probe-${i}.bench.example` } }));
  const res = await request(`${server.baseUrl}/api/v1/cmdb/bulk`, { method: "POST", headers, body: { cis } });
  if (res.status !== 200) throw new Error(`seeding probe CIs failed: ${res.status}`);
  const list = JSON.parse((await request(`${server.baseUrl}/api/v1/cis?q=probe-&limit=500`, { headers })).text);
  return new Map(list.items.map((c) => [c.name, c.id]));
}

/** While `running()`, posts one new critical alert on a fresh probe CI at a time and times until its incident is listed. */
async function probeIncidents(server, headers, ciIds, offset, count, running) {
  const out = [];
  for (let i = offset; i < offset + count && running(); i++) {
    const ciId = ciIds.get(`probe-${i}`);
    const t0 = performance.now();
    const res = await request(`${server.baseUrl}/api/v2/alerts`, { method: "POST", headers, body: [{ labels: { alertname: "ProbeDown", instance: `probe-${i}.bench.example:9100`, severity: "critical" } }] });
    if (res.status !== 200) continue;
    for (;;) {
      const list = JSON.parse((await request(`${server.baseUrl}/api/v1/tickets?kind=incident&ciId=${ciId}&limit=1`, { headers })).text);
      if (list.total > 0) break;
      if (performance.now() - t0 > 30_000) throw new Error(`no incident for probe-${i} after 30 s`);
      // Polling harder would itself load the server it measures.
      await sleep(20);
    }
    out.push(performance.now() - t0);
    await sleep(50);
  }
  return out;
}

/** The thread number in a --cpu-prof file name (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile). */
const threadNo = (file) => Number(file.split(".").at(-3));

async function benchOpsDesk(kind, opts, lines) {
  const db = await freshDatabase(kind);
  const profDir = opts.cpuProf ? fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-prof-")) : null;
  const server = await spawnServer(db, { admin: true, nodeArgs: profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [] });
  const windows = [];
  try {
    await waitReady(server);
    const { headers } = await prepareApiClient(server);
    const ciIds = await seedProbeCis(server, headers, opts.probes * PHASES.length + 10);
    const results = [];
    for (const [p, phase] of PHASES.entries()) {
      const list = bodies({ distinct: opts.distinct, dup: opts.dup, batch: phase.batch, tag: `${kind}${p}` });
      if (opts.warmup) {
        await drive(server.baseUrl, headers, bodies({ distinct: opts.warmup, dup: opts.dup, batch: phase.batch, tag: `${kind}w${p}`, first: WARMUP_FIRST_HOST }), phase.concurrency);
        // Folded before the measured phase starts, so that work is not counted in it.
        await request(`${server.baseUrl}/api/v1/events/alerts/counts`, { headers });
      }
      quiets.push(await waitForQuiet({ maxWaitMs: opts.maxWaitMs }));
      let running = true;
      const probe = probeIncidents(server, headers, ciIds, p * opts.probes, opts.probes, () => running);
      const cpu0 = processCpuSeconds(server.pid);
      const main0 = threadCpuSeconds(server.pid, server.pid);
      const threads0 = threadsCpuSeconds(server.pid);
      const fromUs = Number(process.hrtime.bigint() / 1000n);
      const t0 = performance.now();
      const r = await drive(server.baseUrl, headers, list, phase.concurrency);
      // Alerts are acknowledged once journaled and folded into the alert table shortly after:
      // a read folds what still waits, so the CPU figure and the "folded" rate include that work.
      await request(`${server.baseUrl}/api/v1/events/alerts/counts`, { headers });
      r.foldedPerSec = list.reduce((n, b) => n + b.n, 0) / ((performance.now() - t0) / 1000);
      const cpu1 = processCpuSeconds(server.pid);
      const main1 = threadCpuSeconds(server.pid, server.pid);
      r.threads = threadsCpuLines(threads0, threadsCpuSeconds(server.pid), list.reduce((n, b) => n + b.n, 0), { pid: server.pid });
      windows.push({ name: phase.name, fromUs, toUs: Number(process.hrtime.bigint() / 1000n) });
      running = false;
      // Server CPU per sent alert (duplicates included, probes and correlation too): less noisy than alerts/s on a shared machine.
      if (cpu0 !== null && cpu1 !== null) r.cpuUsPerAlert = ((cpu1 - cpu0) * 1e6) / list.reduce((n, b) => n + b.n, 0);
      // The request thread's share: what bounds the rate when the other core is busy with the fold thread and the load generator.
      if (main0 !== null && main1 !== null) r.mainUsPerAlert = ((main1 - main0) * 1e6) / list.reduce((n, b) => n + b.n, 0);
      const incidentMs = (await probe).sort((a, b) => a - b);
      results.push({ ...phase, ...r, incidentMs, rssMB: residentMB(server.pid) });
    }
    const stored = JSON.parse((await request(`${server.baseUrl}/api/v1/events/alerts/counts`, { headers })).text);
    lines.push(`  stored after both phases: ${Object.values(stored.byStatus).reduce((a, b) => a + b, 0)} alerts (expected ${(opts.distinct + opts.warmup) * PHASES.length} + probes)`);
    if (opts.sustain > 0 && kind === "sqlite") results.sustain = await sustain(server, headers, opts);
    return { label: db.label, results };
  } finally {
    await stopServer(server);
    // V8 writes the profile when the server exits; the monotonic clock is shared, so each phase's window selects its samples.
    // One file per thread (main first, then worker threads in the order they started: WAL checkpointer, fold thread).
    const files = profDir ? fs.readdirSync(profDir).filter((f) => f.endsWith(".cpuprofile")).sort((a, b) => threadNo(a) - threadNo(b)) : [];
    for (const w of windows) {
      for (const [i, file] of files.entries()) {
        const summary = summarizeProfile(path.join(profDir, file), { root: ROOT, window: w, top: i === 0 ? 25 : 12 });
        if (i > 0 && summary.busyMs < 20) continue;
        print([`\n${kind}, ${w.name}, ${i === 0 ? "main thread" : `worker thread ${i}`}:`, ...profileLines(summary)]);
      }
    }
    await db.drop();
  }
}

/** Steady load for `sustain` seconds (batches of 100, 4 clients, the same 10,000 fingerprints over and over); RSS every 10 s. */
async function sustain(server, headers, opts) {
  const list = bodies({ distinct: opts.distinct, dup: opts.dup, batch: 100, tag: "sustain" });
  const samples = [];
  const end = Date.now() + opts.sustain * 1000;
  let rounds = 0;
  const sampler = setInterval(() => samples.push(residentMB(server.pid)), 10_000);
  while (Date.now() < end) {
    await drive(server.baseUrl, headers, list, 4);
    rounds++;
  }
  clearInterval(sampler);
  return { rounds, samples };
}

/** Alertmanager through every phase, each after the same warm-up as OpsDesk's; printed as it ends. */
async function benchAlertmanager(opts, when) {
  const peer = await startAlertmanager();
  try {
    const r = [];
    for (const [p, phase] of PHASES.entries()) {
      if (opts.warmup) await drive(peer.baseUrl, {}, bodies({ distinct: opts.warmup, dup: opts.dup, batch: phase.batch, tag: `amw${p}`, first: WARMUP_FIRST_HOST }), phase.concurrency);
      quiets.push(await waitForQuiet({ maxWaitMs: opts.maxWaitMs }));
      const list = bodies({ distinct: opts.distinct, dup: opts.dup, batch: phase.batch, tag: `am${p}` });
      const cpu0 = processCpuSeconds(peer.pid);
      const x = { ...phase, ...(await drive(peer.baseUrl, {}, list, phase.concurrency)), rssMB: residentMB(peer.pid) };
      const cpu1 = processCpuSeconds(peer.pid);
      // The same figure as OpsDesk's below, so the two can be compared on a busy machine too.
      if (cpu0 !== null && cpu1 !== null) x.cpuUsPerAlert = ((cpu1 - cpu0) * 1e6) / list.reduce((n, b) => n + b.n, 0);
      r.push(x);
    }
    print([`\n${peer.version} (in memory only), ${when}`, ...r.map((x) => `  ${x.name.padEnd(15)} ${Math.round(x.alertsPerSec).toLocaleString("en")} alerts/s  request p50 ${ms(x.p50)} p99 ${ms(x.p99)}  RSS ${x.rssMB?.toFixed(0)} MB${x.failed ? `  FAILED ${x.failed}` : ""}${x.cpuUsPerAlert !== undefined ? `  server CPU ${x.cpuUsPerAlert.toFixed(0)} µs per alert` : ""}`)]);
    return { version: peer.version, results: r };
  } finally {
    await peer.stop();
  }
}

async function main() {
  const opts = options();
  const lines = [...machineLines(), `code:    ${codeVersion()}`, `load:    ${opts.distinct} distinct alerts per phase, ${opts.dup * 100}% duplicates; ${PHASES.map((p) => `${p.name} x ${p.concurrency} clients`).join(", ")}`];
  print(lines.splice(0));
  ensureBuild({ build: opts.build });
  // Alertmanager is measured before OpsDesk on SQLite and again after it: this machine's speed
  // drifts by up to 2x within minutes, and a ratio against one run taken before was off by as
  // much (0.49x and 0.93x for the same build an hour apart, 2026-12-07). A round's ratio is taken
  // against the mean of the Alertmanager runs just before and after it; PostgreSQL's against the
  // mean of all of them. With --rounds, the SQLite targets are judged on the median round.
  const ams = opts.alertmanager ? [await benchAlertmanager(opts, "before OpsDesk")] : [];
  const meanOf = (runs, i) => (runs.length ? runs.reduce((a, r) => a + r.results[i].alertsPerSec, 0) / runs.length : null);
  for (const kind of opts.dbs) {
    const rounds = kind === "sqlite" ? opts.rounds : 1;
    const ratios = PHASES.map(() => []);
    const p99s = PHASES.map(() => []);
    for (let round = 1; round <= rounds; round++) {
      const out = [];
      const before = ams.at(-1);
      // The sustained run goes with the last round only.
      const o = await benchOpsDesk(kind, round === rounds ? opts : { ...opts, sustain: 0 }, out);
      if (kind === "sqlite" && opts.alertmanager) ams.push(await benchAlertmanager(opts, `after OpsDesk on SQLite${rounds > 1 ? ` (round ${round} of ${rounds})` : ""}`));
      const refRuns = kind === "sqlite" ? [before, ams.at(-1)].filter(Boolean) : ams;
      print([`\nOpsDesk on ${o.label}${rounds > 1 ? `, round ${round} of ${rounds}` : ""} (durable, deduplicated, CI-bound, correlated)`]);
      for (const [i, x] of o.results.entries()) {
        const ref = meanOf(refRuns, i);
        const ratio = ref ? x.alertsPerSec / ref : null;
        if (ratio !== null) ratios[i].push(ratio);
        p99s[i].push(percentile(x.incidentMs, 99));
        print([
          `  ${x.name.padEnd(15)} ${Math.round(x.alertsPerSec).toLocaleString("en")} alerts/s  request p50 ${ms(x.p50)} p99 ${ms(x.p99)}  RSS ${x.rssMB?.toFixed(0)} MB${x.failed ? `  FAILED ${x.failed}` : ""}${ratio ? `  ratio to Alertmanager ${ratio.toFixed(2)}` : ""}`,
          ...(x.cpuUsPerAlert !== undefined ? [`  ${"".padEnd(15)} server CPU ${x.cpuUsPerAlert.toFixed(0)} µs per alert (${(x.cpuUsPerAlert * x.batch).toFixed(0)} µs per request${x.mainUsPerAlert !== undefined ? `; main thread ${x.mainUsPerAlert.toFixed(0)} µs per alert` : ""}), folding included; ${Math.round(x.foldedPerSec).toLocaleString("en")} alerts/s stored and folded`] : []),
          ...(x.threads ? [`  ${"".padEnd(15)} by thread, µs per alert: ${x.threads}`] : []),
          `  ${"".padEnd(15)} POST -> incident visible: n=${x.incidentMs.length} p50 ${ms(percentile(x.incidentMs, 50))} p99 ${ms(percentile(x.incidentMs, 99))} max ${ms(x.incidentMs.at(-1))}`,
        ]);
        if (rounds > 1) continue;
        if (kind === "sqlite" && ratio !== null) print([targetLine(`${x.name}: OpsDesk (SQLite) alerts/s >= Alertmanager (mean of its runs before and after)`, ratio >= 1, `${ratio.toFixed(2)}x`)]);
        print([targetLine(`${x.name}: POST -> incident p99 < 500 ms (${kind})`, percentile(x.incidentMs, 99) < 500, ms(percentile(x.incidentMs, 99)))]);
      }
      print(out);
      if (o.results.sustain) {
        const s = o.results.sustain.samples;
        const growth = s.length > 2 ? s.at(-1) - s[1] : 0;
        print([`  sustained ${opts.sustain}s: ${o.results.sustain.rounds} rounds; RSS every 10 s: ${s.map((x) => x.toFixed(0)).join(" ")} MB`, targetLine("memory flat over the sustained run (growth after the first sample < 50 MB)", growth < 50, `${growth.toFixed(0)} MB`)]);
      }
    }
    if (rounds > 1) {
      // The lower middle of an even count, as ticket-create's paced runs.
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
      print([`\nOpsDesk on SQLite, ${rounds} rounds:`]);
      for (const [i, phase] of PHASES.entries()) {
        const p99 = median(p99s[i]);
        if (ratios[i].length) {
          const m = median(ratios[i]);
          print([`  ${phase.name.padEnd(15)} ratios ${ratios[i].map((r) => r.toFixed(2)).join(", ")} (median ${m.toFixed(2)}); POST -> incident p99 ${p99s[i].map((v) => ms(v)).join(", ")}`]);
          print([targetLine(`${phase.name}: OpsDesk (SQLite) alerts/s >= Alertmanager (median of ${rounds} rounds)`, m >= 1, `${m.toFixed(2)}x`)]);
        }
        print([targetLine(`${phase.name}: POST -> incident p99 < 500 ms (sqlite, median of ${rounds} rounds)`, p99 < 500, ms(p99))]);
      }
    }
  }
  print(quiets.flatMap((q) => quietLines(q)));
}

main().catch((err) => reportFailure("alert-ingest", err));
