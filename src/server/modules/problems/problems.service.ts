/**
 * The problem kind's hooks into the ticket core: problem_details (root cause, workaround,
 * known error) written on create, edit and transitions, loaded onto every problem ticket,
 * and the rules a problem's transitions add (a root cause before the fix and the resolution).
 */
import type { Selectable } from "kysely";
import type { CreateTicketBody, ProblemFields, ProblemInput, Ticket, TransitionBody, UpdateTicketBody } from "../../../contract/index.js";
import type { DbOrTrx, Trx } from "../../platform/db/schema.js";
import type { ProblemDetailsTable } from "../../platform/db/schema.tickets.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { toBool } from "../../platform/db/dialect.js";
import { recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { ValidationError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import type { FieldChange, KindHooks } from "../tickets/index.js";
import { NEEDS_ROOT_CAUSE, PROBLEM_FLOW } from "./problems.flow.js";
import { addEntry } from "./problems.core.js";

/** States in which a problem must keep its root cause (it was required to get there). */
const ROOT_CAUSE_KEPT = new Set(["fix_in_progress", "resolved", "closed"]);

const EMPTY: ProblemFields = { rootCause: null, workaround: null, knownError: false, knownErrorAt: null };

function toFields(row: Selectable<ProblemDetailsTable> | undefined): ProblemFields {
  if (!row) return { ...EMPTY };
  return { rootCause: row.root_cause, workaround: row.workaround, knownError: toBool(row.known_error), knownErrorAt: row.known_error_at };
}

/** Blank text means "none": a root cause of spaces is no root cause. */
function text(value: string | null | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  return value === null || value.trim() === "" ? null : value;
}

/** The problem fields of one ticket (defaults when the row is missing). */
export async function loadProblemFields(db: DbOrTrx, ticketId: string): Promise<ProblemFields> {
  const row = await db.selectFrom("problem_details").selectAll().where("ticket_id", "=", Number(ticketId)).executeTakeFirst();
  return toFields(row);
}

/** The fields after applying an input, with the rules every write shares. */
function merge(before: ProblemFields, input: ProblemInput | undefined, state: string | null): ProblemFields {
  const next: ProblemFields = { ...before };
  if (!input) return next;
  const rootCause = text(input.rootCause);
  const workaround = text(input.workaround);
  if (rootCause !== undefined) next.rootCause = rootCause;
  if (workaround !== undefined) next.workaround = workaround;
  if (input.knownError !== undefined) next.knownError = input.knownError;
  if (next.knownError && !before.knownError) next.knownErrorAt = nowIso();
  if (!next.knownError) next.knownErrorAt = null;
  if (next.knownError && !next.workaround && !next.rootCause) {
    throw new ValidationError("problem.known_error_incomplete", "A known error needs a workaround or a root cause", { field: "problem.workaround" });
  }
  if (state && ROOT_CAUSE_KEPT.has(state) && before.rootCause && !next.rootCause) {
    throw new ValidationError("problem.root_cause_required", `A problem in state ${state} keeps its root cause`, { field: "problem.rootCause" });
  }
  return next;
}

function changesOf(before: ProblemFields, after: ProblemFields): FieldChange[] {
  const keys = ["rootCause", "workaround", "knownError"] as const;
  return keys.filter((k) => before[k] !== after[k]).map((k) => ({ field: `problem.${k}`, from: before[k], to: after[k] }));
}

/** Stores the fields; a problem that just became a known error is announced (`problem.known_error`). */
async function save(trx: Trx, ticket: Ticket, before: ProblemFields, fields: ProblemFields): Promise<void> {
  const row = { root_cause: fields.rootCause, workaround: fields.workaround, known_error: fields.knownError, known_error_at: fields.knownErrorAt };
  await trx
    .insertInto("problem_details")
    .values({ ticket_id: Number(ticket.id), ...row })
    .onConflict((oc) => oc.column("ticket_id").doUpdateSet(row))
    .execute();
  if (fields.knownError && !before.knownError) {
    await emit(trx, { type: "problem.known_error", payload: { id: ticket.id, number: ticket.number, ciId: ticket.ci?.id ?? null, category: ticket.category } });
  }
}

/** Writes a problem input onto a ticket; returns what changed. */
async function applyInput(trx: Trx, ticket: Ticket, input: ProblemInput | undefined, state: string | null): Promise<FieldChange[]> {
  if (!input) return [];
  const before = await loadProblemFields(trx, ticket.id);
  const after = merge(before, input, state);
  const changes = changesOf(before, after);
  if (changes.length > 0 || after.knownErrorAt !== before.knownErrorAt) await save(trx, ticket, before, after);
  return changes;
}

/** Refuses a transition that needs a root cause the problem does not have (nor gets in the body). */
async function requireRootCause(trx: Trx, ticket: Ticket, transition: string, body: TransitionBody): Promise<void> {
  if (!NEEDS_ROOT_CAUSE.has(transition)) return;
  const sent = text(body.problem?.rootCause);
  if (sent) return;
  const stored = (await loadProblemFields(trx, ticket.id)).rootCause;
  if (!stored || sent === null) {
    throw new ValidationError("problem.root_cause_required", `"${transition}" needs the problem's root cause: record it first or send problem.rootCause`, {
      field: "problem.rootCause",
      transition,
    });
  }
}

/** Change fields have no place on a problem; refusing them beats dropping them silently. */
function refuseChangeFields(input: { change?: unknown }): void {
  if (input.change !== undefined) throw new ValidationError("ticket.fields_of_other_kind", "Problems take no change fields", { field: "change" });
}

/** The problem kind's hooks (registered by registerProblemsModule). */
export const problemHooks: KindHooks = {
  async validateCreate(_trx: Trx, _actor: Actor, input: CreateTicketBody) {
    refuseChangeFields(input);
    // Throws on an incomplete known error before anything is written.
    merge(EMPTY, input.problem, null);
  },

  async afterCreate(trx: Trx, _actor: Actor, ticket: Ticket, input: CreateTicketBody) {
    await save(trx, ticket, EMPTY, merge(EMPTY, input.problem, null));
  },

  async update(trx: Trx, _actor: Actor, before: Ticket, input: UpdateTicketBody) {
    refuseChangeFields(input);
    return applyInput(trx, before, input.problem, before.state);
  },

  async load(db: DbOrTrx, ids: string[]) {
    const out = new Map<string, Partial<Ticket>>();
    if (ids.length === 0) return out;
    const rows = await db.selectFrom("problem_details").selectAll().where("ticket_id", "in", ids.map(Number)).execute();
    const byId = new Map(rows.map((r) => [String(r.ticket_id), r]));
    for (const id of ids) out.set(id, { problem: toFields(byId.get(id)) });
    return out;
  },

  async beforeTransition(trx: Trx, actor: Actor, ticket: Ticket, transition: string, body: TransitionBody) {
    refuseChangeFields(body);
    await requireRootCause(trx, ticket, transition, body);
    if (!body.problem) return;
    // Fields sent with the transition are checked against the state the problem is heading to.
    const to = PROBLEM_FLOW.transitions[transition as keyof typeof PROBLEM_FLOW.transitions]?.to ?? null;
    const changes = await applyInput(trx, ticket, body.problem, to);
    if (changes.length > 0) {
      await addEntry(trx, actor, ticket.id, { type: "field_change", public: false, data: { changes } });
      await recordAudit(trx, actor, {
        action: "update",
        entity: "problem",
        entityId: ticket.id,
        before: Object.fromEntries(changes.map((c) => [c.field, c.from])),
        after: Object.fromEntries(changes.map((c) => [c.field, c.to])),
      });
    }
  },
};
