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
import { emit } from "../../platform/outbox.js";
import { isoIn, nowIso } from "../../platform/time.js";
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
  let q = counted(db, basis, since);
  if (key !== undefined) q = q.where(col, "=", key);
  const groups = await q
    .select([
      sql<string>`${sql.ref(col)}`.as("key"),
      sql<number | string>`count(*)`.as("incidents"),
      sql<string>`min(t.created_at)`.as("first_at"),
      sql<string>`max(t.created_at)`.as("last_at"),
    ])
    .groupBy(col)
    .having(sql`count(*)`, ">=", threshold)
    .execute();
  const out: ProblemSuggestion[] = [];
  for (const g of groups) {
    const recent = await counted(db, basis, since).where(col, "=", g.key).select("t.number").orderBy("t.created_at", "desc").orderBy("t.id", "desc").limit(SAMPLE).execute();
    const ci = basis === "ci" ? await db.selectFrom("cis").select(["id", "name"]).where("id", "=", g.key).executeTakeFirst() : undefined;
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
 * Claims the right to suggest a problem for this CI or category now: true for exactly one
 * caller per window, whatever runs concurrently (one conditional upsert).
 */
async function claimSuggestion(db: DbOrTrx, basis: Basis, key: string, incidents: number, since: string): Promise<boolean> {
  const now = nowIso();
  const row = await db
    .insertInto("problem_suggestions")
    .values({ basis, key, suggested_at: now, incidents })
    .onConflict((oc) =>
      oc
        .columns(["basis", "key"])
        .doUpdateSet({ suggested_at: now, incidents })
        .where("problem_suggestions.suggested_at", "<", since),
    )
    .returning("basis")
    .executeTakeFirst();
  return row !== undefined;
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
 * emits `problem.suggested` (once per window and CI or category).
 */
export async function suggestOnIncident(db: Db, event: DomainEvent): Promise<void> {
  if (event.payload.kind !== "incident") return;
  const id = Number(event.payload.id);
  const incident = await incidentFacts(db, event);
  if (!incident) return;
  const { threshold, windowHours } = (await ticketSettings(db)).problemSuggestion;
  const since = isoIn(-windowHours * 3600_000);
  const keys: Array<[Basis, string | null]> = [["ci", incident.ciId], ["category", incident.category]];
  for (const [basis, key] of keys) {
    if (!key) continue;
    // At thousands of incidents a day this runs for each of them: it must stay cheap. Already
    // suggested in this window: nothing to do (one key lookup). Otherwise count only up to the
    // threshold before gathering the suggestion's details.
    // Both queries run for every new incident: compiled once (building them cost more than running them).
    const [recent] = await runPrecompiled<{ suggested_at: string }>(db, "problems.suggested-at", () =>
      db.selectFrom("problem_suggestions").select("suggested_at").where("basis", "=", param("basis") as Basis).where("key", "=", param("key")), { basis, key });
    if (recent && new Date(recent.suggested_at).toISOString() >= since) continue;
    // Every incident of the CI or category in the window, counted on the index alone, bounds
    // the ones that count (not canceled, not attributed, no open problem): below the threshold
    // the dearer count cannot reach it either.
    const [bound] = await runPrecompiled<{ n: number | string }>(db, `problems.bound-${basis}`, () => ({
      compile: () => sql<{ n: number | string }>`select count(*) as n from (${db
        .selectFrom("tickets as t")
        .select("t.id")
        .where("t.kind", "=", "incident")
        .where(COLUMN[basis], "=", param("key"))
        .where("t.created_at", ">=", param("since"))
        .limit(param("limit") as unknown as number)}) as upto`.compile(db),
    }), { key, since, limit: threshold });
    if (Number(bound?.n ?? 0) < threshold) continue;
    const enough = await sql<{ n: number | string }>`select count(*) as n from (${counted(db, basis, since).where(COLUMN[basis], "=", key).select("t.id").limit(threshold)}) as upto`.execute(db);
    if (Number(enough.rows[0]?.n ?? 0) < threshold) continue;
    const [suggestion] = await suggestionsBy(db, basis, since, threshold, key);
    if (!suggestion) continue;
    await db.transaction().execute(async (trx) => {
      if (!(await claimSuggestion(trx, basis, key, suggestion.incidents, since))) return;
      await emit(trx, { type: "problem.suggested", payload: { ...suggestion, threshold, windowHours, incidentId: String(id) } });
    });
  }
}
