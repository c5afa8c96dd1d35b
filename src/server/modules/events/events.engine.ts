/**
 * The event pipeline of one OpsDesk process: the ingest queue, the caches the hot path reads
 * (CI bindings, silences and maintenance windows, topology), correlation after each write,
 * incident updates, and a sweeper for expiry, silence boundaries, flapping and retention.
 * Every step keeps its state in the database, so any node can pick up where another stopped.
 */
import type { EventSettings } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";
import type { IncomingAlert } from "./events.model.js";
import { Binder } from "./events.binding.js";
import { Suppressor } from "./events.suppression.js";
import { Topology } from "./events.topology.js";
import { flushAlerts, IngestQueue } from "./events.ingest.js";
import { DuplicateCounters, persistRepeats } from "./events.counters.js";
import { parseMatchers, type CompiledMatcher } from "./events.matchers.js";
import { getEventSettings } from "./events.settings.js";
import { correlatePending } from "./events.correlate.js";
import { expireAlerts, markStableAlerts, purgeOldAlerts, reevaluateSuppression } from "./events.sweep.js";
import { syncIncidents } from "./events.incidents.js";

const SWEEP_MS = 1000;
const RETENTION_EVERY_MS = 3600_000;
// Counted repeats are added to their rows at each sweep, or sooner once this many are waiting.
const PERSIST_AT = 1000;

export class EventsEngine {
  readonly binder = new Binder();
  readonly suppressor = new Suppressor();
  readonly topology = new Topology();
  readonly queue: IngestQueue;
  /** Repeats that changed nothing but the counters, not yet added to their rows. */
  readonly repeats = new DuplicateCounters();
  #persisting: Promise<void> | null = null;
  #rules: { settings: EventSettings; compiled: CompiledMatcher[][] } | null = null;
  #processing: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #lastRetention = 0;
  #lastBoundary: string | null = null;
  #stopped = false;
  /** Errors of background steps go here (the app's logger). */
  onError: (err: unknown, step: string) => void = () => {};

  constructor(readonly db: Db) {
    // SQLite has one writer: more concurrent writes would only queue on its lock.
    this.queue = new IngestQueue((alerts) => this.#write(alerts), isPostgres(db) ? 4 : 1);
  }

  /** Compiled group_by rules of the current settings. */
  async rules(): Promise<{ settings: EventSettings; compiled: CompiledMatcher[][] }> {
    const settings = await getEventSettings(this.db);
    if (this.#rules?.settings !== settings) this.#rules = { settings, compiled: settings.groupByRules.map((r) => parseMatchers(r.matchers)) };
    return this.#rules;
  }

  /** Stores alerts durably; resolves once they are committed. */
  async ingest(alerts: IncomingAlert[]): Promise<void> {
    await this.queue.submit(alerts);
  }

  async #write(alerts: IncomingAlert[]): Promise<void> {
    const { settings, compiled } = await this.rules();
    const { pending, repeats } = await flushAlerts(this.db, { binder: this.binder, suppressor: this.suppressor, settings, groupRules: compiled }, alerts);
    // Counted only once committed: a failed write answers its requests with an error.
    this.repeats.add(repeats);
    // Under a heavy load of repeats, add them in several small updates rather than one long
    // one at the next sweep, which would hold the database (and, on SQLite, everyone) longer.
    if (this.repeats.size >= PERSIST_AT) this.persistRepeats().catch((err) => this.onError(err, "repeats"));
    if (pending) this.kick();
  }

  /** Adds the counted repeats to their rows (each sweep, at drain and at stop); one run at a time. */
  async persistRepeats(): Promise<void> {
    while (this.#persisting) await this.#persisting;
    if (!this.repeats.size) return;
    const taken = this.repeats.take();
    this.#persisting = this.db
      .transaction()
      .execute((trx) => persistRepeats(trx, taken))
      .catch((err) => {
        // Kept for the next try rather than lost.
        this.repeats.add(taken);
        throw err;
      })
      .finally(() => (this.#persisting = null));
    await this.#persisting;
  }

  /** Runs correlation and incident work soon (coalesced: one run at a time, another if asked meanwhile). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#processing) {
      this.#again = true;
      return;
    }
    this.#processing = (async () => {
      do {
        this.#again = false;
        try {
          await this.#processAll();
        } catch (err) {
          this.onError(err, "correlation");
        }
      } while (this.#again && !this.#stopped);
    })().finally(() => (this.#processing = null));
  }

  async #processAll(): Promise<void> {
    const { settings, compiled } = await this.rules();
    const deps = { settings, groupRules: compiled, topology: this.topology, binder: this.binder };
    while ((await correlatePending(this.db, deps)) > 0) {
      // keep going until nothing waits
    }
    await syncIncidents(this.db, settings);
  }

  /** Waits until every submitted alert is stored, correlated and its incident work done (tests, shutdown). */
  async drain(): Promise<void> {
    await this.queue.idle();
    await this.persistRepeats();
    await this.#processing;
    this.kick();
    await this.#processing;
  }

  /** Expiry, silence and maintenance boundaries, flapping that stopped, retention. */
  async sweep(): Promise<void> {
    await this.persistRepeats();
    const { settings } = await this.rules();
    let changed = await expireAlerts(this.db);
    await this.suppressor.ensure(this.db);
    const now = new Date().toISOString();
    if (this.#lastBoundary && this.#lastBoundary <= now) {
      this.suppressor.invalidate();
      await this.suppressor.ensure(this.db);
      changed += await reevaluateSuppression(this.db, this.suppressor);
    }
    this.#lastBoundary = this.suppressor.nextBoundary;
    changed += await markStableAlerts(this.db, settings);
    if (Date.now() - this.#lastRetention > RETENTION_EVERY_MS) {
      this.#lastRetention = Date.now();
      await purgeOldAlerts(this.db, settings);
    }
    if (changed) this.kick();
  }

  /** Re-evaluates suppression now (a silence or window changed here). */
  async suppressionChanged(): Promise<void> {
    this.suppressor.invalidate();
    await this.suppressor.ensure(this.db);
    this.#lastBoundary = this.suppressor.nextBoundary;
    if (await reevaluateSuppression(this.db, this.suppressor)) this.kick();
  }

  /** The CMDB changed: forget cached bindings and topology. */
  cmdbChanged(): void {
    this.binder.clear();
    this.topology.clear();
  }

  /** Starts the sweeper and picks up work a previous process left. */
  start(): void {
    this.#stopped = false;
    const tick = async () => {
      try {
        await this.sweep();
      } catch (err) {
        this.onError(err, "sweep");
      }
      if (!this.#stopped) this.#timer = setTimeout(tick, SWEEP_MS).unref();
    };
    this.#timer = setTimeout(tick, SWEEP_MS).unref();
    this.kick();
  }

  /** Stops background work after writes in flight have finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.queue.idle();
    await this.persistRepeats();
    await this.#processing;
  }
}

const engines = new WeakMap<object, EventsEngine>();

/** The engine serving a database handle (one per app). */
export function engineFor(db: Db): EventsEngine {
  let e = engines.get(db);
  if (!e) engines.set(db, (e = new EventsEngine(db)));
  return e;
}
