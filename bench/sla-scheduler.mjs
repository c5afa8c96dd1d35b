// SLA scheduler: 100,000 tickets with running SLA clocks, some of whose warnings and breaches fall due
// during the run, while incidents are created through the API at 200/s. Reports how late each warning
// and breach fired (fired time minus due time, p50/p99/max); the target is every one within 1 s.
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { percentile } from "./lib/load.mjs";
import { machineBusySeconds, machineLines, quietLines, waitForQuiet } from "./lib/machine.mjs";
import { ms, parseOptions, print, reportFailure, targetLine, UsageError } from "./lib/report.mjs";
import { codeVersion, ensureBuild, freshDatabase, prepareApiClient, ROOT, sleep, spawnServer, stopServer, waitReady } from "./lib/server.mjs";
import { call } from "./lib/ticket-desk.mjs";

const TARGET_LAG_MS = 1000;
const HOUR = 3_600_000;
const USAGE = `usage: npm run bench -- sla-scheduler [options]
  --db sqlite|pg|both   database(s), each fresh (default both)
  --tickets N           tickets with running SLA clocks loaded first (default 100000)
  --due N               of them, clocks whose next warning or breach falls due during the run (default 3000)
  --rate R              incidents created per second through the API meanwhile (default 200)
  --duration S          seconds of load; the due clocks are spread over it (default 60)
  --max-wait S          wait up to S seconds for other processes to go quiet first (default 120; 0: don't)
  --no-build            measure the existing dist/ instead of running npm run build:server`;

