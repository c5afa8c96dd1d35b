// The ticket full-text index's writes, standalone: time per transaction of new tickets under FTS5's merge settings (migration 0025).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { percentile } from "./lib/load.mjs";
import { machineLines } from "./lib/machine.mjs";
import { parseOptions, print, reportFailure, UsageError } from "./lib/report.mjs";
import { codeVersion } from "./lib/server.mjs";

const USAGE = `usage: npm run bench -- ticket-fts [options]
  --tickets N      tickets written (default 60000)
  --batch N        tickets per transaction (default 20: the group commit's size at 2,000 creations/s)
  --automerge L    FTS5 automerge settings to compare, comma-separated (default 4,16: SQLite's default
                   and migration 0025's); crisismerge is set to twice the value (at least 16)
Writes the same tickets (a number, a six-word title, a forty-word description from a small
vocabulary) into a table shaped as tickets_fts is (content table, unicode61, prefix indexes of 2
and 3 characters, the insert trigger), once per setting, in a WAL file with SQLite's own
checkpoints off (so that only the index's work is timed), and prints the time per transaction:
sum, p50, p99, p99.9, max (FTS5 merges inside the transaction that crosses its mark), the
segments left, and a prefix search.`;

function options() {
  const v = parseOptions(
    {
      tickets: { type: "string", default: "60000" },
      batch: { type: "string", default: "20" },
      automerge: { type: "string", default: "4,16" },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  const tickets = Number(v.tickets.replace(/[_,]/g, ""));
  const batch = Number(v.batch);
  const levels = v.automerge.split(",").map(Number);
  if (!Number.isInteger(tickets) || tickets < 1) throw new UsageError(`--tickets must be a whole number\n${USAGE}`);
  if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`--batch must be a whole number\n${USAGE}`);
  if (!levels.every((l) => Number.isInteger(l) && l >= 2 && l <= 16)) throw new UsageError(`--automerge takes values from 2 to 16\n${USAGE}`);
  return { tickets, batch, levels };
}

const WORDS = "server database network outage slow login error printer email vpn disk memory cpu timeout certificate backup restore firewall switch router payroll billing web portal api latency".split(" ");

function run(dir, automerge, { tickets, batch }) {
  const file = path.join(dir, `fts-${automerge}.sqlite`);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("cache_size = -65536");
  db.pragma("wal_autocheckpoint = 0");
  db.exec(`create table t (id integer primary key, number text, title text, description text)`);
  db.exec(`create virtual table f using fts5(number, title, description, content='t', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')`);
  db.exec(`create trigger ti after insert on t begin insert into f(rowid, number, title, description) values (new.id, new.number, new.title, new.description); end`);
  db.prepare(`insert into f(f, rank) values ('automerge', ${automerge})`).run();
  db.prepare(`insert into f(f, rank) values ('crisismerge', ${Math.max(16, 2 * automerge)})`).run();
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const text = (n) => Array.from({ length: n }, () => WORDS[Math.floor(rnd() * WORDS.length)] + (rnd() < 0.3 ? Math.floor(rnd() * 1000) : "")).join(" ");
  const insert = db.prepare("insert into t (number, title, description) values (?, ?, ?)");
  const write = db.transaction((rows) => {
    for (const r of rows) insert.run(...r);
  });
  const times = [];
  let id = 0;
  while (id < tickets) {
    const rows = Array.from({ length: Math.min(batch, tickets - id) }, () => [`INC${String(++id).padStart(7, "0")}`, text(6), text(40)]);
    const t0 = performance.now();
    write(rows);
    times.push(performance.now() - t0);
  }
  const segments = db.prepare("select count(distinct segid) as n from f_idx").get().n;
  db.prepare(`insert into f(f) values ('integrity-check')`).run();
  const search = db.prepare("select rowid from f where f match ? order by rowid desc limit 25");
  const s0 = performance.now();
  for (let i = 0; i < 200; i++) search.all(`${WORDS[i % WORDS.length]}*`);
  const searchMs = (performance.now() - s0) / 200;
  db.close();
  times.sort((a, b) => a - b);
  const q = (p) => percentile(times, p);
  return { automerge, sum: times.reduce((a, b) => a + b, 0), p50: q(50), p99: q(99), p999: q(99.9), max: times.at(-1), segments, searchMs };
}

function main() {
  const opts = options();
  print([...machineLines(), `code:    ${codeVersion()}`, `load:    ${opts.tickets.toLocaleString("en")} tickets in transactions of ${opts.batch}`]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-fts-"));
  try {
    for (const level of opts.levels) {
      const r = run(dir, level, opts);
      print([
        `automerge ${String(r.automerge).padStart(2)}: writing ${(r.sum / 1000).toFixed(2)} s (${((r.sum * 1000) / opts.tickets).toFixed(1)} µs per ticket); per transaction p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, p99.9 ${r.p999.toFixed(2)} ms, max ${r.max.toFixed(2)} ms; ${r.segments} segments; prefix search ${r.searchMs.toFixed(2)} ms`,
      ]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (err) {
  reportFailure("ticket-fts", err);
}
