/**
 * The bulk thread's entry (see bulk.thread.ts): its own connection to the database file, and
 * one batch at a time, in the order they came.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openDb } from "../../platform/db/db.js";
import { bulkReconcile } from "./bulk.service.js";
import { carriedError, type BulkReply, type BulkRequest, type BulkThreadData } from "./bulk.thread.js";

const data = workerData as BulkThreadData;
const port = parentPort!;
const db = openDb({ sqliteFile: data.file, threadLock: data.lock, checkpointer: false });
const reply = (m: BulkReply) => port.postMessage(m);

let current: Promise<unknown> = Promise.resolve();

port.on("message", (m: BulkRequest) => {
  switch (m.type) {
    case "reconcile":
      current = current.then(() =>
        bulkReconcile(db, m.actor, m.input).then(
          (result) => reply({ type: "done", id: m.id, result }),
          (err: unknown) => reply({ type: "failed", id: m.id, error: carriedError(err) }),
        ),
      );
      break;
    case "stop":
      current.then(() => db.destroy()).finally(() => port.close());
      break;
  }
});
reply({ type: "ready" });
