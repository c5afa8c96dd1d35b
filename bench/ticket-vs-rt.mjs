// Side by side with Request Tracker 5 (Debian): the same ticket create and read load (list, search, get) against RT's REST2 and OpsDesk's API in one run; rates and ratios.
import { spawn, spawnSync } from "node:child_process";
import http from "node:http";
import os from "node:os";
import fs from "node:fs";
import path from "node:path";
import { machineLines, processCpuSeconds } from "./lib/machine.mjs";
import { profileLines, summarizeProfile } from "./lib/cpuprofile.mjs";
import { ms, parseOptions, print, reportFailure, targetLine, UsageError } from "./lib/report.mjs";
import { codeVersion, ensureBuild, freshDatabase, prepareApiClient, request, ROOT, sleep, spawnServer, stopServer, waitReady } from "./lib/server.mjs";
import { call, GROUP_NAMES, incidentBody, latencyStats, setupDesk } from "./lib/ticket-desk.mjs";
import { pod } from "./cmdb-load.mjs";
import { RawHttpAgent } from "./lib/raw-http.mjs";

/** The load's HTTP client, from --client: "raw" (bench/lib/raw-http.mjs) or "node" (node:http). */
let CLIENT = "raw";

const TARGET_CREATE_RATIO = 200;
const TARGET_READ_RATIO = 50;
const PEERS = process.env.PEERS_DIR || "/work/shared/peers";

const RT_URL = process.env.RT_URL || "http://127.0.0.1:19080";
const RT_STATE = `${process.env.PEERS_STATE || "/var/tmp/peers"}/rt`;
/** The fields RT is asked for in lists and searches: those of its ticket record that an OpsDesk list item also holds (title, state, priorities, dates, queue as the group, owner as the assignee, requestor, creator). */
const RT_FIELDS = "Subject,Status,Priority,InitialPriority,FinalPriority,Created,LastUpdated,Resolved,Queue,Owner,Requestor,Creator,Type";
// The same facts of an OpsDesk list item (RT's id is OpsDesk's id and number; InitialPriority
// and FinalPriority stand for impact and urgency, Queue for the assignment group, Owner for the assignee).
const OD_FIELDS = "kind,number,title,state,priority,impact,urgency,requester,assignmentGroup,assignee,createdBy,createdAt,updatedAt,resolvedAt";
/** The words of OpsDesk's quick searches: a symptom and the first part of a CI's name. */
const SEARCH_WORDS = ["disk", "certificate", "login failures", "backup", "memory leak", "cpu"];
const searchText = (i, cis) => `${SEARCH_WORDS[i % SEARCH_WORDS.length]} ${cis[(i * 7) % cis.length].name.split("-")[0]}`;