function options() {
  const v = parseOptions(
    {
      db: { type: "string", default: "both" },
      tickets: { type: "string", default: "100000" },
      due: { type: "string", default: "3000" },
      rate: { type: "string", default: "200" },
      duration: { type: "string", default: "60" },
      "max-wait": { type: "string", default: "120" },
      "no-build": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  const dbs = v.db === "both" ? ["sqlite", "pg"] : [v.db];
  if (!dbs.every((d) => d === "sqlite" || d === "pg")) throw new UsageError(`--db must be sqlite, pg or both\n${USAGE}`);
  const num = (name, min) => {
    const n = Number(v[name]);
    if (!(Number.isFinite(n) && n >= min)) throw new UsageError(`--${name} must be a number >= ${min}\n${USAGE}`);
    return n;
  };
  const o = { dbs, tickets: num("tickets", 1), due: num("due", 1), rate: num("rate", 1), durationMs: num("duration", 5) * 1000, maxWaitMs: num("max-wait", 0) * 1000, build: !v["no-build"] };
  if (o.due > o.tickets) throw new UsageError(`--due must not exceed --tickets\n${USAGE}`);
  return o;
}

const dist = (p) => import(pathToFileURL(path.join(ROOT, "dist", p)).href);

/**
 * Loads the tickets, their creation entries, their clocks (a 4 h resolution SLA, 24x7) and the timer
 * jobs of each clock's next warning straight into the database, as the SLA module would have left them.
 * Clock i < due crosses 50% at runStart + spread(i); the others long after the run.
 */
async function seed(db, o, runStart) {
  const { openDb } = await dist("server/platform/db/db.js");
  const { migrateToLatest } = await dist("server/platform/db/migrate.js");
  const kysely = openDb({ databaseUrl: db.env.DATABASE_URL ?? null, sqliteFile: path.join(db.dataDir, "opsdesk.sqlite") });
  await migrateToLatest(kysely);
  const now = new Date().toISOString();
  const definition = { id: "bench-resolution", name: "Bench resolution 4h", description: "", type: "sla", target: "resolution", durationMinutes: 240, calendarId: "24x7", appliesTo: { kinds: ["incident"] }, startWhen: [], pauseWhen: [{ states: ["on_hold"], onHoldReasons: ["awaiting_caller", "awaiting_vendor"] }], stopWhen: [{ states: ["resolved", "closed", "completed"] }], cancelWhen: [{ states: ["canceled"] }], resetOn: ["priority"], retroactiveStart: false, warnings: [50, 75, 90], active: true, version: 1, createdAt: "2020-01-01T00:00:00.000Z", updatedAt: now };
  const { id, name, type, target, durationMinutes, calendarId, createdAt, active, description, version, updatedAt, ...rules } = definition;
  await kysely.insertInto("sla_definitions").values({ id, name, description, type, target, duration_minutes: durationMinutes, calendar_id: calendarId, rules: JSON.stringify(rules), active, version, created_at: createdAt, updated_at: updatedAt }).execute();
  const snapshot = JSON.stringify(definition);
  const spreadMs = o.durationMs - 5000;
  const BATCH = 500;
  for (let start = 0; start < o.tickets; start += BATCH) {
    const n = Math.min(BATCH, o.tickets - start);
    const rows = [];
    for (let k = 0; k < n; k++) {
      const i = start + k;
      const halfAt = i < o.due ? runStart + 3000 + Math.floor((i / o.due) * spreadMs) : runStart + HOUR + (i % 3600) * 1000;
      rows.push({ i, createdAt: new Date(halfAt - 2 * HOUR).toISOString(), halfAt: new Date(halfAt).toISOString() });
    }
    await kysely.transaction().execute(async (trx) => {
      const tickets = await trx
        .insertInto("tickets")
        .values(rows.map((r) => ({ kind: "incident", number: `INC${String(5_000_000 + r.i)}`, title: `Seeded incident ${r.i}`, description: "", state: "new", is_open: true, priority: 3, impact: 2, urgency: 2, channel: "api", tags: "[]", major: false, version: 1, created_at: r.createdAt, updated_at: r.createdAt })))
        .returning("id")
        .execute();
      await trx.insertInto("ticket_timeline").values(tickets.map((t, k) => ({ ticket_id: t.id, at: rows[k].createdAt, type: "created", public: true, actor_name: "bench", data: JSON.stringify({ state: "new", priority: 3 }) }))).execute();
      await trx
        .insertInto("ticket_slas")
        .values(tickets.map((t, k) => ({ ticket_id: t.id, definition_id: id, cycle: 1, definition: snapshot, name, type, target, target_ms: 4 * HOUR, calendar_id: "24x7", state: "in_progress", started_at: rows[k].createdAt, due_at: new Date(Date.parse(rows[k].createdAt) + 4 * HOUR).toISOString(), priority: 3, ticket_kind: "incident", next_check_at: rows[k].halfAt, computed_at: now })))
        .execute();
      await trx
        .insertInto("jobs")
        .values(tickets.map((t, k) => ({ id: `bench-${rows[k].i}`, type: "sla.timer", payload: JSON.stringify({ ticketId: String(t.id) }), state: "queued", run_at: rows[k].halfAt, attempts: 0, max_attempts: 10, dedupe_key: `sla.timer:${t.id}:${Date.parse(rows[k].halfAt)}`, created_at: now, updated_at: now })))
        .execute();
    });
  }
  return kysely;
}

/** Opens `rate` POST /api/v1/incidents per second for the duration, on a keep-alive pool, whatever the answers take. */
async function createLoad(server, headers, o) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const total = Math.floor((o.rate * o.durationMs) / 1000);
  const started = performance.now();
  const latencies = [];
  let failed = 0;
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / o.rate - performance.now();
    if (wait > 0) await sleep(wait);
    inflight.push(
      call(agent, server.baseUrl, "POST", "/api/v1/incidents", headers, { title: `Load ${i}`, impact: 2, urgency: 2 }, 30_000).then(
        (r) => (r.status === 201 ? latencies.push(r.ms) : failed++),
        () => failed++,
      ),
    );
  }
  await Promise.all(inflight);
  agent.destroy();
  return { created: latencies.length, failed, seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

async function runOne(kind, o) {
  const db = await freshDatabase(kind);
  let server = null;
  let kysely = null;
  try {
    const quiet = o.maxWaitMs ? await waitForQuiet({ maxWaitMs: o.maxWaitMs }) : null;
    const t0 = performance.now();
    const runStart = Date.now() + 60_000 + o.tickets * 0.6; // after seeding and start-up
    kysely = await seed(db, o, runStart);
    const seededS = (performance.now() - t0) / 1000;
    server = await spawnServer(db, { admin: true });
    await waitReady(server, { timeoutMs: 120_000 });
    const { headers } = await prepareApiClient(server);
    if (Date.now() > runStart) throw new Error("seeding and start-up took longer than planned; lower --tickets");
    await sleep(runStart - Date.now());
    const busy0 = machineBusySeconds();
    const load = await createLoad(server, headers, o);
    // Let the last due clocks (and the outbox of the last creations) be handled.
    for (let i = 0; i < 60; i++) {
      const pending = await kysely.selectFrom("jobs").select("id").where("type", "=", "sla.timer").where("state", "in", ["queued", "running"]).where("run_at", "<=", new Date().toISOString()).limit(1).execute();
      if (!pending.length) break;
      await sleep(500);
    }
    const busy = machineBusySeconds() - busy0;
    const fired = await kysely.selectFrom("outbox").select(["type", "payload"]).where("type", "in", ["sla.warning", "sla.breached"]).execute();
    const lags = fired.map((e) => JSON.parse(e.payload)).filter((p) => Date.parse(p.at) >= runStart).map((p) => Date.parse(p.firedAt) - Date.parse(p.at)).sort((a, b) => a - b);
    const attached = await kysely.selectFrom("ticket_slas").select((eb) => eb.fn.countAll().as("n")).where("started_at", ">=", new Date(runStart).toISOString()).executeTakeFirst();
    const late = lags.filter((l) => l > TARGET_LAG_MS).length;
    return {
      lines: [
        `${db.label}: ${o.tickets.toLocaleString("en")} running clocks seeded in ${seededS.toFixed(1)} s; ${o.due.toLocaleString("en")} of them fall due during ${o.durationMs / 1000} s of load`,
        `  created ${load.created.toLocaleString("en")} incidents at ${(load.created / load.seconds).toFixed(0)}/s (${load.failed} failed), POST p50 ${ms(percentile(load.latencies, 50))} p99 ${ms(percentile(load.latencies, 99))}; ${Number(attached?.n ?? 0).toLocaleString("en")} clocks attached`,
        `  fired ${lags.length.toLocaleString("en")} warnings/breaches due in the run: lag p50 ${ms(percentile(lags, 50))} p99 ${ms(percentile(lags, 99))} max ${ms(lags[lags.length - 1] ?? 0)}; ${late} later than 1 s`,
        targetLine(`every warning and breach within 1 s of due (${kind})`, lags.length >= o.due && late === 0, `${late} late, ${lags.length}/${o.due} fired`),
        ...(quiet ? quietLines(quiet) : []),
        `  machine busy during load: ${busy.toFixed(1)} CPU-s`,
      ],
    };
  } finally {
    await kysely?.destroy().catch(() => {});
    if (server) await stopServer(server);
    await db.drop();
  }
}

async function main() {
  const o = options();
  ensureBuild({ build: o.build });
  const out = ["SLA scheduler", ...machineLines(), codeVersion()];
  for (const kind of o.dbs) out.push(...(await runOne(kind, o)).lines);
  print(out);
}

main().catch((err) => reportFailure("sla-scheduler", err));
