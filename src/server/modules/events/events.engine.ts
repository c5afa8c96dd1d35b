/**
 * The event pipeline of one OpsDesk process: the ingest queue and its journal, the fold of the
 * journal into alerts, the caches the fold reads
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
import { IngestQueue } from "./events.ingest.js";
import { appendJournal, FOLD_BATCH, foldedMark, foldJournal, foldJournalFile, JOURNAL_MAX_ALERTS, journalHasRows, type FoldResult } from "./events.journal.js";
import { AlertLog, alertLogDirFor, legacyJournalFileFor } from "./events.alert-log.js";
import { ThrottledError } from "../../platform/errors.js";
import { DuplicateCounters, PERSIST_AT, persistRepeats } from "./events.counters.js";
import { parseMatchers, type CompiledMatcher } from "./events.matchers.js";
import { forgetEventSettings, getEventSettings } from "./events.settings.js";
import { correlatePending, type CorrelateDeps } from "./events.correlate.js";
import { expireAlerts, markStableAlerts, purgeOldAlerts, reevaluateSuppression } from "./events.sweep.js";
import { syncIncidents } from "./events.incidents.js";
import { FoldThread } from "./events.fold-thread.js";
import { sqliteFileOf, threadWriteLockOf } from "../../platform/db/db.js";

const SWEEP_MS = 1000;
const RETENTION_EVERY_MS = 3600_000;
// A journal holding fewer than FOLD_BATCH alerts is folded this long after the append that
// started it, so that a trickle of small requests is still folded in batches.
const FOLD_DELAY_MS = 20;
// On the fold thread a fold no longer holds up requests, and a larger one costs much less per
// alert (each commit writes every page its alerts touch: folds of 40 alerts cost ~65 us per
// alert, of 1,000 ~40 us), so a trickle gathers longer there. A new critical alert still
// reaches its incident well within the half second that matters (bench alert-ingest).
const FOLD_DELAY_THREAD_MS = 100;
// With a fold thread, a fold starts (or the next follows the last) at once when this many
// alerts wait: the thread folds back to back under load instead of pausing FOLD_DELAY_THREAD_MS
// between folds, and the requests go on appending meanwhile up to THREAD_SOFT_LIMIT (half a
// fold's worth waiting behind the fold in progress: enough for the next one to start at once,
// little enough to keep a new alert's way to its incident short). The start is at half a
// fold's worth rather than a quarter: fewer, larger folds, each cheaper per alert and taking the
// thread write lock fewer times (ingest: batches of 100 +2-8%, batches of 1 +11-21% in three alternating pairs;
// a whole fold's worth was slower at batches of 100; POST -> incident p99 unchanged, 150-230 ms).
const THREAD_FOLD_AT_ONCE = FOLD_BATCH / 2;
const THREAD_SOFT_LIMIT = (3 * FOLD_BATCH) / 2;
// After a failed fold, the next try waits this long (the sweep retries too).
const FOLD_RETRY_MS = 500;
// After this many fold threads died (not folds that failed: threads that could not run), the
// engine folds on the main thread, as on PostgreSQL.
const FOLD_THREAD_DEATHS = 3;

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
  /** The correlation step in progress (one batch of correlatePending, or syncIncidents), with the settings it read at its start. */
  #processRun: Promise<number> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #lastRetention = 0;
  #lastBoundary: string | null = null;
  #stopped = false;
  /** Alerts this process appended to the journal and no fold has taken yet (approximate with several nodes). */
  #journalDepth = 0;
  /** Journal depth past which ingest is refused with 429 (back-pressure). */
  journalLimit = JOURNAL_MAX_ALERTS;
  /**
   * Journal depth past which a new request waits for the fold in progress before it is
   * appended (flow control): a client sending faster than alerts can be folded is slowed to the
   * fold's pace, instead of being acknowledged ahead of it while the time from POST to incident
   * grows with the backlog. The 429 is left for a fold that does not move (failing, or another
   * node holding the fold). Null: FOLD_BATCH, or THREAD_SOFT_LIMIT while a fold thread folds
   * (appends then go on during a fold, so the thread finds its next batch waiting).
   */
  journalSoftLimit: number | null = null;
  #folding: Promise<void> | null = null;
  /** The fold in progress within #folding (one batch, with the settings it read at its start). */
  #foldStep: Promise<FoldResult> | null = null;
  /** Requests held by the soft limit, woken after each fold (not only when the folding stops). */
  #heldForFold: Array<() => void> = [];
  /**
   * SQLite: the alert log (events.alert-log.ts), opened at the first use; null on PostgreSQL, for
   * an in-memory database and while another process owns the log: the journal table then.
   */
  #journal: AlertLog | null = null;
  #journalOpening: Promise<AlertLog | null> | null = null;
  /** When another process owned the log at the last try (SQLite): the sweep tries again. */
  #logOwnedElsewhere = false;
  /** The last "folded up to" mark this process saw (another process's folds may have moved it further). */
  #mark = 0;
  #foldTimer: NodeJS.Timeout | null = null;
  /** SQLite file: the database file the journal file belongs to. */
  #mainFile: string | null = null;
  #thread: FoldThread | null = null;
  #threadDeaths = 0;
  /**
   * SQLite file: fold the journal file on a thread of its own (events.fold-thread.ts); the app
   * sets it from the configuration (OPSDESK_FOLD_THREAD).
   */
  useFoldThread = true;
  /** Errors of background steps go here (the app's logger). */
  onError: (err: unknown, step: string) => void = () => {};

  constructor(readonly db: Db) {
    // SQLite has one writer: more concurrent writes would only queue on its lock.
    this.queue = new IngestQueue((alerts) => this.#append(alerts), isPostgres(db) ? 4 : 1);
  }

  /** Compiled group_by rules of the current settings. */
  async rules(): Promise<{ settings: EventSettings; compiled: CompiledMatcher[][] }> {
    const settings = await getEventSettings(this.db);
    if (this.#rules?.settings !== settings) this.#rules = { settings, compiled: settings.groupByRules.map((r) => parseMatchers(r.matchers)) };
    return this.#rules;
  }

  /** True while this process folds the journal. */
  get folding(): boolean {
    return this.#folding !== null;
  }

  /** Alerts appended to the journal and not folded yet (this process's appends). */
  get journalDepth(): number {
    return this.#journalDepth;
  }

  /** Stores alerts durably (in the journal); resolves once they are committed. */
  async ingest(alerts: IncomingAlert[]): Promise<void> {
    if (this.#journalDepth >= this.journalLimit) {
      // Refused before anything is stored: the client sends it again later (Alertmanager clients retry).
      throw new ThrottledError("events.backlog", `${this.#journalDepth} alerts are waiting to be processed; retry in a second`, 1);
    }
    // Held until a fold brings the backlog under the limit: one fold, not the whole run of folds
    // in progress, which under load would go on until the backlog was nearly empty, with every
    // client held meanwhile and the fold thread idle after it (ingest at batches of 100 from 4
    // clients: p99 164 ms, the fold thread busy under half the time).
    while (this.#journalDepth >= this.#softLimit() && this.#folding && !this.#stopped) await new Promise<void>((resolve) => this.#heldForFold.push(resolve));
    await this.queue.submit(alerts);
  }

  /** True while a fold thread folds for this engine. */
  get #onThread(): boolean {
    return this.#thread?.alive === true;
  }

  /** Alerts waiting that start a fold at once (and keep folds going back to back). */
  #foldAtOnce(): number {
    return this.#onThread ? THREAD_FOLD_AT_ONCE : FOLD_BATCH;
  }

  #softLimit(): number {
    return this.journalSoftLimit ?? (this.#onThread ? THREAD_SOFT_LIMIT : FOLD_BATCH);
  }

  async #append(alerts: IncomingAlert[]): Promise<void> {
    const journal = this.#journal ?? (await this.#journalFile());
    // The file's insert is synchronous and committed when it returns; no wait for a fold's transaction.
    if (journal) journal.append(alerts.length, JSON.stringify(alerts));
    else await appendJournal(this.db, alerts);
    this.#journalDepth += alerts.length;
    this.#scheduleFold();
  }

  /** The SQLite alert log, opened once (null on PostgreSQL, whose journal is a table, and when the journal is the table here too). */
  #journalFile(): Promise<AlertLog | null> {
    if (isPostgres(this.db)) return Promise.resolve(null);
    this.#journalOpening ??= (async () => {
      this.#mainFile = sqliteFileOf(this.db);
      const dir = this.#mainFile ? alertLogDirFor(this.#mainFile) : null;
      if (!dir) return null;
      this.#mark = await foldedMark(this.db);
      const journal = AlertLog.open(dir, this.#mark, legacyJournalFileFor(this.#mainFile!));
      this.#logOwnedElsewhere = journal === null;
      this.#journal = journal;
      return journal;
    })().catch((err) => {
      this.#journalOpening = null;
      throw err;
    });
    return this.#journalOpening;
  }

  /** True when some journal row (any node's) waits to be folded. */
  async #journalWaiting(): Promise<boolean> {
    const journal = this.#journal ?? (await this.#journalFile());
    if (journal?.hasRowsAfter(this.#mark)) return true;
    return journalHasRows(this.db);
  }

  /** Folds at once when a batch is waiting, else shortly (a trickle is folded in batches too). */
  #scheduleFold(delayMs = this.#onThread ? FOLD_DELAY_THREAD_MS : FOLD_DELAY_MS): void {
    if (this.#stopped || this.#folding) return;
    if (this.#journalDepth >= this.#foldAtOnce()) delayMs = 0;
    else if (this.#foldTimer) return;
    if (this.#foldTimer) clearTimeout(this.#foldTimer);
    this.#foldTimer = setTimeout(() => {
      this.#foldTimer = null;
      this.fold(false).catch((err) => {
        this.onError(err, "fold");
        this.#scheduleFold(FOLD_RETRY_MS);
      });
    }, delayMs).unref();
  }

  /**
   * Folds the journal into alerts, one fold at a time in this process. `untilEmpty` (reads,
   * drain, start) folds every row there is, waiting for another node's fold on PostgreSQL; the
   * background fold stops once fewer than a batch are left, and comes back for them later.
   */
  async fold(untilEmpty = true): Promise<void> {
    await this.#foldIdle();
    // A read with nothing waiting must not take the write lock (SQLite) or a connection for long.
    if (untilEmpty && !(await this.#journalWaiting())) return;
    await this.#foldIdle();
    this.#folding = this.#foldLoop(untilEmpty).finally(() => {
      this.#folding = null;
      this.#releaseHeld();
      if (this.#journalDepth > 0) this.#scheduleFold();
    });
    await this.#folding;
  }

  /** Wakes the requests held by the soft limit; each checks the backlog again. */
  #releaseHeld(): void {
    const held = this.#heldForFold;
    this.#heldForFold = [];
    for (const resolve of held) resolve();
  }

  async #foldIdle(): Promise<void> {
    while (this.#folding) await this.#folding.catch(() => {});
  }

  async #foldLoop(untilEmpty: boolean): Promise<void> {
    const journal = this.#journal ?? (await this.#journalFile());
    // On SQLite, rows a process of an earlier version left in the journal table go first.
    let table = journal === null || (await journalHasRows(this.db));
    for (;;) {
      // The settings of each fold, not of the loop: under load it folds back to back for long.
      const step = this.#foldOnce(journal, table, untilEmpty);
      this.#foldStep = step;
      const r = await step.finally(() => {
        if (this.#foldStep === step) this.#foldStep = null;
      });
      if (r.busy) return; // another node is folding; the sweep comes back
      if (table && journal && r.alerts === 0) {
        table = false;
        continue;
      }
      this.#journalDepth = r.alerts === 0 ? 0 : Math.max(0, this.#journalDepth - r.alerts);
      this.#releaseHeld();
      // Counted only once committed: a failed fold leaves its rows in the journal.
      this.repeats.add(r.repeats);
      // Under a heavy load of repeats, add them in several small updates rather than one long
      // one at the next sweep, which would hold the database (and, on SQLite, everyone) longer.
      if (this.repeats.size >= PERSIST_AT) this.persistRepeats().catch((err) => this.onError(err, "repeats"));
      if (r.pending) this.kick();
      // The fold thread goes on while a fair batch waits: under load it folds back to back.
      if (r.alerts === 0 || (!untilEmpty && !r.more && this.#journalDepth < this.#foldAtOnce())) return;
    }
  }

  /** One fold, with the settings as they are now. */
  async #foldOnce(journal: AlertLog | null, table: boolean, untilEmpty: boolean): Promise<FoldResult> {
    const { settings, compiled } = await this.rules();
    const deps = { binder: this.binder, suppressor: this.suppressor, settings, groupRules: compiled };
    if (table) return foldJournal(this.db, deps, untilEmpty);
    const f = await this.#foldFile(journal!, deps);
    this.#mark = Math.max(this.#mark, f.mark);
    return f;
  }

  /** One fold of the journal file: on the fold thread when there is one, else here. */
  async #foldFile(journal: AlertLog, deps: Parameters<typeof foldJournalFile>[2]): Promise<FoldResult & { mark: number }> {
    const thread = this.#foldThread(journal);
    if (!thread) return foldJournalFile(this.db, journal, deps);
    try {
      const r = await thread.fold();
      // Committed by the thread: those rows are in `alerts` now; the appending thread prunes.
      if (r.alerts) journal.prune(r.mark);
      return { ...r, repeats: [], busy: false };
    } catch (err) {
      if (thread.alive) throw err; // the fold failed, as it could have here: retried later
      // The thread itself ended (it could not start, or crashed): whatever it had not committed
      // is still after the mark, and this fold is done here so that reads waiting for it go on.
      this.#threadDeaths++;
      this.onError(err, "fold thread");
      return foldJournalFile(this.db, journal, deps);
    }
  }

  /** The fold thread (started at the first fold), or null to fold here: PostgreSQL, ":memory:", turned off, or threads that keep dying. */
  #foldThread(journal: AlertLog): FoldThread | null {
    if (this.#thread?.alive) return this.#thread;
    this.#thread = null;
    if (!this.useFoldThread || this.#stopped || this.#threadDeaths >= FOLD_THREAD_DEATHS) return null;
    const lock = threadWriteLockOf(this.db);
    if (!lock || !this.#mainFile) return null;
    this.#thread = new FoldThread({ file: this.#mainFile, journalDir: journal.dir, lock });
    return this.#thread;
  }

  /** The fold thread serving this engine, if one runs (tests). */
  get foldThread(): FoldThread | null {
    return this.#thread?.alive ? this.#thread : null;
  }

  /** Adds the counted repeats to their rows (each sweep, at drain and at stop); one run at a time. */
  async persistRepeats(): Promise<void> {
    // Repeats the fold thread counted are its own to add.
    if (this.#thread?.alive) await this.#thread.persist();
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
    // Each step reads the settings afresh, so a change waits for the step in progress only,
    // not for a correlation that an alert storm keeps going.
    while ((await this.#processStep((deps) => correlatePending(this.db, deps))) > 0) {
      // keep going until nothing waits
    }
    await this.#processStep(async (deps) => (await syncIncidents(this.db, deps.settings), 0));
  }

  async #processStep(work: (deps: CorrelateDeps) => Promise<number>): Promise<number> {
    const step = (async () => {
      const { settings, compiled } = await this.rules();
      return work({ settings, groupRules: compiled, topology: this.topology, binder: this.binder });
    })();
    this.#processRun = step;
    try {
      return await step;
    } finally {
      if (this.#processRun === step) this.#processRun = null;
    }
  }

  /**
   * The settings changed here: once this resolves, no fold or correlation that read the old ones
   * is still running, so every alert received after the change is handled under the new ones.
   * (Other nodes read them afresh within two seconds.)
   */
  async settingsChanged(): Promise<void> {
    forgetEventSettings(this.db);
    await Promise.all([this.#foldStep, this.#processRun].map((p) => p?.catch(() => {})));
    // A read that began before the change may have cached what it read.
    forgetEventSettings(this.db);
  }

  /** Waits until every submitted alert is stored, correlated and its incident work done (tests, shutdown). */
  async drain(): Promise<void> {
    await this.queue.idle();
    await this.fold();
    await this.persistRepeats();
    await this.#processing;
    this.kick();
    await this.#processing;
  }

  /** Expiry, silence and maintenance boundaries, flapping that stopped, retention. */
  async sweep(): Promise<void> {
    // The process that owned the alert log may have ended: this one takes it over then.
    if (this.#logOwnedElsewhere && !this.#journal && !this.#stopped) {
      this.#journalOpening = null;
      this.#logOwnedElsewhere = false;
      await this.#journalFile();
    }
    // Rows other nodes appended, or that a failed fold left.
    await this.fold();
    await this.persistRepeats();
    const { settings } = await this.rules();
    let changed = await expireAlerts(this.db);
    await this.suppressor.ensure(this.db);
    const now = new Date().toISOString();
    if (this.#lastBoundary && this.#lastBoundary <= now) {
      this.suppressor.invalidate();
      this.#thread?.invalidate("suppression");
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
    this.#thread?.invalidate("suppression");
    await this.suppressor.ensure(this.db);
    this.#lastBoundary = this.suppressor.nextBoundary;
    if (await reevaluateSuppression(this.db, this.suppressor)) this.kick();
  }

  /** The CMDB changed: forget cached bindings and topology. */
  cmdbChanged(): void {
    this.binder.clear();
    this.topology.clear();
    this.#thread?.invalidate("cmdb");
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
    // The fold thread boots now rather than at the first alert, which would wait for it.
    this.#journalFile().then(
      (journal) => journal && this.#foldThread(journal),
      (err) => this.onError(err, "fold"),
    );
    // Rows a previous process acknowledged but did not fold.
    this.fold().then(
      () => this.kick(),
      (err) => this.onError(err, "fold"),
    );
  }

  /** Stops background work after writes in flight have finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#foldTimer) clearTimeout(this.#foldTimer);
    await this.queue.idle();
    // Best effort: whatever is left is folded at the next start.
    await this.fold().catch((err) => this.onError(err, "fold"));
    await this.persistRepeats();
    await this.#processing;
    await this.#thread?.stop();
    this.#thread = null;
    // Reopened if this engine is used again.
    this.#journal?.close();
    this.#journal = null;
    this.#journalOpening = null;
  }
}

const engines = new WeakMap<object, EventsEngine>();

/** The engine serving a database handle (one per app). */
export function engineFor(db: Db): EventsEngine {
  let e = engines.get(db);
  if (!e) engines.set(db, (e = new EventsEngine(db)));
  return e;
}