const USAGE = `usage: npm run bench -- ticket-vs-rt [options]
  --concurrency N   requests in flight against each system (default 4, rt-load's default and
                    RT's worker count); the targets are judged at this equal load
  --od-concurrency N  both are then measured again with N in flight (default 50, the load of
                    ticket-create; 0 skips it): RT's four workers serve four at a time and the
                    others wait, OpsDesk's one process takes them all
  --rt-count N      tickets created in RT (default 60; RT manages about 5-10/s)
  --rt-reads N      RT requests per read kind: list, search, get (default 60)
  --warmup N        unmeasured reads of each kind against each system before its read phases
                    (default: as many as it is then measured on, --rt-reads and --reads): list
                    pages of 49, the same searches with 49 per page, tickets the measured gets do
                    not ask for (as far as there are any). OpsDesk's code is compiled by V8 as it
                    runs: its first 3,000 gets cost it about twice what the next ones do
  --create-warmup N unmeasured creations against each system before its create phase, at the
                    same concurrency and with other titles (default: as many as it is then
                    measured on, --rt-count and --count). OpsDesk's creations cost it ~20% more
                    CPU in its first 5,000 than later (V8 compiles and optimizes as it runs);
                    RT's workers are Perl, warm after their first requests
  --count N         tickets created in OpsDesk (default 5000)
  --reads N         OpsDesk requests per read kind (default 2000)
  --api-only        run OpsDesk as OPSDESK_ROLE=api (workers elsewhere): the outbox events of the
                    creations are not handled during the reads
  --keep-rt         leave Request Tracker running afterwards even if this run started it
  --no-rt           measure OpsDesk only (no ratios; for profiling OpsDesk's side)
  --no-drain        start the reads while the worker may still have the creations' events queued
  --cpu-prof        run the OpsDesk server under node --cpu-prof; print where its time went per phase
  --client raw|node the load's HTTP client, the same for both systems (default raw): bench/lib/raw-http.mjs,
                    a lean keep-alive client (one connection per request in flight, opened again when a
                    server closes it), or Node's http client as before 2026-12-07, which cost the load
                    generator ~3x the CPU per request on the cores it shares with OpsDesk
  --no-build        measure the existing dist/ instead of running npm run build:server
Request Tracker is installed and started with ${PEERS}/rt.sh (apt-get on first use) and loaded
by this script with the same client code as OpsDesk, signed in once (session cookie and Referer,
as a browser is). Both get the same ticket titles and descriptions and answer the same reads:
a list page of 50 newest first, a search for the same two words (50 newest first; RT: Subject
LIKE each word), a ticket by id with its allowed transitions. Lists ask both for the same
facts of each ticket: RT for ${RT_FIELDS}, OpsDesk for ${OD_FIELDS}.
Both are warmed up before their create and read phases (--create-warmup, --warmup). RT is
measured before and after OpsDesk, at each load, and the ratios are taken against the mean of
its two runs: this guest's speed drifts by up to 2x within minutes, and a peer measured once
in a slow (or fast) moment skews the ratio.`;

