/** Tickets: read, edit and list (with the requester's view limited to their own); creation is in tickets.create.ts. */
import { sql } from "kysely";
import type { Ticket, UpdateTicketBody } from "../../../contract/index.js";
import type { Db, Trx } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { ConflictError, ValidationError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { kindDef, type FieldChange } from "./tickets.kinds.js";
import { requireEditable, requireVisible } from "./tickets.policy.js";
import { requireTicket, withKindFields, withRelations } from "./tickets.records.js";
import { checkRefs, refreshServices, setAffectedCis } from "./tickets.refs.js";
import { addEntry } from "./tickets.timeline.js";
import { allowedTransitions } from "./tickets.transition.js";

/** One ticket with everything the ticket page shows: relations, kind fields and what the caller may do next. */
export async function getTicket(db: Db | Trx, actor: Actor, ref: string): Promise<Ticket> {
  const ticket = await requireTicket(db, ref);
  await requireVisible(db, actor, ticket);
  return decorate(db, actor, ticket);
}

/** Adds relations, kind fields and the caller's allowed transitions. */
export async function decorate(db: Db | Trx, actor: Actor, ticket: Ticket): Promise<Ticket> {
  await withRelations(db, ticket);
  await withKindFields(db, [ticket]);
  ticket.allowedTransitions = await allowedTransitions(db, actor, ticket);
  return ticket;
}

type CoreField = Exclude<keyof UpdateTicketBody, "version" | "problem" | "change" | "affectedCiIds">;
/** Column of each editable core field. */
const COLUMNS: Record<CoreField, string> = {
  title: "title",
  description: "description",
  requesterId: "requester_id",
  callerContact: "caller_contact",
  assignmentGroupId: "assignment_group_id",
  assigneeId: "assignee_id",
  ciId: "ci_id",
  category: "category",
  subcategory: "subcategory",
  impact: "impact",
  urgency: "urgency",
  priority: "priority",
  tags: "tags",
  major: "major",
};

/** The current value of a core field, in the input's terms. */
function currentValue(t: Ticket, field: CoreField): unknown {
  switch (field) {
    case "requesterId":
      return t.requester?.id ?? null;
    case "assignmentGroupId":
      return t.assignmentGroup?.id ?? null;
    case "assigneeId":
      return t.assignee?.id ?? null;
    case "ciId":
      return t.ci?.id ?? null;
    default:
      return t[field as keyof Ticket] ?? null;
  }
}

/** Edits a ticket's fields; stale versions, foreign groups and bad references are refused. */
export async function updateTicket(db: Db, actor: Actor, ref: string, input: UpdateTicketBody): Promise<Ticket> {
  return db.transaction().execute(async (trx) => {
    const before = await requireTicket(trx, ref);
    await requireVisible(trx, actor, before);
    await requireEditable(trx, actor, before);
    if (input.version !== undefined && input.version !== before.version) {
      throw new ConflictError("ticket.stale", `${before.number} changed since version ${input.version} (now ${before.version}); reload it`, { version: before.version });
    }
    if (!before.open && Object.keys(input).some((k) => k !== "version" && k !== "tags")) {
      if (["closed", "canceled"].includes(before.state)) throw new ConflictError("ticket.finished", `${before.number} is ${before.state}; reopen it to change it`);
    }
    const def = kindDef(before.kind);
    const changes: FieldChange[] = [];
    const set: Record<string, unknown> = {};
    for (const field of Object.keys(COLUMNS) as CoreField[]) {
      if (input[field] === undefined) continue;
      const from = currentValue(before, field);
      const to = input[field];
      if (JSON.stringify(from) === JSON.stringify(to)) continue;
      changes.push({ field, from, to });
      set[COLUMNS[field]] = field === "tags" ? JSON.stringify(to) : to;
    }
    const groupId = input.assignmentGroupId !== undefined ? input.assignmentGroupId : (before.assignmentGroup?.id ?? null);
    // A new group takes the ticket back from an assignee outside it (ServiceNow does the same).
    let assigneeId = input.assigneeId !== undefined ? input.assigneeId : (before.assignee?.id ?? null);
    if (input.assignmentGroupId !== undefined && input.assigneeId === undefined && assigneeId && groupId) {
      const stays = await trx.selectFrom("group_members").select("user_id").where("group_id", "=", groupId).where("user_id", "=", assigneeId).executeTakeFirst();
      if (!stays) {
        changes.push({ field: "assigneeId", from: assigneeId, to: null });
        set.assignee_id = null;
        assigneeId = null;
      }
    }
    await checkRefs(trx, { requesterId: input.requesterId, assignmentGroupId: groupId, assigneeId: input.assigneeId !== undefined || input.assignmentGroupId !== undefined ? assigneeId : undefined, ciId: input.ciId, affectedCiIds: input.affectedCiIds });
    if (def.hooks.priority) {
      if (input.priority !== undefined && input.priority !== before.priority) {
        throw new ValidationError("ticket.priority_computed", `The priority of ${def.label.toLowerCase()}s is computed from impact and urgency`, { field: "priority" });
      }
      if (input.impact !== undefined || input.urgency !== undefined) {
        const priority = await def.hooks.priority(trx, input.impact ?? before.impact, input.urgency ?? before.urgency, {});
        if (priority !== before.priority) {
          changes.push({ field: "priority", from: before.priority, to: priority });
          set.priority = priority;
        }
      }
    }
    const now = nowIso();
    if (Object.keys(set).length) {
      const updated = await trx
        .updateTable("tickets")
        .set({ ...set, version: sql`version + 1`, updated_at: now })
        .where("id", "=", Number(before.id))
        .where("version", "=", before.version)
        .returning("id")
        .executeTakeFirst();
      if (!updated) throw new ConflictError("ticket.stale", `${before.number} changed meanwhile; reload it`);
    }
    if (input.affectedCiIds !== undefined) {
      const was = (before.affectedCis ?? (await withRelations(trx, { ...before })).affectedCis ?? []).map((c) => c.id).sort();
      if (JSON.stringify(was) !== JSON.stringify([...input.affectedCiIds].sort())) {
        changes.push({ field: "affectedCiIds", from: was, to: input.affectedCiIds });
        await setAffectedCis(trx, before.id, input.affectedCiIds);
      }
    }
    // Kind rules (e.g. change risk) read the impacted services: bring them up to date first.
    const cisChanged = changes.some((c) => c.field === "ciId" || c.field === "affectedCiIds");
    if (cisChanged) await refreshServices(trx, before.id);
    if (def.hooks.update) changes.push(...(await def.hooks.update(trx, actor, before, input)));
    if (!changes.length) return decorate(trx, actor, before);
    if (!Object.keys(set).length) {
      await trx.updateTable("tickets").set({ version: sql`version + 1`, updated_at: now }).where("id", "=", Number(before.id)).execute();
    }
    await addEntry(trx, actor, before.id, { type: "field_change", public: false, data: { changes } }, now);
    await recordAudit(trx, actor, {
      action: "update",
      entity: "ticket",
      entityId: before.number,
      before: Object.fromEntries(changes.map((c) => [c.field, c.from])),
      after: Object.fromEntries(changes.map((c) => [c.field, c.to])),
    });
    await emit(trx, { type: "ticket.updated", payload: { id: before.id, number: before.number, kind: before.kind, fields: changes.map((c) => c.field) } });
    return decorate(trx, actor, await requireTicket(trx, before.id));
  });
}

export { listTickets } from "./tickets.list.js";

