// Service desk at scale: loads 1,000,000 tickets, then times a filtered sorted first page, a ticket by number and full-text quick search (HTTP and in-process), p50/p99; SQLite and PostgreSQL.
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { machineLines } from "./lib/machine.mjs";
import { ms, parseOptions, print, reportFailure, targetLine, UsageError } from "./lib/report.mjs";
import { codeVersion, ensureBuild, freshDatabase, prepareApiClient, request, ROOT, spawnServer, stopServer, waitReady } from "./lib/server.mjs";
import { call, latencyStats, setupDesk } from "./lib/ticket-desk.mjs";
import { loadPostgres, loadSqlite } from "./lib/ticket-data.mjs";

const TARGETS = { list: 50, get: 5, search: 100 };

const USAGE = `usage: npm run bench -- ticket-queries [options]
  --tickets N          tickets to load (default 1000000)
  --db sqlite|pg|both  database(s), one after the other (default sqlite)
  --runs N             measured requests per query (default 200, after 20 warm-up)
  --no-build           measure the existing dist/ instead of running npm run build:server
PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a fresh
schema bench_<random> is created for the run and dropped afterwards.`;

function options() {
  const v = parseOptions(
    {
      tickets: { type: "string", default: "1000000" },
      db: { type: "string", default: "sqlite" },
      runs: { type: "string", default: "200" },
      "no-build": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  const dbs = v.db === "both" ? ["sqlite", "pg"] : [v.db];
  if (!dbs.every((d) => d === "sqlite" || d === "pg")) throw new UsageError(`--db must be sqlite, pg or both\n${USAGE}`);
  const tickets = Number(v.tickets);
  const runs = Number(v.runs);
  if (!(tickets >= 1000) || !(runs >= 1)) throw new UsageError(`--tickets must be >= 1000 and --runs >= 1\n${USAGE}`);
  return { dbs, tickets, runs, build: !v["no-build"] };
}

/** The queries an agent's workspace sends, each a list of concrete variants to rotate through. */
function queries(desk, counters) {
  const g = desk.groups;
  const maxInc = counters.incident - 1;
  const numbers = Array.from({ length: 50 }, (_, i) => `INC${String(1001 + Math.floor(((i * 7919) % 997) / 997 * (maxInc - 1001))).padStart(7, "0")}`);
  return [
    { key: "list", what: "open P1-P2 of a group, newest first (all kinds)", paths: g.map((id) => `/api/v1/tickets?open=true&priority=1,2&assignmentGroupId=${id}&sort=-createdAt&limit=50`) },
    { key: "list", what: "open incidents of a group, newest first", paths: g.map((id) => `/api/v1/incidents?open=true&assignmentGroupId=${id}&sort=-createdAt&limit=50`) },
    { key: "list", what: "open incidents by priority then age", paths: g.map((id) => `/api/v1/incidents?open=true&assignmentGroupId=${id}&sort=priority&limit=50`) },
    { key: "get", what: "ticket by number", paths: numbers.map((n) => `/api/v1/tickets/${n}`) },
    { key: "search", what: "quick search, two words", paths: ["disk full", "certificate expires", "login failures", "backup failed", "replication lag", "vpn drops"].map((q) => `/api/v1/tickets?q=${encodeURIComponent(q)}&limit=50`) },
    { key: "search", what: "quick search, CI name + word prefix", paths: desk.cis.slice(0, 20).map((c) => `/api/v1/tickets?q=${encodeURIComponent(`${c.name} slo`)}&limit=50`) },
    { key: "search", what: "quick search, rare words", paths: ["payroll scheduler", "firmware gateway berlin", "quarter close snapshot"].map((q) => `/api/v1/tickets?q=${encodeURIComponent(q)}&limit=50`) },
  ];
}

async function timeHttp(server, headers, q, runs) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples = [];
  let items = 0;
  let total = 0;
  for (let i = 0; i < runs + 20; i++) {
    const p = q.paths[i % q.paths.length];
    const res = await call(agent, server.baseUrl, "GET", p, headers);
    if (res.status !== 200) throw new Error(`GET ${p}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    if (i >= 20) {
      samples.push(res.ms);
      const body = JSON.parse(res.text);
      items += body.items ? body.items.length : 1;
      total += body.items ? body.total : 1;
    }
  }
  agent.destroy();
  return { ...latencyStats(samples), avgItems: items / runs, avgTotal: total / runs };
}

/** The same queries through the service functions in this process, on the same database. */
async function timeInProcess(db, q, runs) {
  const D = pathToFileURL(path.join(ROOT, "dist/server")).href;
  const { openDb, sqliteFileIn } = await import(`${D}/platform/db/db.js`);
  await import(`${D}/modules/incidents/index.js`);
  const tickets = await import(`${D}/modules/tickets/index.js`);
  const { SYSTEM_ACTOR } = await import(`${D}/platform/auth/permissions.js`);
  const handle = db.kind === "pg" ? openDb({ databaseUrl: db.env.DATABASE_URL, poolSize: 2 }) : openDb({ sqliteFile: sqliteFileIn(db.dataDir) });
  try {
    const samples = [];
    for (let i = 0; i < runs + 20; i++) {
      const u = new URL(q.paths[i % q.paths.length], "http://x");
      const t0 = performance.now();
      if (q.key === "get") await tickets.getTicket(handle, SYSTEM_ACTOR, u.pathname.split("/").pop());
      else {
        const query = Object.fromEntries(u.searchParams);
        if (query.limit) query.limit = Number(query.limit);
        if (query.open) query.open = query.open === "true";
        if (u.pathname === "/api/v1/incidents") query.kind = "incident";
        await tickets.listTickets(handle, SYSTEM_ACTOR, query);
      }
      if (i >= 20) samples.push(performance.now() - t0);
    }
    return latencyStats(samples);
  } finally {
    await handle.destroy();
  }
}

function progress(what, done, total, started) {
  const s = (performance.now() - started) / 1000;
  process.stderr.write(`\r  ${what}: ${done.toLocaleString("en")} / ${total.toLocaleString("en")} (${Math.round(done / s).toLocaleString("en")}/s)   `);
  if (done >= total) process.stderr.write("\n");
}

async function runOne(kind, opts) {
  const db = await freshDatabase(kind);
  try {
    let server = await spawnServer(db, { admin: true });
    await waitReady(server);
    const client = await prepareApiClient(server);
    const desk = await setupDesk(server, client.headers);
    const me = JSON.parse((await request(`${server.baseUrl}/api/v1/auth/me`, { headers: client.headers })).text);
    desk.requesterId = me.user?.id ?? me.id ?? null;
    await stopServer(server);
    const t0 = performance.now();
    const onProgress = (done) => progress("tickets", done, opts.tickets, t0);
    const counters = kind === "pg" ? await loadPostgres(db.env.DATABASE_URL, opts.tickets, desk, onProgress) : loadSqlite(path.join(db.dataDir, "opsdesk.sqlite"), opts.tickets, desk, onProgress);
    const loadSeconds = (performance.now() - t0) / 1000;
    // Every request repeats the same query: with the response cache on, all but the first
    // would be answered from memory (0.7 ms for any query), which says nothing about the query
    // over a million tickets. The timed server runs without it.
    server = await spawnServer({ ...db, env: { ...db.env, OPSDESK_RESPONSE_CACHE_MB: "0" } }, { admin: false });
    const rows = [];
    try {
      await waitReady(server, { timeoutMs: 120_000 });
      for (const q of queries(desk, counters)) {
        const h = await timeHttp(server, client.headers, q, opts.runs);
        const p = await timeInProcess(db, q, opts.runs);
        rows.push({ q, h, p });
      }
    } finally {
      await stopServer(server);
    }
    return { db, loadSeconds, rows };
  } finally {
    await db.drop().catch((err) => process.stderr.write(`warning: could not drop the database: ${err.message}\n`));
  }
}

function resultLines(r, opts) {
  const out = ["", `== ${r.db.label} ==`, `load: ${opts.tickets.toLocaleString("en")} tickets in ${r.loadSeconds.toFixed(0)} s (${Math.round(opts.tickets / r.loadSeconds).toLocaleString("en")}/s, direct multi-row inserts)`];
  out.push(`one client, ${opts.runs} requests per query after 20 warm-up; HTTP = through the API with a bearer token (response cache off: each request runs its query), in-process = the service function on the same database`);
  for (const { q, h, p } of r.rows) {
    out.push(`${q.what.padEnd(48)} HTTP p50 ${ms(h.p50).padStart(8)}  p99 ${ms(h.p99).padStart(8)} | in-process p50 ${ms(p.p50).padStart(8)}  p99 ${ms(p.p99).padStart(8)} | ${h.avgItems.toFixed(1)} items, total ${Math.round(h.avgTotal)}`);
  }
  const scope = r.db.kind === "pg" ? " [PostgreSQL, for reference]" : "";
  for (const [key, limit] of Object.entries(TARGETS)) {
    const worst = Math.max(...r.rows.filter((x) => x.q.key === key).map((x) => x.h.p50));
    out.push(targetLine(`${key} median < ${limit} ms over HTTP (worst query)${scope}`, worst < limit, ms(worst)));
  }
  return out;
}

async function main() {
  const opts = options();
  ensureBuild({ build: opts.build });
  print([
    "bench ticket-queries: agent workspace queries over a million tickets",
    ...machineLines(),
    `code:    ${codeVersion()}`,
    `data:    ${opts.tickets.toLocaleString("en")} tickets over 3 years (80% incidents; ~8% open; P1 2%, P2 8%; 8 groups; 85% on one of 654 CIs), seeded`,
    `note: the benchmark (this process) shares the machine's ${os.cpus().length} cores with the server${opts.dbs.includes("pg") ? " and PostgreSQL" : ""}.`,
  ]);
  let failed = 0;
  for (const kind of opts.dbs) {
    try {
      print(resultLines(await runOne(kind, opts), opts));
    } catch (err) {
      failed++;
      print(["", `== ${kind}: FAILED ==`, String(err.stack ?? err)]);
    }
  }
  if (failed) process.exitCode = 1;
}

main().catch((err) => reportFailure("ticket-queries", err));
