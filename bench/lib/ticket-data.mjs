// A million tickets fast: seeded synthetic service desk history written straight into the
// database in the shape createTicket writes (the tickets row; the FTS5 index through its
// trigger on SQLite, the generated tsvector on PostgreSQL; number counters moved past them).
// Timeline, audit and outbox rows are not written: no query measured here reads them.
// Secondary indexes and the full-text index are built once after the rows, from the schema's own DDL.
import { createRequire } from "node:module";
import { ROOT } from "./server.mjs";
import { rng } from "./rng.mjs";

const require = createRequire(`${ROOT}/package.json`);

const KINDS = [["incident", "INC", 0.8], ["request", "REQ", 0.1], ["change", "CHG", 0.05], ["problem", "PRB", 0.03], ["task", "TASK", 0.02]];
const SUBJECTS = ["High CPU on", "Disk almost full on", "Service not responding on", "Login failures on", "Slow responses from", "Certificate expires soon on", "Memory leak suspected on", "Backup failed on", "Cannot print from", "VPN drops on", "Password reset for", "New laptop for", "Access request to", "Patch window for", "Upgrade database on", "Replication lag on", "Packet loss towards", "Mailbox full for"];
const DETAIL = ["after the morning deployment", "since the weekend", "for all users in the Berlin office", "only on the night shift", "intermittently every few minutes", "after the firewall change", "when exporting large reports", "on the payroll run", "while the backup job runs", "right after a reboot", "for customers in the EU region", "during the quarter close"];
const NOUNS = ["queue", "connection pool", "filesystem", "certificate", "kernel", "driver", "replica", "snapshot", "gateway", "token", "session", "scheduler", "cache", "index", "volume", "cluster", "switch port", "load balancer", "DNS record", "firmware"];
const STATES = {
  incident: [["new", true], ["in_progress", true], ["on_hold", true], ["resolved", false], ["closed", false], ["canceled", false]],
  request: [["new", true], ["in_progress", true], ["closed", false]],
  change: [["new", true], ["closed", false]],
  problem: [["new", true], ["closed", false]],
  task: [["new", true], ["closed", false]],
};
const COLUMNS = ["kind", "number", "title", "description", "state", "is_open", "priority", "impact", "urgency", "requester_id", "assignment_group_id", "ci_id", "category", "channel", "tags", "major", "version", "created_by", "created_at", "updated_at", "resolved_at", "closed_at"];

/**
 * Ticket rows 0..count-1, oldest first over `years`: about 8% still open (recent ones more
 * likely), priorities 1-5 (2%, 8%, 30%, 40%, 20%), eight groups, a CI on most.
 */
export function* ticketRows(count, desk, { years = 3, seed = 42 } = {}) {
  const r = rng(seed);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const counters = Object.fromEntries(KINDS.map(([k]) => [k, 1001]));
  const now = Date.now();
  const span = years * 365 * 86_400_000;
  for (let i = 0; i < count; i++) {
    const x = r();
    let acc = 0;
    const [kind, prefix] = KINDS.find(([, , share]) => (acc += share) >= x) ?? KINDS[0];
    const number = `${prefix}${String(counters[kind]++).padStart(7, "0")}`;
    const created = new Date(now - span + Math.floor((span * (i + r())) / count));
    const age = 1 - i / count; // 1 = oldest
    const open = r() < (age < 0.02 ? 0.6 : 0.06);
    const states = STATES[kind];
    const [state, isOpen] = open ? pick(states.filter(([, o]) => o)) : pick(states.filter(([, o]) => !o));
    const p = r();
    const priority = p < 0.02 ? 1 : p < 0.1 ? 2 : p < 0.4 ? 3 : p < 0.8 ? 4 : 5;
    const ci = r() < 0.85 ? pick(desk.cis) : null;
    const subject = pick(SUBJECTS);
    const title = `${subject} ${ci ? ci.name : `user${Math.floor(r() * 5000)}`}`;
    const description = `${subject} ${ci ? ci.name : "a workstation"} ${pick(DETAIL)}. The ${pick(NOUNS)} and the ${pick(NOUNS)} look suspicious; ticket ref ${Math.floor(r() * 1e6)}.`;
    const done = isOpen ? null : new Date(created.getTime() + Math.floor(r() * 5 * 86_400_000)).toISOString();
    yield {
      kind, number, title, description, state, is_open: isOpen, priority, impact: Math.min(3, Math.max(1, priority - 1)), urgency: Math.min(3, Math.max(1, priority - 2)),
      requester_id: desk.requesterId, assignment_group_id: r() < 0.95 ? pick(desk.groups) : null, ci_id: ci?.id ?? null, category: pick(["software", "hardware", "network", "inquiry"]),
      channel: pick(["phone", "email", "portal", "event", "api"]), tags: ci ? JSON.stringify([ci.class]) : "[]", major: priority === 1 && r() < 0.1, version: 1, created_by: desk.requesterId,
      created_at: created.toISOString(), updated_at: (done ?? created.toISOString()), resolved_at: state === "resolved" || state === "closed" ? done : null, closed_at: state === "closed" || state === "canceled" ? done : null,
    };
  }
  return counters;
}

