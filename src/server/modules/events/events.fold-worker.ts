/**
 * The fold thread's entry (SQLite; see events.fold-thread.ts): its own connections to the
 * database file, a reader of the alert log (events.alert-log.ts), its own CI-binding and suppression caches, and one
 * fold at a time as the main thread asks. Writes go through the thread write lock shared with
 * the main thread (platform/db/thread-lock.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { openDb } from "../../platform/db/db.js";
import { Binder } from "./events.binding.js";
import { Suppressor } from "./events.suppression.js";
import { AlertLogReader } from "./events.alert-log.js";
import { foldJournalFile } from "./events.journal.js";
import { forgetEventSettings, getEventSettings } from "./events.settings.js";
import { parseMatchers } from "./events.matchers.js";
import { DuplicateCounters, PERSIST_AT, persistRepeats } from "./events.counters.js";
import type { FoldReply, FoldRequest, FoldThreadData } from "./events.fold-thread.js";

const data = workerData as FoldThreadData;
const port = parentPort!;
const db = openDb({ sqliteFile: data.file, threadLock: data.lock, checkpointer: false });
const journal = new AlertLogReader(data.journalDir);
const binder = new Binder();
const suppressor = new Suppressor();
// Repeats that only count are added to their rows here too, so that the request thread never
// writes for them (events.counters.ts).
const repeats = new DuplicateCounters();
let persisting: Promise<void> | null = null;

async function persist(): Promise<void> {
  while (persisting) await persisting;
  if (!repeats.size) return;
  const taken = repeats.take();
  persisting = db
    .transaction()
    .execute((trx) => persistRepeats(trx, taken))
    .catch((err: unknown) => {
      repeats.add(taken); // kept for the next try
      throw err;
    })
    .finally(() => (persisting = null));
  await persisting;
}

async function fold(): Promise<FoldReply> {
  // Settings change through the main thread: read them afresh for each fold (one small query).
  forgetEventSettings(db);
  const settings = await getEventSettings(db);
  const deps = { binder, suppressor, settings, groupRules: settings.groupByRules.map((r) => parseMatchers(r.matchers)) };
  const r = await foldJournalFile(db, journal, deps, { prune: false });
  repeats.add(r.repeats);
  // Under a heavy load of repeats, several small updates rather than one long one at the next sweep.
  if (repeats.size >= PERSIST_AT) await persist();
  return { type: "folded", alerts: r.alerts, more: r.more, pending: r.pending, mark: r.mark };
}

// The fold in progress: a stop waits for it before closing the connections.
let current: Promise<unknown> = Promise.resolve();

port.on("message", (m: FoldRequest) => {
  switch (m.type) {
    case "fold":
      current = current.then(fold).then(
        (reply) => port.postMessage({ ...reply, id: m.id }),
        (err: unknown) => port.postMessage({ type: "failed", id: m.id, message: err instanceof Error ? err.message : String(err) }),
      );
      break;
    case "persist":
      current = current
        .then(() => persist())
        .then(
          () => port.postMessage({ type: "persisted", id: m.id }),
          (err: unknown) => port.postMessage({ type: "failed", id: m.id, message: err instanceof Error ? err.message : String(err) }),
        );
      break;
    case "cmdb":
      binder.clear();
      break;
    case "suppression":
      suppressor.invalidate();
      break;
    case "stop":
      current
        .then(() => db.destroy())
        .finally(() => port.close());
      break;
  }
});
port.postMessage({ type: "ready" });
