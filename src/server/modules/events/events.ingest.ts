/**
 * The ingest path. Receivers hand validated, normalised alerts to an IngestQueue; alerts
 * arriving while a write is under way wait and go together into the next one, so under load
 * every journal append (events.journal.ts) carries many requests' alerts and each request is
 * answered only once its append has committed: an accepted alert is durable before the 200.
 * The fold then writes large batches of the journal here: one read of the existing rows, one
 * multi-row upsert, one multi-row history insert.
 */
import type { AlertSeverity, EventSettings } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { toBool } from "../../platform/db/dialect.js";
import { ACTIVE_STATUSES, type IncomingAlert } from "./events.model.js";
import { SEVERITY_RANK } from "./events.severity.js";
import type { Binder } from "./events.binding.js";
import type { CountedRepeat } from "./events.counters.js";
import type { Suppressor } from "./events.suppression.js";
import { matchesAll, type CompiledMatcher } from "./events.matchers.js";
import { insertMany, selectByKeys } from "./events.sql.js";

/** What the flush needs besides the database. */
export interface FlushDeps {
  binder: Binder;
  suppressor: Suppressor;
  settings: EventSettings;
  /** Compiled matchers of the group_by rules. */
  groupRules: CompiledMatcher[][];
}

const EXISTING_COLUMNS = [
  "fingerprint", "source", "labels", "annotations", "generator_url", "status", "severity", "starts_at", "ends_at", "first_seen", "occurrences",
  "status_changed_at", "flap_count", "flap_since", "flapping", "silenced_by", "ci_id", "group_id", "pending",
] as const;

interface Existing {
  fingerprint: string;
  source: string;
  labels: string;
  annotations: string;
  generator_url: string;
  status: string;
  severity: string;
  starts_at: string;
  ends_at: string | null;
  first_seen: string;
  occurrences: number;
  status_changed_at: string;
  flap_count: number;
  flap_since: string | null;
  flapping: unknown;
  silenced_by: string;
  ci_id: string | null;
  group_id: string | null;
  pending: number;
}

export const ALERT_COLUMNS = [
  "fingerprint", "source", "alertname", "labels", "annotations", "generator_url", "severity", "status", "starts_at", "ends_at",
  "first_seen", "last_seen", "occurrences", "status_changed_at", "flap_count", "flap_since", "flapping", "silenced_by",
  "ci_id", "service_id", "group_id", "pending",
] as const;
// first_seen stays what it was; service_id belongs to the correlation step.
const UPDATED_COLUMNS = ALERT_COLUMNS.filter((c) => c !== "fingerprint" && c !== "first_seen" && c !== "service_id");
export const HISTORY_COLUMNS = ["fingerprint", "alertname", "at", "event", "status", "severity", "ci_id", "group_id", "data"] as const;

type Row = unknown[];

/** One fingerprint of a batch: the last copy wins, the count adds up. */
interface Merged {
  alert: IncomingAlert;
  count: number;
  acknowledge: boolean;
}

/** Collapses repeats of one fingerprint within a batch, in fingerprint order (PostgreSQL locks rows in that order). */
function mergeBatch(alerts: IncomingAlert[]): Merged[] {
  const byFp = new Map<string, Merged>();
  for (const a of alerts) {
    const prev = byFp.get(a.fingerprint);
    if (prev) {
      prev.alert = a;
      prev.count++;
      prev.acknowledge ||= a.acknowledge === true;
    } else byFp.set(a.fingerprint, { alert: a, count: 1, acknowledge: a.acknowledge === true });
  }
  const out = [...byFp.values()];
  if (out.length > 1) out.sort((x, y) => (x.alert.fingerprint < y.alert.fingerprint ? -1 : 1));
  return out;
}

/** What changed about an alert, as its history records it. */
function transition(prevStatus: string | undefined, next: string): string | null {
  if (prevStatus === undefined) return "created";
  if (prevStatus === next) return null;
  const wasActive = prevStatus !== "resolved";
  const isActive = next !== "resolved";
  if (wasActive && !isActive) return "resolved";
  if (!wasActive && isActive) return "refired";
  if (next === "suppressed") return "suppressed";
  if (prevStatus === "suppressed") return "unsuppressed";
  if (next === "acknowledged") return "acknowledged";
  return "changed";
}

