/**
 * The incidents a problem causes: linking several at once (each incident `caused_by` the
 * problem, through the core's link service), listing them, and resolving the open ones with
 * the problem's resolution once it is resolved (each through the core's transition service,
 * so the incident flow's rules, timeline, audit and events apply to every one).
 */
import type { IncidentOutcome, IncidentOutcomeList, LinkIncidentsBody, ProblemIncident, ResolveIncidentsBody, Ticket } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { toBool } from "../../platform/db/dialect.js";
import { recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { AppError, ConflictError, NotFoundError, ValidationError } from "../../platform/errors.js";
import { addEntry, findTicket, linkTickets, requireEditable, requireProblem, transitionTicket } from "./problems.core.js";

/** The incident flow's transition that resolves an incident. */
const INCIDENT_RESOLVE = "resolve";
/** The incidents' resolution code unless the caller gives one (one of the incident module's codes). */
const INCIDENT_RESOLUTION_CODE = "resolved_by_problem";
/** Problems that take no more incidents. */
const FINISHED = new Set(["closed", "canceled"]);
/** Problem states whose resolution may be handed to the incidents. */
const RESOLVED = new Set(["resolved", "closed"]);
const NOTES_MAX = 20_000;

/** Runs one item of a multi-incident operation; an application error becomes that item's outcome. */
async function outcome(ref: string, work: () => Promise<Omit<IncidentOutcome, "ref" | "ok">>): Promise<IncidentOutcome> {
  try {
    return { ref, ok: true, ...(await work()) };
  } catch (err) {
    if (err instanceof AppError) return { ref, ok: false, error: err.code, message: err.message };
    throw err;
  }
}

/** The incidents linked to a problem, newest link first, with how many are still open. */
export async function listProblemIncidents(db: DbOrTrx, actor: Actor, ref: string): Promise<{ items: ProblemIncident[]; open: number }> {
  requirePermission(actor, "tickets.read");
  const problem = await requireProblem(db, ref);
  const rows = await db
    .selectFrom("ticket_links as l")
    .innerJoin("tickets as i", "i.id", "l.from_id")
    .leftJoin("cis as ci", "ci.id", "i.ci_id")
    .select(["l.id as link_id", "l.created_at as linked_at", "i.id", "i.number", "i.title", "i.state", "i.is_open", "i.priority", "i.ci_id", "ci.name as ci_name", "i.category", "i.created_at"])
    .where("l.to_id", "=", Number(problem.id))
    .where("l.type", "=", "caused_by")
    .where("i.kind", "=", "incident")
    .orderBy("l.created_at", "desc")
    .orderBy("l.id", "desc")
    .execute();
  const items = rows.map(
    (r): ProblemIncident => ({
      id: String(r.id),
      number: r.number,
      title: r.title,
      state: r.state,
      open: toBool(r.is_open),
      priority: r.priority,
      ci: r.ci_id ? { id: r.ci_id, name: r.ci_name ?? r.ci_id } : null,
      category: r.category,
      linkId: String(r.link_id),
      linkedAt: r.linked_at,
      createdAt: r.created_at,
    }),
  );
  return { items, open: items.filter((i) => i.open).length };
}

/**
 * Links incidents to a problem (each `caused_by` it). Each incident is linked in its own
 * transaction and answered on its own: an unknown, non-incident or already linked one does not
 * stop the others. The caller must be allowed to edit the problem.
 */
export async function linkIncidents(db: Db, actor: Actor, ref: string, input: LinkIncidentsBody): Promise<IncidentOutcomeList> {
  requirePermission(actor, "tickets.write");
  const problem = await requireProblem(db, ref);
  await requireEditable(db, actor, problem);
  if (FINISHED.has(problem.state)) throw new ConflictError("problem.finished", `${problem.number} is ${problem.state}; it takes no more incidents`, { state: problem.state });
  const items: IncidentOutcome[] = [];
  for (const incidentRef of input.incidents) {
    items.push(
      await outcome(incidentRef, () =>
        db.transaction().execute(async (trx) => {
          const incident = await findTicket(trx, incidentRef);
          if (!incident) throw new NotFoundError("ticket.not_found", `No ticket ${incidentRef}`, { ref: incidentRef });
          if (incident.kind !== "incident") throw new ValidationError("problem.not_an_incident", `${incident.number} is not an incident`, { field: "incidents" });
          await linkTickets(trx, actor, incident, { type: "caused_by", target: problem.id }, "incidents");
          return { number: incident.number, state: incident.state };
        }),
      ),
    );
  }
  return { items };
}

/**
 * The resolution handed to the incidents: the caller's, or `resolved_by_problem` with the
 * problem's resolution notes, naming the problem.
 */
function resolutionFor(problem: Ticket, input: ResolveIncidentsBody): { resolutionCode: string; resolutionNotes: string } {
  const notes = input.resolutionNotes ?? `Resolved by problem ${problem.number}${problem.resolutionNotes ? `: ${problem.resolutionNotes}` : ""}`;
  return { resolutionCode: input.resolutionCode ?? INCIDENT_RESOLUTION_CODE, resolutionNotes: notes.slice(0, NOTES_MAX) };
}

/**
 * Resolves the open incidents of a resolved problem with its resolution, each through the
 * core's transition service (the incident's own rules apply: an incident the caller may not
 * edit, or that cannot be resolved from its state, is answered with that error).
 */
export async function resolveProblemIncidents(db: Db, actor: Actor, ref: string, input: ResolveIncidentsBody): Promise<IncidentOutcomeList> {
  requirePermission(actor, "tickets.write");
  const problem = await requireProblem(db, ref);
  if (!RESOLVED.has(problem.state)) {
    throw new ConflictError("problem.not_resolved", `${problem.number} is ${problem.state}; resolve it before its incidents`, { state: problem.state });
  }
  const resolution = resolutionFor(problem, input);
  const open = (await listProblemIncidents(db, actor, problem.id)).items.filter((i) => i.open);
  const items: IncidentOutcome[] = [];
  for (const incident of open) {
    items.push(
      await outcome(incident.number, async () => {
        const after = await transitionTicket(db, actor, incident.number, { transition: INCIDENT_RESOLVE, ...resolution });
        return { number: after.number, state: after.state };
      }),
    );
  }
  const resolved = items.filter((i) => i.ok).map((i) => i.ref);
  const failed = items.filter((i) => !i.ok).map((i) => i.ref);
  if (items.length > 0) {
    await db.transaction().execute(async (trx) => {
      await addEntry(trx, actor, problem.id, {
        type: "system",
        public: false,
        body: `Resolved ${resolved.length} of ${items.length} open incidents with the problem's resolution`,
        data: { resolved, failed },
      });
      await recordAudit(trx, actor, { action: "problem.resolve_incidents", entity: "ticket", entityId: problem.number, after: { resolved, failed, resolutionCode: resolution.resolutionCode } });
      await emit(trx, { type: "problem.incidents_resolved", payload: { id: problem.id, number: problem.number, resolved, failed } });
    });
  }
  return { items };
}
