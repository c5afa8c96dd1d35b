/**
 * Problem suggestions: recurring incidents on one CI (or in one category) within the window of
 * the ticket settings, with no open problem on that CI or category yet, suggest opening one.
 * Listed on demand, and emitted once per window as `problem.suggested` when a new incident
 * crosses the threshold.
 */
import { sql } from "kysely";
import type { ProblemSuggestion, ProblemSuggestionList } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import type { DomainEvent } from "../../platform/outbox.js";
import { outboxRow } from "../../platform/outbox.js";
import { isoIn, nowIso } from "../../platform/time.js";
import { among } from "../../platform/db/dialect.js";
import { ticketSettings } from "./problems.core.js";
import { param, runPrecompiled } from "../../platform/db/precompiled.js";

type Basis = ProblemSuggestion["basis"];
const COLUMN = { ci: "t.ci_id", category: "t.category" } as const;
const SAMPLE = 20;

/**
 * Incidents that count towards a suggestion: created within the window, not canceled, not yet
 * attributed to a problem, on a CI (or category) that has no open problem.
 */
function counted(db: DbOrTrx, basis: Basis, since: string) {
  const col = COLUMN[basis];
  return db
    .selectFrom("tickets as t")
    .where("t.kind", "=", "incident")
    .where("t.created_at", ">=", since)
    .where("t.state", "!=", "canceled")
    .where(col, "is not", null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("ticket_links as l")
            .innerJoin("tickets as p", "p.id", "l.to_id")
            .select("l.id")
            .whereRef("l.from_id", "=", "t.id")
            .where("l.type", "=", "caused_by")
            .where("p.kind", "=", "problem"),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("tickets as p")
            .select("p.id")
            .where("p.kind", "=", "problem")
            .where("p.is_open", "=", true)
            .whereRef(basis === "ci" ? "p.ci_id" : "p.category", "=", col),
        ),
      ),
    );
}

async function suggestionsBy(db: DbOrTrx, basis: Basis, since: string, threshold: number, key?: string): Promise<ProblemSuggestion[]> {
  const col = COLUMN[basis];
  // One CI or category (the event handler, for every key a run brings to the threshold): its
  // statements are built once per basis and run with fresh values; building these
  // trees (two NOT EXISTS each) took more of the worker's time than running them.
  const keyed = key !== undefined;
  const grouped = (on: DbOrTrx, from: string) => {
    let q = counted(on, basis, from);
    if (keyed) q = q.where(col, "=", param("key"));
    return q
      .select([
        sql<string>`${sql.ref(col)}`.as("key"),
        sql<number | string>`count(*)`.as("incidents"),
        sql<string>`min(t.created_at)`.as("first_at"),
        sql<string>`max(t.created_at)`.as("last_at"),
      ])
      .groupBy(col)
      .having(sql`count(*)`, ">=", keyed ? (param("threshold") as unknown as number) : threshold);
  };
  const sample = (on: DbOrTrx, from: string, of: string) =>
    counted(on, basis, from).where(col, "=", of).select("t.number").orderBy("t.created_at", "desc").orderBy("t.id", "desc").limit(SAMPLE);
  const groups = keyed
    ? await runPrecompiled<{ key: string; incidents: number | string; first_at: string; last_at: string }>(db, `problems.group-${basis}`, () => grouped(db, param("since")), { since, key, threshold })
    : await grouped(db, since).execute();
  const out: ProblemSuggestion[] = [];
  for (const g of groups) {
    const recent = await runPrecompiled<{ number: string }>(db, `problems.sample-${basis}`, () => sample(db, param("since"), param("key")), { since, key: g.key });
    const [ci] = basis === "ci" ? await runPrecompiled<{ id: string; name: string }>(db, "problems.ci-name", () => db.selectFrom("cis").select(["id", "name"]).where("id", "=", param("id")), { id: g.key }) : [];
    out.push({
      basis,
      ci: ci ? { id: ci.id, name: ci.name } : basis === "ci" ? { id: g.key, name: g.key } : null,
      category: basis === "category" ? g.key : null,
      incidents: Number(g.incidents),
      firstAt: new Date(g.first_at).toISOString(),
      lastAt: new Date(g.last_at).toISOString(),
      numbers: recent.map((r) => r.number),
    });
  }
  return out;
}

