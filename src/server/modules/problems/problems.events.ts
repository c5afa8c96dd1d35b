/**
 * Handlers of the ticket core's events: a new incident may bring its CI or category to the
 * suggestion threshold, and may match known errors whose workaround the agent should see.
 */
import type { AppContext } from "../../platform/context.js";
import type { Db } from "../../platform/db/schema.js";
import { SYSTEM_ACTOR, type Actor } from "../../platform/auth/permissions.js";
import type { DomainEvent } from "../../platform/outbox.js";
import { addEntry } from "./problems.core.js";
import { param, runPrecompiled } from "../../platform/db/precompiled.js";
import { sql } from "kysely";
import { among } from "../../platform/db/dialect.js";
import { incidentFacts, suggestOnIncidents } from "./problems.suggest.js";

/** How many matching known errors are noted on an incident. */
const NOTED = 5;
const WORKAROUND_PREVIEW = 500;
const KNOWN_ERROR_ACTOR: Actor = { ...SYSTEM_ACTOR, name: "Known error database" };

/**
 * Handler of `ticket.created`: notes on a new incident (work note level) the open known errors
 * on its CI or in its category, with their workarounds. Safe to run twice for one incident.
 */
export async function noteKnownErrors(db: Db, event: DomainEvent): Promise<void> {
  if (event.payload.kind !== "incident") return;
  const id = Number(event.payload.id);
  const incident = await incidentFacts(db, event);
  if (!incident || (!incident.ciId && !incident.category)) return;
  const { ciId, category } = incident;
  // The open problems on the CI or in the category first (an index range, usually empty),
  // then which of them are known errors: one join ordered by known_error_at cost ~100 µs per
  // new incident even with no problem at all.
  // Runs for every new incident: compiled once per shape (building it cost more than running it).
  const shape = `${ciId ? "ci" : ""}${category ? "category" : ""}`;
  const problems = await runPrecompiled<{ id: number; number: string; title: string }>(db, `problems.open-on-${shape}`, () =>
    db
      .selectFrom("tickets as p")
      .select(["p.id", "p.number", "p.title"])
      .where("p.kind", "=", "problem")
      .where("p.is_open", "=", true)
      .where((eb) => eb.or([...(ciId ? [eb("p.ci_id", "=", param("ci"))] : []), ...(category ? [eb("p.category", "=", param("category"))] : [])])),
    { ci: ciId, category });
  if (problems.length === 0) return;
  const known = await db
    .selectFrom("problem_details as d")
    .select(["d.ticket_id", "d.workaround", "d.root_cause"])
    .where("d.known_error", "=", true)
    .where("d.ticket_id", "in", problems.map((p) => Number(p.id)))
    .orderBy("d.known_error_at", "desc")
    .limit(NOTED)
    .execute();
  const byId = new Map(problems.map((p) => [Number(p.id), p]));
  const matches = known.map((d) => ({ ...byId.get(Number(d.ticket_id))!, workaround: d.workaround, root_cause: d.root_cause }));
  if (matches.length === 0) return;
  await db.transaction().execute(async (trx) => {
    // A retried event must not note the same known errors twice.
    const noted = await trx.selectFrom("ticket_timeline").select("id").where("ticket_id", "=", id).where("type", "=", "system").where("actor_name", "=", KNOWN_ERROR_ACTOR.name).executeTakeFirst();
    if (noted) return;
    const lines = matches.map((m) => {
      const workaround = m.workaround ? `Workaround: ${m.workaround.slice(0, WORKAROUND_PREVIEW)}` : `Root cause: ${(m.root_cause ?? "").slice(0, WORKAROUND_PREVIEW)}`;
      return `- ${m.number} ${m.title}\n  ${workaround.replace(/\n/g, "\n  ")}`;
    });
    await addEntry(trx, KNOWN_ERROR_ACTOR, id, {
      type: "system",
      public: false,
      body: `Known errors that may apply:\n${lines.join("\n")}`,
      data: { knownErrors: matches.map((m) => ({ id: String(m.id), number: m.number })) },
    });
  });
}

/**
 * The same for a run of `ticket.created` events: the open problems on any of the run's CIs or
 * categories are looked up once (usually none, and then nothing more is read); only the
 * incidents that share a CI or category with one of them go through noteKnownErrors.
 */
export async function noteKnownErrorsOn(db: Db, events: DomainEvent[]): Promise<void> {
  const facts: Array<{ event: DomainEvent; ciId: string | null; category: string | null }> = [];
  for (const event of events) {
    if (event.payload.kind !== "incident") continue;
    const incident = await incidentFacts(db, event);
    if (incident && (incident.ciId || incident.category)) facts.push({ event, ...incident });
  }
  if (!facts.length) return;
  const cis = [...new Set(facts.flatMap((f) => (f.ciId ? [f.ciId] : [])))];
  const categories = [...new Set(facts.flatMap((f) => (f.category ? [f.category] : [])))];
  const { rows } = await sql<{ ci_id: string | null; category: string | null }>`select ci_id, category from tickets
    where kind = 'problem' and is_open = ${true} and (ci_id ${among(db, cis)} or category ${among(db, categories)})`.execute(db);
  if (!rows.length) return;
  const openOnCi = new Set(rows.map((r) => r.ci_id));
  const openInCategory = new Set(rows.map((r) => r.category));
  for (const f of facts) if ((f.ciId && openOnCi.has(f.ciId)) || (f.category && openInCategory.has(f.category))) await noteKnownErrors(db, f.event);
}

/** Subscribes the module's handlers. */
export function registerProblemEvents(ctx: AppContext): void {
  // New incidents come by the hundred: their handlers take a dispatch round's run at once.
  ctx.events.onBatch("ticket.created", (events) => suggestOnIncidents(ctx.db, events));
  ctx.events.onBatch("ticket.created", (events) => noteKnownErrorsOn(ctx.db, events));
}