/** What one flush writes: alert rows, history rows, repeats that only count, and whether correlation has work. */
interface Planned {
  rows: Row[];
  history: Row[];
  repeats: CountedRepeat[];
  anyPending: boolean;
}

/** Result of a flush. */
export interface FlushResult {
  /** Some alert now waits for correlation. */
  pending: boolean;
  /** Repeats that changed nothing but the counters: for DuplicateCounters once committed. */
  repeats: CountedRepeat[];
}

/**
 * Folds one batch inside the caller's transaction (the suppressor's caches loaded): dedup
 * against the stored alerts, CI binding, silences and maintenance, flapping, history. A repeat
 * that would leave its row as it is (but for the counters) is not written: it comes back in
 * `repeats`.
 */
export async function foldAlerts(trx: DbOrTrx, deps: FlushDeps, alerts: IncomingAlert[]): Promise<FlushResult> {
  const merged = mergeBatch(alerts);
  const existing = await selectByKeys<Existing>(trx, "alerts", "fingerprint", merged.map((m) => m.alert.fingerprint), EXISTING_COLUMNS, isPostgres(trx));
  const prevOf = new Map(existing.map((e) => [e.fingerprint, e]));
  // Bind only alerts that are not bound yet; the binder's caches answer most of them.
  const toBind = merged.filter((m) => !prevOf.get(m.alert.fingerprint)?.ci_id).map((m) => m.alert);
  const bound = await deps.binder.bindAlerts(trx, toBind, deps.settings);
  const ciOf = new Map(toBind.map((a, i) => [a.fingerprint, bound[i]]));
  const plan: Planned = { rows: [], history: [], repeats: [], anyPending: false };
  const now = new Date().toISOString();
  for (const m of merged) planAlert(deps, m, prevOf.get(m.alert.fingerprint), ciOf.get(m.alert.fingerprint) ?? null, now, plan);
  await insertMany(trx, "alerts", ALERT_COLUMNS, plan.rows, { conflict: "fingerprint", update: UPDATED_COLUMNS });
  await insertMany(trx, "alert_history", HISTORY_COLUMNS, plan.history);
  return { pending: plan.anyPending, repeats: plan.repeats };
}

/** The new state of one alert against its stored row: a row and history to write, or a counted repeat. */
function planAlert(deps: FlushDeps, m: Merged, prev: Existing | undefined, boundCi: string | null, now: string, plan: Planned): void {
  const { settings, suppressor } = deps;
  const a = m.alert;
  const ciId = prev?.ci_id ?? boundCi;
  const resolved = a.endsAt !== null && a.endsAt <= now;
  const silencedBy = resolved || suppressor.empty ? [] : suppressor.suppressing(a.labels, ciId, now);
  const wasActive = prev !== undefined && prev.status !== "resolved";
  let status: string;
  if (resolved) status = "resolved";
  else if (silencedBy.length) status = "suppressed";
  else if (m.acknowledge || (wasActive && prev!.status === "acknowledged")) status = "acknowledged";
  else status = "firing";
  const event = transition(prev?.status, status);

  let flapCount = prev?.flap_count ?? 0;
  let flapSince = prev?.flap_since ?? null;
  let flapping = prev ? toBool(prev.flapping) : false;
  let becameFlapping = false;
  if (event === "resolved" || event === "refired") {
    if (!flapSince || Date.parse(now) - Date.parse(flapSince) > settings.flappingWindowSeconds * 1000) {
      flapSince = now;
      flapCount = 1;
    } else flapCount += 1;
    if (!flapping && flapCount >= settings.flappingChanges) flapping = becameFlapping = true;
  }

  const isActive = status !== "resolved";
  const startsAt = prev && (wasActive || !isActive) ? prev.starts_at : a.startsAt;
  const endsAt = prev && !wasActive && !isActive ? prev.ends_at : a.endsAt;
  const severity: AlertSeverity = a.severity;
  const severityWorse = prev !== undefined && SEVERITY_RANK[severity] < SEVERITY_RANK[prev.severity as AlertSeverity];
  const grouped = prev?.group_id != null;
  const correlates = ciId !== null || grouped || deps.groupRules.some((r) => matchesAll(r, a.labels)) || settings.createUnidentifiedCis || settings.incidentsForUnboundAlerts;
  const changed = event !== null || severityWorse || (ciId !== null && !prev?.ci_id);
  const pending = (prev?.pending ?? 0) === 1 || (changed && correlates && (isActive || grouped)) ? 1 : 0;
  if (pending) plan.anyPending = true;
  const labelsJson = JSON.stringify(a.labels);
  const annotationsJson = JSON.stringify(a.annotations);
  const silencedJson = silencedBy.length ? JSON.stringify(silencedBy) : "[]";

  if (
    prev && !changed && ciId === prev.ci_id && pending === prev.pending && severity === prev.severity && status === prev.status &&
    startsAt === prev.starts_at && endsAt === prev.ends_at && labelsJson === prev.labels && annotationsJson === prev.annotations &&
    a.generatorUrl === prev.generator_url && a.source === prev.source && silencedJson === prev.silenced_by
  ) {
    plan.repeats.push({ fingerprint: a.fingerprint, count: m.count, lastSeen: now });
    return;
  }
  const alertname = a.labels.alertname ?? "";
  const groupId = prev?.group_id ?? null;
  plan.rows.push([
    a.fingerprint, a.source, alertname, labelsJson, annotationsJson, a.generatorUrl, severity, status,
    startsAt, endsAt, prev?.first_seen ?? now, now, (prev?.occurrences ?? 0) + m.count, event ? now : prev!.status_changed_at,
    flapCount, flapSince, flapping, silencedJson, ciId, null, groupId, pending,
  ]);
  if (event) {
    const data: Record<string, unknown> = { from: prev?.status ?? null, source: a.source };
    if (silencedBy.length) data.silencedBy = silencedBy;
    plan.history.push([a.fingerprint, alertname, now, event, status, severity, ciId, groupId, JSON.stringify(data)]);
  }
  if (becameFlapping) {
    plan.history.push([a.fingerprint, alertname, now, "flapping", status, severity, ciId, groupId, JSON.stringify({ changes: flapCount })]);
  }
}

