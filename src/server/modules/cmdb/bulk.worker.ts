/**
 * The bulk thread's entry (see bulk.thread.ts): its own connection to the database file, and
 * one batch at a time, in the order they came.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openDb } from "../../platform/db/db.js";
import { bulkReconcile } from "./bulk.service.js";
import { reconcileCsvRecords } from "./csv.service.js";
import { carriedError, type BulkReply, type BulkRequest, type BulkThreadData } from "./bulk.thread.js";

const data = workerData as BulkThreadData;
const port = parentPort!;
const db = openDb({ sqliteFile: data.file, threadLock: data.lock, checkpointer: false });
const reply = (m: BulkReply) => port.postMessage(m);

let current: Promise<unknown> = Promise.resolve();

/** Runs `work` after the work before it; answers request `id` with its result or its error. */
function queue(id: number, work: () => Promise<unknown>): void {
  current = current.then(() =>
    work().then(
      (result) => reply({ type: "done", id, result }),
      (err: unknown) => reply({ type: "failed", id, error: carriedError(err) }),
    ),
  );
}

port.on("message", (m: BulkRequest) => {
  switch (m.type) {
    case "reconcile":
      queue(m.id, () => bulkReconcile(db, m.actor, m.input));
      break;
    case "csv":
      queue(m.id, () => reconcileCsvRecords(db, m.actor, m.source, m.matchKeys, m.records, m.dryRun));
      break;
    case "stop":
      current.then(() => db.destroy()).finally(() => port.close());
      break;
  }
});
reply({ type: "ready" });