/** CIs and categories whose recent incidents suggest a problem, most incidents first. */
export async function listSuggestions(db: Db, actor: Actor): Promise<ProblemSuggestionList> {
  requirePermission(actor, "tickets.read");
  const { threshold, windowHours } = (await ticketSettings(db)).problemSuggestion;
  const since = isoIn(-windowHours * 3600_000);
  const items = [...(await suggestionsBy(db, "ci", since, threshold)), ...(await suggestionsBy(db, "category", since, threshold))];
  // Most incidents first; on a tie the CI, being more specific than a category, comes first.
  items.sort((a, b) => b.incidents - a.incidents || (a.basis === b.basis ? 0 : a.basis === "ci" ? -1 : 1) || b.lastAt.localeCompare(a.lastAt));
  return { items, threshold, windowHours };
}

/**
 * Claims the right to suggest a problem for these CIs and categories now, in one conditional
 * upsert: a key is claimed (returned) for exactly one caller per window, whatever runs
 * concurrently. Keys must be distinct; rows are written in the order given.
 */
async function claimSuggestions(db: DbOrTrx, claims: Array<{ basis: Basis; key: string; incidents: number }>, since: string): Promise<Set<string>> {
  const now = nowIso();
  const rows = await db
    .insertInto("problem_suggestions")
    .values(claims.map(({ basis, key, incidents }) => ({ basis, key, suggested_at: now, incidents })))
    .onConflict((oc) =>
      oc
        .columns(["basis", "key"])
        .doUpdateSet((eb) => ({ suggested_at: eb.ref("excluded.suggested_at"), incidents: eb.ref("excluded.incidents") }))
        .where("problem_suggestions.suggested_at", "<", since),
    )
    .returning(["basis", "key"])
    .execute();
  return new Set(rows.map((r) => `${r.basis}:${r.key}`));
}

/**
 * The CI and category of a new incident: from the event, which carries them since the ticket
 * core writes them there, or else (an event written by an older version) from the ticket.
 */
export async function incidentFacts(db: Db, event: DomainEvent): Promise<{ ciId: string | null; category: string | null } | null> {
  const p = event.payload;
  if ("ciId" in p && "category" in p) return { ciId: (p.ciId as string | null) ?? null, category: (p.category as string | null) ?? null };
  const row = await db.selectFrom("tickets").select(["ci_id", "category"]).where("id", "=", Number(p.id)).executeTakeFirst();
  return row ? { ciId: row.ci_id, category: row.category } : null;
}

/**
 * Handler of `ticket.created`: when a new incident brings its CI or category to the threshold,
 * emits `problem.suggested` (once per window and CI or category). A run of events is handled in
 * one pass: each CI and category of the run's
 * incidents is looked at once (the counts, taken after their commits, are the same for all of
 * its incidents), and those already suggested in the window, the common case at thousands of
 * incidents a day, are found with one query for the whole run.
 */
export async function suggestOnIncidents(db: Db, events: DomainEvent[]): Promise<void> {
  const firstBy: Record<Basis, Map<string, number>> = { ci: new Map(), category: new Map() };
  for (const event of events) {
    if (event.payload.kind !== "incident") continue;
    const incident = await incidentFacts(db, event);
    if (!incident) continue;
    for (const [basis, key] of [["ci", incident.ciId], ["category", incident.category]] as Array<[Basis, string | null]>) {
      if (key && !firstBy[basis].has(key)) firstBy[basis].set(key, Number(event.payload.id));
    }
  }
  if (!firstBy.ci.size && !firstBy.category.size) return;
  const { threshold, windowHours } = (await ticketSettings(db)).problemSuggestion;
  const since = isoIn(-windowHours * 3600_000);
  const recent = await recentlySuggested(db, [...firstBy.ci.keys()], [...firstBy.category.keys()], since);
  const found: Found[] = [];
  for (const basis of ["ci", "category"] as const) {
    for (const [key, id] of firstBy[basis]) {
      if (recent.has(`${basis}:${key}`)) continue;
      const suggestion = await suggestionFor(db, basis, key, threshold, since);
      if (suggestion) found.push({ basis, key, id, suggestion });
    }
  }
  if (found.length) await claimAndEmit(db, found, threshold, windowHours, since);
}