/** Statuses in which an alert can expire. */
export const EXPIRABLE = ACTIVE_STATUSES;

interface Waiting {
  alerts: IncomingAlert[];
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Collects submitted alerts and writes them in as few transactions as the database allows:
 * while `concurrency` writes are under way, new submissions wait and are combined into the
 * next write (up to `maxBatch` alerts). Each submission resolves when its write committed.
 */
export class IngestQueue {
  readonly #waiting: Waiting[] = [];
  #active = 0;
  #scheduled = false;
  readonly #idle: Array<() => void> = [];

  constructor(
    private readonly write: (alerts: IncomingAlert[]) => Promise<void>,
    private readonly concurrency: number,
    private readonly maxBatch = 2000,
    private readonly lingerMs = 0,
  ) {}

  /** Queues alerts; resolves once they are stored. */
  submit(alerts: IncomingAlert[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ alerts, resolve, reject });
      // While a write is under way, its completion starts the next one with everything that
      // arrived meanwhile. When idle, linger a moment so that concurrent requests share one
      // transaction: each commit writes its pages once, however many alerts it carries. The
      // default waits only for the requests already read in this turn of the event loop
      // (setImmediate): a fixed 2 ms linger capped batches of 1 from 8 clients at ~1,700/s.
      if (this.#active >= this.concurrency || this.#scheduled) return;
      this.#scheduled = true;
      const go = () => {
        this.#scheduled = false;
        this.#pump();
      };
      if (this.lingerMs > 0) setTimeout(go, this.lingerMs);
      else setImmediate(go);
    });
  }

  /** Resolves when nothing is queued or being written. */
  idle(): Promise<void> {
    if (this.#active === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#active < this.concurrency && this.#waiting.length) {
      const taken: Waiting[] = [];
      let n = 0;
      while (this.#waiting.length && (n === 0 || n + this.#waiting[0].alerts.length <= this.maxBatch)) {
        const w = this.#waiting.shift()!;
        taken.push(w);
        n += w.alerts.length;
      }
      this.#active++;
      this.write(taken.flatMap((w) => w.alerts))
        .then(
          () => taken.forEach((w) => w.resolve()),
          (err) => taken.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          this.#active--;
          this.#pump();
          if (this.#active === 0 && this.#waiting.length === 0) this.#idle.splice(0).forEach((r) => r());
        });
    }
  }
}
