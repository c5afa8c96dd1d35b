/**
 * Time-driven changes: firing alerts whose endsAt passed without a refresh expire (resolve),
 * silences and maintenance windows start and end, flapping alerts calm down, old history goes.
 * Each is a conditional update, so several nodes sweeping at once do each change only once.
 */
import type { EventSettings } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import { HISTORY_COLUMNS } from "./events.ingest.js";
import { insertMany } from "./events.sql.js";
import type { Suppressor } from "./events.suppression.js";

const BATCH = 1000;

/** Resolves active alerts whose endsAt has passed; returns how many. */
export async function expireAlerts(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const now = new Date().toISOString();
    const n = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .updateTable("alerts")
        .set((eb) => ({ status: "resolved", status_changed_at: now, pending: eb.case().when("group_id", "is not", null).then(1).else(eb.ref("pending")).end() }))
        .where("fingerprint", "in", (eb) =>
          eb.selectFrom("alerts").select("fingerprint").where("status", "<>", "resolved").where("ends_at", "is not", null).where("ends_at", "<=", now).limit(BATCH),
        )
        .where("status", "<>", "resolved")
        .returning(["fingerprint", "alertname", "severity", "ci_id", "group_id", "ends_at"])
        .execute();
      await insertMany(trx, "alert_history", HISTORY_COLUMNS, rows.map((r) => [r.fingerprint, r.alertname, now, "expired", "resolved", r.severity, r.ci_id, r.group_id, JSON.stringify({ endsAt: r.ends_at })]));
      return rows.length;
    });
    total += n;
    if (n < BATCH) return total;
  }
}

/** Re-applies silences and maintenance windows to every active alert; returns how many changed. */
export async function reevaluateSuppression(db: Db, suppressor: Suppressor): Promise<number> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom("alerts").select(["fingerprint", "alertname", "labels", "ci_id", "group_id", "status", "severity", "silenced_by"]).where("status", "<>", "resolved").execute();
    const history: unknown[][] = [];
    let changed = 0;
    for (const r of rows) {
      const by = suppressor.suppressing(JSON.parse(r.labels), r.ci_id, now);
      const status = by.length ? "suppressed" : r.status === "suppressed" ? "firing" : r.status;
      const byJson = JSON.stringify(by);
      if (status === r.status && byJson === r.silenced_by) continue;
      changed++;
      await trx
        .updateTable("alerts")
        .set({ status, silenced_by: byJson, ...(status !== r.status ? { status_changed_at: now, pending: r.group_id ? 1 : 0 } : {}) })
        .where("fingerprint", "=", r.fingerprint)
        .where("status", "=", r.status)
        .execute();
      if (status !== r.status) {
        history.push([r.fingerprint, r.alertname, now, status === "suppressed" ? "suppressed" : "unsuppressed", status, r.severity, r.ci_id, r.group_id, JSON.stringify({ from: r.status, silencedBy: by })]);
      }
    }
    await insertMany(trx, "alert_history", HISTORY_COLUMNS, history);
    return changed;
  });
}

/** Clears `flapping` on alerts that have not changed state for a whole flapping window. */
export async function markStableAlerts(db: Db, settings: EventSettings): Promise<number> {
  const since = new Date(Date.now() - settings.flappingWindowSeconds * 1000).toISOString();
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .updateTable("alerts")
      .set((eb) => ({ flapping: false, flap_count: 0, flap_since: null, pending: eb.case().when("group_id", "is not", null).then(1).else(eb.ref("pending")).end() }))
      .where("flapping", "=", true)
      .where("status_changed_at", "<", since)
      .returning(["fingerprint", "alertname", "status", "severity", "ci_id", "group_id"])
      .execute();
    await insertMany(trx, "alert_history", HISTORY_COLUMNS, rows.map((r) => [r.fingerprint, r.alertname, now, "stable", r.status, r.severity, r.ci_id, r.group_id, null]));
    return rows.length;
  });
}

/** Deletes history, resolved alerts and resolved groups older than the retention. */
export async function purgeOldAlerts(db: Db, settings: EventSettings): Promise<void> {
  const before = new Date(Date.now() - settings.retentionDays * 86400_000).toISOString();
  await db.deleteFrom("alert_history").where("at", "<", before).execute();
  await db.deleteFrom("alerts").where("status", "=", "resolved").where("last_seen", "<", before).execute();
  await db.deleteFrom("alert_groups").where("status", "in", ["resolved", "merged"]).where("updated_at", "<", before).execute();
  await db.deleteFrom("silences").where("ends_at", "<", before).execute();
  await db.deleteFrom("maintenance_windows").where("ends_at", "<", before).execute();
}