/** A CI or category of a run whose incidents reached the threshold, with the incident that brought it there. */
type Found = { basis: Basis; key: string; id: number; suggestion: ProblemSuggestion };

/** The CIs and categories (as "basis:key") suggested since `since`, among these. */
async function recentlySuggested(db: Db, ciKeys: string[], categoryKeys: string[], since: string): Promise<Set<string>> {
  const { rows } = await sql<{ basis: Basis; key: string; suggested_at: string }>`select basis, "key", suggested_at from problem_suggestions
    where (basis = 'ci' and "key" ${among(db, ciKeys)}) or (basis = 'category' and "key" ${among(db, categoryKeys)})`.execute(db);
  return new Set(rows.filter((r) => new Date(r.suggested_at).toISOString() >= since).map((r) => `${r.basis}:${r.key}`));
}

/** The suggestion for one CI or category not yet suggested in the window, when its incidents reach the threshold. */
async function suggestionFor(db: Db, basis: Basis, key: string, threshold: number, since: string): Promise<ProblemSuggestion | undefined> {
  // Every incident of the CI or category in the window, counted on the index alone, bounds
  // the ones that count (not canceled, not attributed, no open problem): below the threshold
  // the dearer grouped count cannot reach it either.
  const [bound] = await runPrecompiled<{ n: number | string }>(db, `problems.bound-${basis}`, () => ({
    compile: () => sql<{ n: number | string }>`select count(*) as n from (${db
      .selectFrom("tickets as t")
      .select("t.id")
      .where("t.kind", "=", "incident")
      .where(COLUMN[basis], "=", param("key"))
      .where("t.created_at", ">=", param("since"))
      .limit(param("limit") as unknown as number)}) as upto`.compile(db),
  }), { key, since, limit: threshold });
  if (Number(bound?.n ?? 0) < threshold) return undefined;
  // The grouped count of suggestionsBy has the threshold as its HAVING: it decides alone (a
  // separate capped count of the same incidents first cost more than the grouped one).
  const [suggestion] = await suggestionsBy(db, basis, since, threshold, key);
  return suggestion;
}

/**
 * Claims the run's suggestions and emits their events in one transaction, one statement each
 * (one commit per dispatch round instead of one per CI or category: at a few clients, these
 * commits were a fifth of all the server's). The claim is still the conditional upsert that
 * lets exactly one caller per window win each key; keys go in sorted order so that two
 * workers claiming overlapping keys on PostgreSQL lock them in the same order.
 */
async function claimAndEmit(db: Db, found: Found[], threshold: number, windowHours: number, since: string): Promise<void> {
  const byKey = [...found].sort((a, b) => (a.basis !== b.basis ? (a.basis < b.basis ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  await db.transaction().execute(async (trx) => {
    const won = await claimSuggestions(trx, byKey.map((f) => ({ basis: f.basis, key: f.key, incidents: f.suggestion.incidents })), since);
    // Events in the order the run found them (CIs first, each in the order of its first incident).
    const events = found.filter((f) => won.has(`${f.basis}:${f.key}`)).map((f) => outboxRow({ type: "problem.suggested", payload: { ...f.suggestion, threshold, windowHours, incidentId: String(f.id) } }));
    if (events.length) await trx.insertInto("outbox").values(events).execute();
  });
}
