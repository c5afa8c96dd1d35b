/** The native alert API: lists with filters, one alert with its history, acknowledge, counts, history queries. */
import { sql } from "kysely";
import type { Alert, AlertHistoryQuery, AlertSeverity, AlertStatus, ListAlertsQuery } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { actorLabel } from "../../platform/audit.js";
import { containsAny, paginate, sortSpec } from "../../platform/list.js";
import { ConflictError, NotFoundError } from "../../platform/errors.js";
import { toAlert, type AlertRow, type CiRef } from "./events.model.js";
import type { EventsEngine } from "./events.engine.js";

const SORTS = { lastSeenAt: "last_seen", firstSeenAt: "first_seen", name: "alertname", severity: "severity_rank" };
const SEVERITY_ORDER = sql<number>`case severity when 'critical' then 0 when 'major' then 1 when 'minor' then 2 when 'warning' then 3 else 4 end`;

/** CI names and group incidents for a page of alerts (two small queries). */
export async function alertContext(db: DbOrTrx, rows: AlertRow[]): Promise<{ cis: Map<string, CiRef>; incidents: Map<string, string | null> }> {
  const ciIds = [...new Set(rows.flatMap((r) => [r.ci_id, r.service_id]).filter((x): x is string => !!x))];
  const groupIds = [...new Set(rows.map((r) => r.group_id).filter((x): x is string => !!x))];
  const cis = new Map<string, CiRef>();
  for (let i = 0; i < ciIds.length; i += 500) {
    for (const c of await db.selectFrom("cis").select(["id", "name", "class"]).where("id", "in", ciIds.slice(i, i + 500)).execute()) cis.set(c.id, c);
  }
  const incidents = new Map<string, string | null>();
  for (let i = 0; i < groupIds.length; i += 500) {
    for (const g of await db.selectFrom("alert_groups").select(["id", "incident_id"]).where("id", "in", groupIds.slice(i, i + 500)).execute()) incidents.set(g.id, g.incident_id);
  }
  return { cis, incidents };
}

/** Maps rows to the API shape. */
export async function toAlerts(db: DbOrTrx, rows: AlertRow[]): Promise<Alert[]> {
  const { cis, incidents } = await alertContext(db, rows);
  return rows.map((r) => toAlert(r, cis, incidents));
}

/** GET /api/v1/events/alerts. */
export async function listAlerts(db: Db, actor: Actor, query: ListAlertsQuery) {
  requirePermission(actor, "events.read");
  let q = db.selectFrom("alerts").selectAll().select(SEVERITY_ORDER.as("severity_rank"));
  if (query.status === "active") q = q.where("status", "<>", "resolved");
  else if (query.status) q = q.where("status", "=", query.status);
  if (query.severity) q = q.where("severity", "=", query.severity);
  if (query.ciId) q = q.where("ci_id", "=", query.ciId);
  if (query.groupId) q = q.where("group_id", "=", query.groupId);
  if (query.source) q = q.where("source", "=", query.source);
  if (query.q) q = q.where(containsAny(["alertname"], query.q));
  if (query.since) q = q.where("last_seen", ">=", new Date(query.since).toISOString());
  if (query.until) q = q.where("first_seen", "<", new Date(query.until).toISOString());
  const sort = sortSpec(query.sort, SORTS, "-lastSeenAt");
  const page = await paginate(q, query, sort.column === "severity_rank" ? { column: "severity_rank", direction: sort.direction } : sort, "fingerprint", (r) => r as AlertRow);
  return { ...page, items: await toAlerts(db, page.items) };
}

const alertNotFound = (fp: string) => new NotFoundError("alert.not_found", `No alert ${fp}`, { field: "fingerprint" });

type HistoryRow = { id: number | string; fingerprint: string; alertname: string; at: string; event: string; status: string; severity: string; ci_id: string | null; group_id: string | null; data: string | null };
const toEntry = (h: HistoryRow) => ({
  id: Number(h.id),
  fingerprint: h.fingerprint,
  name: h.alertname,
  at: h.at,
  event: h.event,
  status: h.status as AlertStatus,
  severity: h.severity as AlertSeverity,
  ciId: h.ci_id,
  groupId: h.group_id,
  details: h.data ? (JSON.parse(h.data) as Record<string, unknown>) : {},
});

/** GET /api/v1/events/alerts/:fingerprint. */
export async function getAlert(db: Db, actor: Actor, fingerprint: string) {
  requirePermission(actor, "events.read");
  const row = await db.selectFrom("alerts").selectAll().where("fingerprint", "=", fingerprint).executeTakeFirst();
  if (!row) throw alertNotFound(fingerprint);
  const history = await db.selectFrom("alert_history").selectAll().where("fingerprint", "=", fingerprint).orderBy("id", "desc").limit(200).execute();
  return { alert: (await toAlerts(db, [row]))[0], history: history.map((h) => toEntry(h as unknown as HistoryRow)) };
}

