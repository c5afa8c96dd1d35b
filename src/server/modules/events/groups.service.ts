/** Alert groups: lists, and one group with its alerts and the topology that tied it together. */
import type { AlertGroup, AlertSeverity, ListAlertGroupsQuery } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import type { Selectable } from "kysely";
import type { AlertGroupsTable } from "../../platform/db/schema.events.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { NotFoundError } from "../../platform/errors.js";
import { paginate } from "../../platform/list.js";
import { toAlerts } from "./alerts.service.js";
import type { EventsEngine } from "./events.engine.js";
import { getEventSettings } from "./events.settings.js";

type GroupRow = Selectable<AlertGroupsTable>;

async function toGroups(db: Db, rows: GroupRow[]): Promise<AlertGroup[]> {
  const ids = [...new Set(rows.map((r) => r.root_ci_id).filter((x): x is string => !!x))];
  const cis = new Map((ids.length ? await db.selectFrom("cis").select(["id", "name", "class"]).where("id", "in", ids).execute() : []).map((c) => [c.id, c]));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as AlertGroup["kind"],
    title: r.title,
    status: r.status as AlertGroup["status"],
    severity: r.severity as AlertSeverity,
    rootCause: r.root_ci_id ? (cis.get(r.root_ci_id) ?? null) : null,
    labels: JSON.parse(r.labels),
    alertCount: r.alert_count,
    activeCount: r.active_count,
    incidentId: r.incident_id,
    mergedInto: r.merged_into,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    resolvedAt: r.resolved_at,
  }));
}

/** GET /api/v1/events/groups. */
export async function listGroups(db: Db, actor: Actor, query: ListAlertGroupsQuery) {
  requirePermission(actor, "events.read");
  let q = db.selectFrom("alert_groups").selectAll();
  if (query.status) q = q.where("status", "=", query.status);
  if (query.ciId) q = q.where("id", "in", (eb) => eb.selectFrom("alert_group_cis").select("group_id").where("ci_id", "=", query.ciId!));
  const page = await paginate(q, query, { column: "created_at", direction: "desc" }, "id", (r) => r as GroupRow);
  return { ...page, items: await toGroups(db, page.items) };
}

/** GET /api/v1/events/groups/:id: the group, its alerts, its CIs and the relationships among them. */
export async function getGroup(db: Db, engine: EventsEngine, actor: Actor, id: string) {
  requirePermission(actor, "events.read");
  const row = await db.selectFrom("alert_groups").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError("alert_group.not_found", `No alert group ${id}`, { field: "id" });
  const alerts = await db.selectFrom("alerts").selectAll().where("group_id", "=", id).orderBy("first_seen").limit(500).execute();
  const ciIds = (await db.selectFrom("alert_group_cis").select("ci_id").where("group_id", "=", id).execute()).map((r) => r.ci_id);
  const cis = ciIds.length ? await db.selectFrom("cis").select(["id", "name", "class"]).where("id", "in", ciIds).orderBy("name").execute() : [];
  const settings = await getEventSettings(db);
  const edges = await engine.topology.edgesAmong(db, cis.map((c) => c.id), settings.topologyDepth);
  return { group: (await toGroups(db, [row]))[0], alerts: await toAlerts(db, alerts), cis, edges };
}