function options() {
  const v = parseOptions(
    {
      concurrency: { type: "string", default: "4" },
      "od-concurrency": { type: "string", default: "50" },
      "rt-count": { type: "string", default: "60" },
      "rt-reads": { type: "string", default: "60" },
      warmup: { type: "string", default: "" },
      "create-warmup": { type: "string", default: "" },
      count: { type: "string", default: "5000" },
      reads: { type: "string", default: "2000" },
      "keep-rt": { type: "boolean", default: false },
      "no-rt": { type: "boolean", default: false },
      "no-drain": { type: "boolean", default: false },
      "cpu-prof": { type: "boolean", default: false },
      "api-only": { type: "boolean", default: false },
      "no-build": { type: "boolean", default: false },
      client: { type: "string", default: "raw" },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  if (v.client !== "raw" && v.client !== "node") throw new UsageError(`--client must be raw or node\n${USAGE}`);
  CLIENT = v.client;
  const n = (k) => Math.max(1, Math.round(Number(v[k]) || 0));
  return { concurrency: n("concurrency"), odConcurrency: Math.max(0, Math.round(Number(v["od-concurrency"]) || 0)), rtCount: n("rt-count"), rtReads: n("rt-reads"), warmup: v.warmup === "" ? null : Math.max(0, Math.round(Number(v.warmup) || 0)), createWarmup: v["create-warmup"] === "" ? null : Math.max(0, Math.round(Number(v["create-warmup"]) || 0)), count: n("count"), reads: n("reads"), keepRt: v["keep-rt"], noRt: v["no-rt"], drain: !v["no-drain"], cpuProf: v["cpu-prof"], apiOnly: v["api-only"], build: !v["no-build"] };
}

function rtScript(cmd) {
  const res = spawnSync("bash", [`${PEERS}/rt.sh`, cmd], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return { code: res.status, out: `${res.stdout}${res.stderr}`.trim() };
}

/**
 * The CIs tickets are raised on, by name, as setupDesk loads them into OpsDesk (CMDB pod 0):
 * RT gets the same titles and descriptions, so both answer the same searches.
 */
function deskTexts() {
  const { cis } = pod(0, GROUP_NAMES);
  const wanted = new Set(["virtual_machine", "application", "database", "server", "network_switch", "load_balancer", "laptop", "kubernetes_workload"]);
  return { groups: GROUP_NAMES, cis: cis.filter((c) => wanted.has(c.class)).map((c, i) => ({ id: String(i), class: c.class, name: c.name })) };
}

/** RT's server CPU seconds: the Starlet master, its live workers and the workers it has reaped. */
function rtCpuSeconds() {
  try {
    const pid = Number(fs.readFileSync(`${RT_STATE}/rt-server.pid`, "utf8").trim());
    const fields = (p) => {
      const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
    };
    const hz = 100;
    const m = fields(pid);
    let ticks = m[11] + m[12] + m[13] + m[14];
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    for (const c of children) {
      try {
        const f = fields(c);
        ticks += f[11] + f[12];
      } catch {
        // a worker that just exited is counted in the master's reaped time
      }
    }
    return ticks / hz;
  } catch {
    return null;
  }
}

/** Signs in to RT once as a browser would (POST /NoAuth/Login.html) and returns the RT_SID cookie. */
async function rtLogin() {
  const form = `user=root&pass=${encodeURIComponent(process.env.RT_ROOT_PASSWORD || "peerpass1")}`;
  return new Promise((resolve, reject) => {
    const req = http.request(`${RT_URL}/NoAuth/Login.html`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(form) } }, (r) => {
      r.resume();
      r.on("end", () => {
        const sc = (r.headers["set-cookie"] || []).find((c) => c.startsWith("RT_SID_"));
        if (!sc) reject(new Error(`RT login failed: HTTP ${r.statusCode}, no RT_SID cookie`));
        else resolve(sc.split(";")[0]);
      });
    });
    req.on("error", reject);
    req.end(form);
  });
}

/**
 * The same phases against RT's REST2, with the same client code as OpsDesk's: creates with the
 * same titles and descriptions, then list pages (newest first, 50 per page), searches for the
 * same words in the subject (TicketSQL `Subject LIKE` per word; RT's full-text index on content
 * is not set up by Debian's package) and gets by id. Signed in once with a session cookie; the
 * Referer a browser sends keeps RT's CSRF check from refusing cookie-authenticated POSTs.
 */
async function rtLoad(opts) {
  const cookie = await rtLogin();
  const headers = { cookie, referer: `${RT_URL}/`, accept: "application/json" };
  const desk = deskTexts();
  const go = (method, path, body, want) => async (agent) => {
    const res = await call(agent, RT_URL, method, path, headers, body);
    return { ...res, ok: res.status === want };
  };
  const check = await go("GET", "/REST/2.0/queues/all", undefined, 200)(undefined);
  if (!check.ok) throw new Error(`RT refused the session cookie: HTTP ${check.status}`);
  // RT's first requests per worker are slow (rt.sh's README): warm each worker up.
  for (let i = 0; i < 8; i++) await go("GET", `/REST/2.0/tickets?query=${encodeURIComponent("Queue='General'")}&per_page=1`, undefined, 200)(undefined);
  const ids = [];
  const rtBody = (i) => {
    const b = incidentBody(i, desk);
    return { Queue: "General", Subject: b.title, Content: b.description, ContentType: "text/plain", Priority: 20 * (b.impact + b.urgency) };
  };
  await createWarmUp(opts.createWarmup ?? opts.rtCount, opts.concurrency, (i) => go("POST", "/REST/2.0/ticket", rtBody(1_000_000 + i), 201));
  const create = await phase(opts.rtCount, opts.concurrency, async (agent, i) => {
    const res = await go("POST", "/REST/2.0/ticket", rtBody(i), 201)(agent);
    if (res.ok) ids.push(JSON.parse(res.text).id);
    return res;
  }, rtCpuSeconds);
  if (!ids.length) throw new Error(`RT created no ticket: ${JSON.stringify(create.errors)}`);
  const q = encodeURIComponent("Queue='General'");
  const first = JSON.parse((await go("GET", `/REST/2.0/tickets?query=${q}&per_page=1`, undefined, 200)(undefined)).text);
  const pages = Math.max(1, Math.ceil(first.total / 50));
  const fields = `fields=${RT_FIELDS}`;
  const items = (p) => async (agent, i) => {
    const res = await go("GET", p(i), undefined, 200)(agent);
    // Every tenth answer is parsed to count its items: parsing them all would load the client.
    if (res.ok && i % 10 === 0) res.items = JSON.parse(res.text).count;
    return res;
  };
  const listPath = (perPage) => (i) => `/REST/2.0/tickets?query=${q}&per_page=${perPage}&page=${(i % pages) + 1}&orderby=id&order=DESC&${fields}`;
  const searchPath = (perPage) => (i) => {
    const words = searchText(i, desk.cis).split(" ");
    return `/REST/2.0/tickets?query=${encodeURIComponent(words.map((w) => `Subject LIKE '${w}'`).join(" AND "))}&per_page=${perPage}&orderby=id&order=DESC&${fields}`;
  };
  const getPath = (offset) => (i) => `/REST/2.0/ticket/${ids[((i + offset) * 37) % ids.length]}`;
  await warmUp(opts.warmup ?? opts.rtReads, opts.concurrency, (p) => go("GET", p, undefined, 200), [listPath(49), searchPath(49), getPath(opts.rtReads)]);
  const list = await phase(opts.rtReads, opts.concurrency, items(listPath(50)), rtCpuSeconds);
  const search = await phase(opts.rtReads, opts.concurrency, items(searchPath(50)), rtCpuSeconds);
  const get = await phase(opts.rtReads, opts.concurrency, (agent, i) => go("GET", getPath(0)(i), undefined, 200)(agent), rtCpuSeconds);
  return { target: RT_URL, ticketsInQueue: first.total, byPhase: { create, list, search, get }, phases: [create, list, search, get] };
}

/** `n` unmeasured creations (i -> request), `concurrency` in flight; a failed one fails the run. */
async function createWarmUp(n, concurrency, create) {
  if (!n) return;
  const r = await phase(n, concurrency, (agent, i) => create(i)(agent));
  if (r.failed) throw new Error(`create warm-up failed: ${JSON.stringify(r.errors)}`);
}

/** `n` unmeasured requests of each of `paths` (i -> path), `concurrency` in flight; a failed one fails the run. */
async function warmUp(n, concurrency, get, paths) {
  for (const path of paths) {
    if (!n) return;
    const r = await phase(n, concurrency, (agent, i) => get(path(i))(agent));
    if (r.failed) throw new Error(`warm-up failed: ${JSON.stringify(r.errors)} (${path(0)})`);
  }
}

/** n requests with `concurrency` in flight, like rt-load's phases: rate over the phase, latency percentiles and, given a server pid, its CPU per request. */
async function phase(n, concurrency, send, pid) {
  // One keep-alive connection per request in flight: node:http's agent shares `concurrency`
  // sockets among them; the raw client gives each its own.
  const nodeAgent = CLIENT === "node" ? new http.Agent({ keepAlive: true, maxSockets: concurrency }) : null;
  const rawAgents = [];
  const samples = [];
  let next = 0;
  let failed = 0;
  const errors = {};
  const cpuNow = typeof pid === "function" ? pid : () => (pid ? processCpuSeconds(pid) : null);
  let items = 0;
  let answers = 0;
  const cpu0 = cpuNow();
  const fromUs = nowUs();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const agent = nodeAgent ?? new RawHttpAgent();
      if (!nodeAgent) rawAgents.push(agent);
      for (let i = next++; i < n; i = next++) {
        const res = await send(agent, i);
        samples.push(res.ms);
        if (res.items !== undefined) {
          items += res.items;
          answers++;
        }
        if (!res.ok) {
          failed++;
          errors[res.status] = (errors[res.status] ?? 0) + 1;
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = cpuNow();
  nodeAgent?.destroy();
  for (const a of rawAgents) a.close();
  const cpuMsPerOp = cpu0 !== null && cpu1 !== null ? ((cpu1 - cpu0) * 1000) / n : null;
  return { ok: n - failed, failed, errors, itemsPerAnswer: answers ? items / answers : null, seconds, perSec: (n - failed) / seconds, latencyMs: latencyStats(samples), cpuMsPerOp, window: { fromUs, toUs: nowUs() } };
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** The response cache's hit and miss counts, from the server's /metrics. */
async function cacheCounts(server) {
  const res = await request(`${server.baseUrl}/metrics`);
  const get = (result) => Number(new RegExp(`^opsdesk_response_cache_requests_total\\{result="${result}"\\} (\\d+)`, "m").exec(res.text)?.[1] ?? 0);
  return { hits: get("hit"), misses: get("miss") };
}

/** A phase with the response cache's hits and misses during it. */
async function cachedPhase(server, ...args) {
  const before = await cacheCounts(server);
  const result = await phase(...args);
  const after = await cacheCounts(server);
  return { ...result, cache: { hits: after.hits - before.hits, misses: after.misses - before.misses } };
}

/** Outbox events not yet dispatched, from the server's /metrics. */
async function outboxPending(server) {
  const res = await request(`${server.baseUrl}/metrics`);
  const m = /^opsdesk_outbox_pending (\d+)/m.exec(res.text);
  return m ? Number(m[1]) : 0;
}

/**
 * Waits until the worker has dispatched every event of the creations (polling /metrics), so
 * the reads are measured on their own rather than against the worker's backlog. Returns how
 * long that took and the server CPU it used (the worker's share of the creations' cost).
 */
async function drainOutbox(server, timeoutMs = 600_000) {
  const cpu0 = processCpuSeconds(server.pid);
  const fromUs = nowUs();
  const t0 = performance.now();
  let pending = await outboxPending(server);
  const first = pending;
  while (pending > 0 && performance.now() - t0 < timeoutMs) {
    await sleep(100);
    pending = await outboxPending(server);
  }
  return { first, pending, seconds: (performance.now() - t0) / 1000, cpuSeconds: processCpuSeconds(server.pid) - cpu0, window: { fromUs, toUs: nowUs() } };
}

/** The same phases against OpsDesk: creates, then list pages (newest first), word searches and gets. */
async function opsdeskLoad(opts, concurrency) {
  const db = await freshDatabase("sqlite");
  if (opts.apiOnly) db.env = { ...db.env, OPSDESK_ROLE: "api" };
  try {
    const profDir = opts.cpuProf ? fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-prof-")) : null;
    // BENCH_SERVER_NODE_ARGS: extra node options for the server (e.g. --require a statement timer).
    const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
    const server = await spawnServer(db, { admin: true, nodeArgs: [...extra, ...(profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [])] });
    let result;
    try {
      await waitReady(server);
      const { headers } = await prepareApiClient(server);
      const desk = await setupDesk(server, headers);
      const ids = [];
      const go = (method, path, body, want) => async (agent) => {
        const res = await call(agent, server.baseUrl, method, path, headers, body);
        return { ...res, ok: res.status === want };
      };
      // Warm-up, as RT's workers are warmed up before its phases: a few one at a time, then the phase's own.
      for (let i = 0; i < 20; i++) await go("POST", "/api/v1/incidents", incidentBody(1_000_000 + i, desk), 201)(undefined);
      await createWarmUp(opts.createWarmup ?? opts.count, concurrency, (i) => go("POST", "/api/v1/incidents", incidentBody(2_000_000 + i, desk), 201));
      const create = await phase(opts.count, concurrency, async (agent, i) => {
        const res = await go("POST", "/api/v1/incidents", incidentBody(i, desk), 201)(agent);
        if (res.ok) ids.push(JSON.parse(res.text).id);
        return res;
      }, server.pid);
      // With its workers in the process, the creations' events (SLA clocks, problem
      // suggestions, known errors) are still being handled; the reads wait for that unless --no-drain.
      const drain = !opts.apiOnly && opts.drain ? await drainOutbox(server) : null;
      const pages = Math.max(1, Math.floor(ids.length / 50));
      const items = (p) => async (agent, i) => {
        const res = await go("GET", p(i), undefined, 200)(agent);
        if (res.ok && i % 10 === 0) res.items = JSON.parse(res.text).items.length;
        return res;
      };
      const listPath = (perPage) => (i) => `/api/v1/incidents?sort=-createdAt&limit=${perPage}&offset=${(i % pages) * perPage}&fields=${OD_FIELDS}`;
      const searchPath = (perPage) => (i) => `/api/v1/tickets?q=${encodeURIComponent(searchText(i, desk.cis))}&limit=${perPage}&fields=${OD_FIELDS}`;
      const getPath = (offset) => (i) => `/api/v1/tickets/${ids[((i + offset) * 37) % ids.length]}`;
      // Other pages, page sizes and tickets than the measured reads ask for: nothing they read is cached by it.
      await warmUp(opts.warmup ?? opts.reads, concurrency, (p) => go("GET", p, undefined, 200), [listPath(49), searchPath(49), getPath(opts.reads)]);
      const list = await cachedPhase(server, opts.reads, concurrency, items(listPath(50)), server.pid);
      const search = await cachedPhase(server, opts.reads, concurrency, items(searchPath(50)), server.pid);
      const get = await cachedPhase(server, opts.reads, concurrency, (agent, i) => go("GET", getPath(0)(i), undefined, 200)(agent), server.pid);
      result = { create, drain, list, search, get };
    } finally {
      await stopServer(server);
    }
    const file = profDir && fs.readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
    if (file) {
      result.profiles = {};
      for (const k of ["create", "drain", "list", "search", "get"]) if (result[k]) result.profiles[k] = summarizeProfile(path.join(profDir, file), { root: ROOT, window: result[k].window });
    }
    return result;
  } finally {
    await db.drop().catch(() => {});
  }
}

const readRate = (r) => {
  const n = r.list.ok + r.search.ok + r.get.ok;
  return n / (r.list.seconds + r.search.seconds + r.get.seconds);
};

async function main() {
  const opts = options();
  ensureBuild({ build: opts.build });
  print([
    "bench ticket-vs-rt: ticket create and read load against Request Tracker 5 and OpsDesk, one after the other in one run",
    ...machineLines(),
    `code:    ${codeVersion()}`,
    `load:    ${opts.concurrency} requests in flight against each; RT ${opts.noRt ? "skipped (--no-rt)" : `${opts.rtCount} creates and ${opts.rtReads} of each read`}; OpsDesk ${opts.count} creates and ${opts.reads} of each read; first ${opts.warmup ?? "as many"} unmeasured reads of each kind (--warmup); HTTP client: ${CLIENT}`,
    `reads:   ${opts.apiOnly ? "no workers in the OpsDesk process" : opts.drain ? "OpsDesk's reads start once its worker has handled the creations' events (outbox drained; --no-drain to overlap them)" : "OpsDesk's reads start right after the creations, while its worker may still handle their events (--no-drain)"}`,
  ]);
  // RT's runs at each load: before OpsDesk's, then after them.
  const rtRuns = { few: [], many: [] };
  const many = opts.odConcurrency && opts.odConcurrency !== opts.concurrency ? opts.odConcurrency : 0;
  const measureRt = async () => {
    rtRuns.few.push(await rtLoad(opts));
    // The same load as OpsDesk's second run: its four workers take four at a time, the rest wait.
    if (many) rtRuns.many.push(await rtLoad({ ...opts, concurrency: many }));
  };
  let od;
  let odMany = null;
  const wasRunning = !opts.noRt && rtScript("status").code === 0;
  try {
    if (!opts.noRt) {
      const started = rtScript("start");
      if (started.code !== 0) throw new Error(`rt.sh start failed:\n${started.out}`);
      print([`rt:      ${started.out.split("\n").pop().replace(/REST2 token: \S+/, "REST2 token: (hidden)")}`]);
      await measureRt();
    }
    od = await opsdeskLoad(opts, opts.concurrency);
    odMany = many ? await opsdeskLoad(opts, many) : null;
    if (!opts.noRt) await measureRt();
  } finally {
    if (!opts.noRt && !wasRunning && !opts.keepRt) rtScript("stop");
  }
  const rt = meanRun(rtRuns.few);
  const rtMany = meanRun(rtRuns.many);
  const cpu = (p) => (p.cpuMsPerOp === null || p.cpuMsPerOp === undefined ? "" : `  server CPU ${ms(p.cpuMsPerOp)}/op`);
  const perAnswer = (p) => (p.itemsPerAnswer === null || p.itemsPerAnswer === undefined ? "" : `  ${p.itemsPerAnswer.toFixed(1)} items/answer`);
  const cached = (p) => (p.cache ? `  cache hits ${p.cache.hits}/${p.cache.hits + p.cache.misses}` : "");
  const row = (name, p, extra = "") => `  ${name.padEnd(8)} ${p.perSec.toFixed(p.perSec < 100 ? 1 : 0).padStart(8)}/s  p50 ${ms(p.latencyMs.p50).padStart(9)}  p99 ${ms(p.latencyMs.p99).padStart(9)}  ok ${p.ok}${p.failed ? ` FAILED ${p.failed} ${JSON.stringify(p.errors)}` : ""}${cpu(p)}${perAnswer(p)}${cached(p)}${extra}`;
  // Beside the rates, RT's server CPU per operation over OpsDesk's: on a machine that other
  // processes load, the rates of both move by 2-3x while CPU per operation moves less.
  const cpuRatio = (p, k, base) => (p.cpuMsPerOp > 0 && base.byPhase[k].cpuMsPerOp > 0 ? ` (server CPU per op: RT ${(base.byPhase[k].cpuMsPerOp / p.cpuMsPerOp).toFixed(0)}x OpsDesk's)` : "");
  const ratio = (p, k, base) => (base ? `   ${(p.perSec / base.byPhase[k].perSec).toFixed(0)}x RT${cpuRatio(p, k, base)}` : "");
  const lines = [];
  const rtRows = (runs, c) => {
    lines.push("", `Request Tracker 5 REST2, ${c} in flight (${runs[0].target}, session cookie, SQLite, ${process.env.RT_WORKERS || 4} Starlet workers; ${runs.map((r) => r.ticketsInQueue).join(" / ")} tickets in the queue read, OpsDesk ${opts.count + 20 + (opts.createWarmup ?? opts.count)}), before and after OpsDesk; the ratios take the mean rate:`);
    for (const k of ["create", "list", "search", "get"]) runs.forEach((r, i) => lines.push(row(i ? "" : k, r.byPhase[k], ` (${i ? "after" : "before"})`)));
  };
  if (rt) rtRows(rtRuns.few, opts.concurrency);
  if (rtMany) rtRows(rtRuns.many, many);
  const odLabel = (c) => `OpsDesk API, ${c} in flight (SQLite, bearer token, one server process${opts.apiOnly ? ", OPSDESK_ROLE=api: no workers" : " with its workers: outbox handlers run on the same cores"}):`;
  const drainLine = (r) =>
    r.drain
      ? [`  worker   ${r.drain.first} events queued after the creations, drained in ${r.drain.seconds.toFixed(1)} s${r.drain.pending ? ` (STILL ${r.drain.pending} pending)` : ""}; server CPU ${ms((r.drain.cpuSeconds * 1000) / opts.count)} per created ticket while draining`]
      : [];
  const odRows = (r, c, base) => {
    lines.push("", odLabel(c));
    lines.push(row("create", r.create, ratio(r.create, "create", base)), ...drainLine(r));
    for (const k of ["list", "search", "get"]) lines.push(row(k, r[k], ratio(r[k], k, base)));
    if (r.profiles) for (const [k, summary] of Object.entries(r.profiles)) lines.push("", `profile of the ${k} phase (${c} in flight):`, ...profileLines(summary));
  };
  odRows(od, opts.concurrency, rt);
  if (odMany) odRows(odMany, opts.odConcurrency, rtMany);
  const targets = (o, r, c) => {
    const rtRead = readRateRt(r);
    const createRatio = o.create.perSec / r.byPhase.create.perSec;
    const readRatio = readRate(o) / rtRead;
    const worstRead = Math.min(...["list", "search", "get"].map((k) => o[k].perSec / r.byPhase[k].perSec));
    lines.push(
      `reads over all three kinds, ${c} in flight each: RT ${rtRead.toFixed(1)}/s, OpsDesk ${readRate(o).toFixed(0)}/s`,
      targetLine(`create >= ${TARGET_CREATE_RATIO}x RT, ${c} in flight each`, createRatio >= TARGET_CREATE_RATIO, `${createRatio.toFixed(0)}x: ${o.create.perSec.toFixed(0)}/s vs ${r.byPhase.create.perSec.toFixed(1)}/s`),
      targetLine(`read >= ${TARGET_READ_RATIO}x RT (all reads), ${c} in flight each`, readRatio >= TARGET_READ_RATIO, `${readRatio.toFixed(0)}x; slowest kind ${worstRead.toFixed(0)}x`),
    );
  };
  lines.push("");
  if (rt) targets(od, rt, opts.concurrency);
  else lines.push(`reads over all three kinds: OpsDesk ${readRate(od).toFixed(0)}/s`);
  if (rtMany && odMany) targets(odMany, rtMany, many);
  const phases = (r) => ["create", "list", "search", "get"].map((k) => r[k]);
  lines.push(targetLine("no failed requests", ![od, odMany].filter(Boolean).some((r) => phases(r).some((p) => p.failed)) && ![rt, rtMany].some((r) => (r?.phases ?? []).some((p) => p.failed)), rt ? "OpsDesk and RT" : "OpsDesk"));
  print(lines);
}

/**
 * RT's runs at one load as one: each phase's rate the mean of the runs' rates, its server CPU per
 * operation the mean of theirs (null when there is no run).
 */
function meanRun(runs) {
  if (!runs.length) return null;
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const byPhase = {};
  for (const k of Object.keys(runs[0].byPhase)) {
    const ps = runs.map((r) => r.byPhase[k]);
    const cpus = ps.map((p) => p.cpuMsPerOp).filter((x) => x > 0);
    byPhase[k] = { ...ps[0], perSec: mean(ps.map((p) => p.perSec)), cpuMsPerOp: cpus.length === ps.length ? mean(cpus) : null, ok: ps.reduce((a, p) => a + p.ok, 0), seconds: ps.reduce((a, p) => a + p.seconds, 0) };
  }
  return { ...runs[0], byPhase, phases: runs.flatMap((r) => r.phases) };
}

const readRateRt = (rt) => (rt.byPhase.list.ok + rt.byPhase.search.ok + rt.byPhase.get.ok) / (rt.byPhase.list.seconds + rt.byPhase.search.seconds + rt.byPhase.get.seconds);

main().catch((err) => reportFailure("ticket-vs-rt", err));