/** POST /api/v1/events/alerts/:fingerprint/acknowledge: someone is on it (stays so until it resolves). */
export async function acknowledgeAlert(db: Db, engine: EventsEngine, actor: Actor, fingerprint: string, comment?: string): Promise<Alert> {
  requirePermission(actor, "events.write");
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("alerts").selectAll().where("fingerprint", "=", fingerprint).executeTakeFirst();
    if (!row) throw alertNotFound(fingerprint);
    if (row.status === "acknowledged") return;
    const done = await trx.updateTable("alerts").set({ status: "acknowledged", status_changed_at: now }).where("fingerprint", "=", fingerprint).where("status", "=", "firing").executeTakeFirst();
    if (!Number(done.numUpdatedRows)) throw new ConflictError("alert.not_firing", `Alert ${fingerprint} is ${row.status}; only firing alerts can be acknowledged`, { status: row.status });
    await trx
      .insertInto("alert_history")
      .values({ fingerprint, alertname: row.alertname, at: now, event: "acknowledged", status: "acknowledged", severity: row.severity, ci_id: row.ci_id, group_id: row.group_id, data: JSON.stringify({ by: actorLabel(actor), comment: comment ?? null }) })
      .execute();
  });
  engine.kick();
  return (await getAlert(db, actor, fingerprint)).alert;
}

/** Acknowledges every firing alert of a group (its incident was resolved by hand). */
export async function acknowledgeGroup(db: Db, groupId: string, by: string): Promise<number> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .updateTable("alerts")
      .set({ status: "acknowledged", status_changed_at: now })
      .where("group_id", "=", groupId)
      .where("status", "=", "firing")
      .returning(["fingerprint", "alertname", "severity", "ci_id"])
      .execute();
    for (const r of rows) {
      await trx.insertInto("alert_history").values({ fingerprint: r.fingerprint, alertname: r.alertname, at: now, event: "acknowledged", status: "acknowledged", severity: r.severity, ci_id: r.ci_id, group_id: groupId, data: JSON.stringify({ by }) }).execute();
    }
    return rows.length;
  });
}

/** GET /api/v1/events/history: state changes, e.g. "what fired on this CI last month". */
export async function listHistory(db: Db, actor: Actor, query: AlertHistoryQuery) {
  requirePermission(actor, "events.read");
  let q = db.selectFrom("alert_history").selectAll();
  if (query.fingerprint) q = q.where("fingerprint", "=", query.fingerprint);
  if (query.ciId) q = q.where("ci_id", "=", query.ciId);
  if (query.since) q = q.where("at", ">=", new Date(query.since).toISOString());
  if (query.until) q = q.where("at", "<", new Date(query.until).toISOString());
  const page = await paginate(q, { limit: query.limit ?? 100, offset: query.offset }, { column: "id", direction: "desc" }, "id", (r) => toEntry(r as unknown as HistoryRow));
  return page;
}

/** GET /api/v1/events/alerts/counts: the console's header numbers and the service map's colours. */
export async function alertCounts(db: Db, actor: Actor) {
  requirePermission(actor, "events.read");
  const bySeverity: Record<string, number> = {};
  // Silenced and in-maintenance alerts are kept and counted by status, but they flag nothing:
  // neither the severity tiles nor a CI's ring on the service map.
  const flagging = ["firing", "acknowledged"];
  for (const r of await db.selectFrom("alerts").select(["severity", sql<number>`count(*)`.as("n")]).where("status", "in", flagging).groupBy("severity").execute()) bySeverity[r.severity] = Number(r.n);
  const byStatus: Record<string, number> = {};
  const dayAgo = new Date(Date.now() - 86400_000).toISOString();
  for (const r of await db.selectFrom("alerts").select(["status", sql<number>`count(*)`.as("n")]).where((eb) => eb.or([eb("status", "<>", "resolved"), eb("last_seen", ">=", dayAgo)])).groupBy("status").execute()) byStatus[r.status] = Number(r.n);
  const groups = await db.selectFrom("alert_groups").select(sql<number>`count(*)`.as("n")).where("status", "=", "open").executeTakeFirst();
  const perCi = await db
    .selectFrom("alerts")
    .select(["ci_id", sql<number>`count(*)`.as("n"), sql<number>`min(${SEVERITY_ORDER})`.as("worst")])
    .where("status", "in", flagging)
    .where("ci_id", "is not", null)
    .groupBy("ci_id")
    .orderBy("n", "desc")
    .limit(500)
    .execute();
  const names: AlertSeverity[] = ["critical", "major", "minor", "warning", "info"];
  return {
    bySeverity,
    byStatus,
    openGroups: Number(groups?.n ?? 0),
    byCi: perCi.map((r) => ({ ciId: r.ci_id!, count: Number(r.n), severity: names[Number(r.worst)] ?? "info" })),
  };
}
