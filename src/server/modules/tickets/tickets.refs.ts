/** Checks a ticket's references (requester, group, assignee, CI) and keeps its impacted services in step with its CI. */
import type { DbOrTrx, Trx } from "../../platform/db/schema.js";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { ValidationError } from "../../platform/errors.js";
import { impactedServices } from "../cmdb/index.js";
import { isMember } from "./tickets.policy.js";

/** 400 naming the field when a referenced user, group or CI does not exist (or the assignee is outside the group). */
export async function checkRefs(db: DbOrTrx, refs: { requesterId?: string | null; assignmentGroupId?: string | null; assigneeId?: string | null; ciId?: string | null; watcherIds?: string[]; affectedCiIds?: string[] }): Promise<void> {
  if (refs.requesterId) await requireRow(db, "users", refs.requesterId, "requesterId", "user");
  if (refs.assignmentGroupId) await requireRow(db, "groups", refs.assignmentGroupId, "assignmentGroupId", "group");
  if (refs.assigneeId) {
    const user = await db.selectFrom("users").select(["id", "role", "active"]).where("id", "=", refs.assigneeId).executeTakeFirst();
    if (!user) throw new ValidationError("ticket.unknown_user", `No user ${refs.assigneeId}`, { field: "assigneeId" });
    if (user.role === "requester" || user.role === "viewer") throw new ValidationError("ticket.assignee_not_agent", "The assignee must be an agent", { field: "assigneeId" });
    if (refs.assignmentGroupId && !(await isMember(db, refs.assigneeId, refs.assignmentGroupId))) {
      throw new ValidationError("ticket.assignee_not_in_group", "The assignee must belong to the assignment group", { field: "assigneeId" });
    }
  }
  if (refs.ciId) await requireRow(db, "cis", refs.ciId, "ciId", "configuration item");
  for (const id of refs.watcherIds ?? []) await requireRow(db, "users", id, "watcherIds", "user");
  if (refs.affectedCiIds?.length) {
    const found = await db.selectFrom("cis").select("id").where("id", "in", refs.affectedCiIds).execute();
    const missing = refs.affectedCiIds.find((id) => !found.some((f) => f.id === id));
    if (missing) throw new ValidationError("ticket.unknown_ci", `No configuration item ${missing}`, { field: "affectedCiIds" });
  }
}

async function requireRow(db: DbOrTrx, table: "users" | "groups" | "cis", id: string, field: string, what: string): Promise<void> {
  const row = await db.selectFrom(table).select("id").where("id", "=", id).executeTakeFirst();
  if (!row) throw new ValidationError(`ticket.unknown_${table === "cis" ? "ci" : table.slice(0, -1)}`, `No ${what} ${id}`, { field });
}

/**
 * Recomputes the business services a ticket impacts: those downstream of its CI and of its
 * affected CIs in the CMDB.
 */
export async function refreshServices(trx: Trx, ticketId: string | number): Promise<void> {
  const id = Number(ticketId);
  const t = await trx.selectFrom("tickets").select("ci_id").where("id", "=", id).executeTakeFirstOrThrow();
  const affected = await trx.selectFrom("ticket_cis").select("ci_id").where("ticket_id", "=", id).where("role", "=", "affected").execute();
  const roots = [...new Set([t.ci_id, ...affected.map((a) => a.ci_id)].filter((x): x is string => !!x))];
  const services = new Set<string>();
  for (const root of roots) {
    const root_class = await trx.selectFrom("cis").select("class").where("id", "=", root).executeTakeFirst();
    const result = await impactedServices(trx, SYSTEM_ACTOR, root);
    for (const item of result.items) services.add(item.ci.id);
    // A ticket raised on a service itself impacts that service.
    if (root_class && (await isService(trx, root_class.class))) services.add(root);
  }
  await trx.deleteFrom("ticket_cis").where("ticket_id", "=", id).where("role", "=", "service").execute();
  if (services.size) await trx.insertInto("ticket_cis").values([...services].map((ci_id) => ({ ticket_id: id, ci_id, role: "service" }))).execute();
}

async function isService(db: DbOrTrx, cls: string): Promise<boolean> {
  let current: string | null = cls;
  for (let i = 0; current && i < 20; i++) {
    if (current === "business_service") return true;
    const row: { parent: string | null } | undefined = await db.selectFrom("ci_classes").select("parent").where("name", "=", current).executeTakeFirst();
    current = row?.parent ?? null;
  }
  return false;
}

/** Replaces the further affected CIs of a ticket. */
export async function setAffectedCis(trx: Trx, ticketId: string | number, ciIds: string[]): Promise<void> {
  const id = Number(ticketId);
  await trx.deleteFrom("ticket_cis").where("ticket_id", "=", id).where("role", "=", "affected").execute();
  if (ciIds.length) await trx.insertInto("ticket_cis").values(ciIds.map((ci_id) => ({ ticket_id: id, ci_id, role: "affected" }))).execute();
}
