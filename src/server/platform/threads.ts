/**
 * Starting a worker thread on one of this project's modules. From the compiled dist/ the entry
 * is a .js file; from the TypeScript sources (tests, `npm run dev`) the thread loads tsx first,
 * as the main thread did, and then the .ts entry.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker, type ResourceLimits } from "node:worker_threads";
import { ThreadWriteLock } from "./db/thread-lock.js";

const BOOT = `
const { workerData } = require("node:worker_threads");
(workerData.tsx ? import(workerData.tsx).then((t) => t.register()) : Promise.resolve())
  .then(() => import(workerData.entry))
  .catch((err) => { setImmediate(() => { throw err; }); });
`;

/** tsx's ESM API (sources only): package exports give require() the CommonJS build, which cannot register ESM hooks. */
function tsxApi(): string {
  const pkg = createRequire(import.meta.url).resolve("tsx/package.json");
  const exports = (JSON.parse(fs.readFileSync(pkg, "utf8")) as { exports: Record<string, { import: { default: string } }> }).exports;
  return pathToFileURL(path.join(path.dirname(pkg), exports["./esm/api"].import.default)).href;
}

/**
 * The URL of the module `name` (without extension) beside `from` (the caller's import.meta.url):
 * its .ts file when the caller runs from sources, its .js file from dist/.
 */
export function siblingModule(from: string, name: string): URL {
  return new URL(`./${name}${from.endsWith(".ts") ? ".ts" : ".js"}`, from);
}

/** A worker thread running `entry` (siblingModule), with `data` beside the boot fields in its workerData. */
export function startModuleWorker(entry: URL, data: object, resourceLimits?: ResourceLimits): Worker {
  const tsx = entry.pathname.endsWith(".ts") ? tsxApi() : null;
  return new Worker(BOOT, { eval: true, workerData: { ...data, entry: entry.href, tsx }, ...(resourceLimits ? { resourceLimits } : {}) });
}

/** A reply of a database thread: "ready" once started, then one per request, naming it by `id`. */
export interface ThreadReply {
  type: string;
  id?: number;
}

/**
 * A worker thread with its own connection to an SQLite file, asked one request at a time by id:
 * what the fold thread (modules/events) and the bulk thread (modules/cmdb) share. A thread that
 * errs or exits fails the requests it had, and frees the thread write lock if it died holding it
 * (SQLite rolled its transaction back); `alive` then says so, and its owner starts another.
 */
export abstract class DatabaseThread<Request extends { type: string }, Reply extends ThreadReply> {
  protected readonly worker: Worker;
  readonly #waiting = new Map<number, { resolve(r: unknown): void; reject(e: Error): void }>();
  #next = 1;
  #dead: Error | null = null;
  /** Requests the thread has answered. */
  answered = 0;

  constructor(entry: URL, data: { lock: SharedArrayBuffer }, name: string, resourceLimits?: ResourceLimits) {
    this.worker = startModuleWorker(entry, data, resourceLimits);
    this.worker.unref();
    this.worker.on("message", (m: Reply) => {
      if (m.id === undefined) return;
      const waiter = this.#waiting.get(m.id);
      if (!waiter) return;
      this.#waiting.delete(m.id);
      this.answered++;
      const failure = this.failureOf(m);
      if (failure) waiter.reject(failure);
      else waiter.resolve(this.valueOf(m));
    });
    const lock = new ThreadWriteLock(data.lock);
    const thread = this.worker.threadId;
    const die = (err: Error) => {
      this.#dead ??= err;
      lock.releaseFor(thread);
      for (const w of this.#waiting.values()) w.reject(err);
      this.#waiting.clear();
    };
    this.worker.on("error", die);
    this.worker.on("exit", (code) => die(new Error(`${name} exited (${code})`)));
  }

  /** The error a reply carries (null when it answers with a value). */
  protected abstract failureOf(reply: Reply): Error | null;

  /** What a successful reply resolves its request with. */
  protected abstract valueOf(reply: Reply): unknown;

  /** False once the thread has failed or exited. */
  get alive(): boolean {
    return this.#dead === null;
  }

  /** Sends a request and resolves with its reply's value, or rejects with its failure or the thread's end. */
  protected ask<R>(request: (id: number) => Request): Promise<R> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#next++;
    return new Promise<R>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.worker.postMessage(request(id));
    });
  }

  /** Sends a message that has no answer (nothing when the thread has ended). */
  protected tell(message: Request): void {
    if (!this.#dead) this.worker.postMessage(message);
  }

  /** Ends the thread at once, as a crash would (tests; stop's last resort). */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  /** Asks the thread to finish what it has and close its connection; ends it after `graceMs` otherwise. */
  protected async stopWith(message: Request, graceMs: number): Promise<void> {
    if (this.#dead) return;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.postMessage(message);
    const timer = setTimeout(() => void this.worker.terminate(), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
