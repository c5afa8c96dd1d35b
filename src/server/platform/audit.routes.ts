import { AuditList, errorResponses, ListAuditQuery, type AuditEntry, type ListAuditQuery as Query } from "../../contract/index.js";
import type { App, AppContext } from "./context.js";
import type { Db } from "./db/schema.js";
import { actorOf } from "./http/auth.plugin.js";
import { requirePermission, type Actor } from "./auth/permissions.js";
import { paginate, sortSpec } from "./list.js";

/** Reads the audit trail, newest first by default (admins only). */
export async function listAudit(db: Db, actor: Actor, query: Query) {
  requirePermission(actor, "audit.read");
  let q = db.selectFrom("audit_log").selectAll();
  if (query.entity) q = q.where("entity", "=", query.entity);
  if (query.entityId) q = q.where("entity_id", "=", query.entityId);
  if (query.actorId) q = q.where("actor_id", "=", query.actorId);
  if (query.action) q = q.where("action", "=", query.action);
  if (query.since) q = q.where("at", ">=", new Date(query.since).toISOString());
  if (query.until) q = q.where("at", "<", new Date(query.until).toISOString());
  return paginate(q, query, sortSpec(query.sort, { at: "id" }, "-at"), "id", (r): AuditEntry => ({
    id: Number(r.id),
    at: r.at,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before ? JSON.parse(r.before) : null,
    after: r.after ? JSON.parse(r.after) : null,
    ip: r.ip,
  }));
}

/** GET /api/v1/audit. */
export function auditRoutes(app: App, { db }: AppContext): void {
  app.get(
    "/api/v1/audit",
    {
      schema: { tags: ["Audit"], summary: "Read the audit trail", querystring: ListAuditQuery, response: { 200: AuditList, ...errorResponses } },
      config: { permission: "audit.read" },
    },
    async (req) => listAudit(db, actorOf(req), req.query),
  );
}