/** Loads `count` tickets into a SQLite file in transactions of 5,000 multi-row inserts; returns the counters. */
export function loadSqlite(file, count, desk, onProgress) {
  const Database = require("better-sqlite3");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("cache_size = -262144");
  const ROWS = 100;
  const one = `(${COLUMNS.map(() => "?").join(",")})`;
  const insertMany = db.prepare(`insert into tickets (${COLUMNS.join(",")}) values ${Array(ROWS).fill(one).join(",")}`);
  const insertOne = db.prepare(`insert into tickets (${COLUMNS.join(",")}) values ${one}`);
  const flat = (row) => COLUMNS.map((c) => (typeof row[c] === "boolean" ? Number(row[c]) : row[c]));
  // Secondary indexes and the FTS trigger are set aside during the load and rebuilt once
  // afterwards from their own DDL, as a restore would: the same schema, built in one pass.
  const saved = db
    .prepare("select type, name, sql from sqlite_master where tbl_name = 'tickets' and sql is not null and (type = 'index' or (type = 'trigger' and name = 'tickets_fts_insert'))")
    .all();
  for (const s of saved) db.exec(`drop ${s.type} ${s.name}`);
  const gen = ticketRows(count, desk);
  let done = 0;
  let counters;
  const chunk = db.transaction((n) => {
    let buf = [];
    for (let k = 0; k < n; k++) {
      const next = gen.next();
      if (next.done) {
        counters = next.value;
        break;
      }
      buf.push(...flat(next.value));
      if (buf.length === ROWS * COLUMNS.length) {
        insertMany.run(buf);
        buf = [];
      }
      done++;
    }
    for (let k = 0; k < buf.length; k += COLUMNS.length) insertOne.run(buf.slice(k, k + COLUMNS.length));
  });
  while (done < count) {
    chunk(Math.min(5000, count - done));
    onProgress?.(done);
  }
  counters ??= gen.next().value;
  db.exec("insert into tickets_fts(tickets_fts) values ('rebuild')");
  for (const s of saved) db.exec(s.sql);
  const setCounter = db.prepare("update ticket_counters set next_value = ? where kind = ?");
  for (const [kind, next] of Object.entries(counters)) setCounter.run(next, kind);
  db.pragma("optimize");
  db.exec("analyze");
  db.close();
  return counters;
}

/** Loads `count` tickets into PostgreSQL (a schema's search_path in `url`) with multi-row inserts. */
export async function loadPostgres(url, count, desk, onProgress) {
  const pg = require("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const ROWS = 1000;
    // Secondary indexes (the GIN full-text one included) are rebuilt once after the load from their own DDL.
    const { rows: saved } = await client.query(
      "select indexname, indexdef from pg_indexes where tablename = 'tickets' and schemaname = current_schema() and indexname not in (select conname from pg_constraint)",
    );
    for (const s of saved) await client.query(`drop index ${s.indexname}`);
    const gen = ticketRows(count, desk);
    let done = 0;
    let counters;
    const types = { is_open: "boolean", major: "boolean", priority: "int", impact: "int", urgency: "int", version: "int", created_at: "timestamptz", updated_at: "timestamptz", resolved_at: "timestamptz", closed_at: "timestamptz" };
    const sqlText = `insert into tickets (${COLUMNS.join(",")}) select * from unnest(${COLUMNS.map((c, i) => `$${i + 1}::${types[c] ?? "text"}[]`).join(",")})`;
    while (done < count) {
      const cols = COLUMNS.map(() => []);
      await client.query("begin");
      for (let b = 0; b < 10 && done < count; b++) {
        for (const c of cols) c.length = 0;
        for (let k = 0; k < ROWS && done < count; k++) {
          const next = gen.next();
          if (next.done) break;
          COLUMNS.forEach((c, j) => cols[j].push(next.value[c]));
          done++;
        }
        await client.query(sqlText, cols);
      }
      await client.query("commit");
      onProgress?.(done);
    }
    counters = gen.next().value;
    for (const s of saved) await client.query(s.indexdef);
    for (const [kind, next] of Object.entries(counters)) await client.query(`select setval('ticket_number_${kind}', ${next}, false)`);
    await client.query("analyze tickets");
    return counters;
  } finally {
    await client.end();
  }
}
