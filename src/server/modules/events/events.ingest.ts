/**
 * The ingest hot path. Receivers hand validated, normalised alerts to an IngestQueue; alerts
 * arriving while a write is under way wait and go together into the next one, so under load
 * every transaction carries many requests' alerts (one read of the existing rows, one
 * multi-row upsert, one multi-row history insert) and each request is answered only once its
 * transaction has committed: an accepted alert is durable before the 200.
 */
import type { AlertSeverity, EventSettings } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { toBool } from "../../platform/db/dialect.js";
import { ACTIVE_STATUSES, type IncomingAlert } from "./events.model.js";
import { SEVERITY_RANK } from "./events.severity.js";
import { bindKeys, type Binder } from "./events.binding.js";
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
  "fingerprint", "status", "severity", "starts_at", "ends_at", "first_seen", "occurrences", "status_changed_at",
  "flap_count", "flap_since", "flapping", "ci_id", "group_id", "pending", "silenced_by",
] as const;

interface Existing {
  fingerprint: string;
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
  ci_id: string | null;
  group_id: string | null;
  pending: number;
  silenced_by: string;
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

interface Merged extends IncomingAlert {
  count: number;
}

/** Collapses repeats of one fingerprint within a batch: the last copy wins, the count adds up. */
function mergeBatch(alerts: IncomingAlert[]): Merged[] {
  const byFp = new Map<string, Merged>();
  for (const a of alerts) {
    const prev = byFp.get(a.fingerprint);
    if (prev) byFp.set(a.fingerprint, { ...a, count: prev.count + 1, acknowledge: a.acknowledge || prev.acknowledge });
    else byFp.set(a.fingerprint, { ...a, count: 1 });
  }
  return [...byFp.values()].sort((x, y) => (x.fingerprint < y.fingerprint ? -1 : 1));
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

/**
 * Writes one batch: dedup against the stored alerts, CI binding, silences and maintenance,
 * flapping, history. Returns true when some alert now waits for correlation.
 */
export async function flushAlerts(db: DbOrTrx, deps: FlushDeps, alerts: IncomingAlert[]): Promise<boolean> {
  const now = new Date().toISOString();
  const merged = mergeBatch(alerts);
  const { settings, suppressor, binder } = deps;
  await suppressor.ensure(db);
  const flapWindowMs = settings.flappingWindowSeconds * 1000;
  let anyPending = false;

  return db.transaction().execute(async (trx) => {
    const existing = await selectByKeys<Existing>(trx, "alerts", "fingerprint", merged.map((m) => m.fingerprint), EXISTING_COLUMNS, isPostgres(trx));
    const prevOf = new Map(existing.map((e) => [e.fingerprint, e]));
    // Bind only alerts that are not bound yet; the binder's cache answers most of them.
    const toBind = merged.filter((m) => !prevOf.get(m.fingerprint)?.ci_id);
    const bound = await binder.bind(trx, toBind.map((m) => bindKeys(m.labels, settings)));
    const ciOf = new Map(toBind.map((m, i) => [m.fingerprint, bound[i]]));

    const rows: Row[] = [];
    const history: Row[] = [];
    for (const a of merged) {
      const prev = prevOf.get(a.fingerprint);
      const ciId = prev?.ci_id ?? ciOf.get(a.fingerprint) ?? null;
      const resolved = a.endsAt !== null && a.endsAt <= now;
      const silencedBy = resolved || suppressor.empty ? [] : suppressor.suppressing(a.labels, ciId, now);
      const wasActive = prev !== undefined && prev.status !== "resolved";
      let status: string;
      if (resolved) status = "resolved";
      else if (silencedBy.length) status = "suppressed";
      else if (a.acknowledge || (wasActive && prev!.status === "acknowledged")) status = "acknowledged";
      else status = "firing";
      const event = transition(prev?.status, status);

      let flapCount = prev?.flap_count ?? 0;
      let flapSince = prev?.flap_since ?? null;
      let flapping = prev ? toBool(prev.flapping) : false;
      let becameFlapping = false;
      if (event === "resolved" || event === "refired") {
        if (!flapSince || Date.parse(now) - Date.parse(flapSince) > flapWindowMs) {
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
      const correlates = ciId !== null || grouped || deps.groupRules.some((m) => matchesAll(m, a.labels)) || settings.createUnidentifiedCis || settings.incidentsForUnboundAlerts;
      const changed = event !== null || severityWorse || (ciId !== null && !prev?.ci_id);
      const pending = (prev?.pending ?? 0) === 1 || (changed && correlates && (isActive || grouped)) ? 1 : 0;
      if (pending) anyPending = true;
      const labelsJson = JSON.stringify(a.labels);

      rows.push([
        a.fingerprint, a.source, a.labels.alertname ?? "", labelsJson, JSON.stringify(a.annotations), a.generatorUrl, severity, status,
        startsAt, endsAt, prev?.first_seen ?? now, now, (prev?.occurrences ?? 0) + a.count, event ? now : prev!.status_changed_at,
        flapCount, flapSince, flapping, JSON.stringify(silencedBy), ciId, null, prev?.group_id ?? null, pending,
      ]);
      if (event) {
        const data: Record<string, unknown> = { from: prev?.status ?? null, source: a.source };
        if (silencedBy.length) data.silencedBy = silencedBy;
        history.push([a.fingerprint, a.labels.alertname ?? "", now, event, status, severity, ciId, prev?.group_id ?? null, JSON.stringify(data)]);
      }
      if (becameFlapping) {
        history.push([a.fingerprint, a.labels.alertname ?? "", now, "flapping", status, severity, ciId, prev?.group_id ?? null, JSON.stringify({ changes: flapCount })]);
      }
    }
    await insertMany(trx, "alerts", ALERT_COLUMNS, rows, { conflict: "fingerprint", update: UPDATED_COLUMNS });
    await insertMany(trx, "alert_history", HISTORY_COLUMNS, history);
    return anyPending;
  });
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
    private readonly lingerMs = 2,
  ) {}

  /** Queues alerts; resolves once they are stored. */
  submit(alerts: IncomingAlert[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ alerts, resolve, reject });
      // While a write is under way, its completion starts the next one with everything that
      // arrived meanwhile. When idle, linger a moment so that concurrent requests share one
      // transaction: each commit writes its pages once, however many alerts it carries.
      if (this.#active >= this.concurrency || this.#scheduled) return;
      this.#scheduled = true;
      setTimeout(() => {
        this.#scheduled = false;
        this.#pump();
      }, this.lingerMs);
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
