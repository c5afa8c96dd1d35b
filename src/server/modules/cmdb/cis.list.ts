/** The CI list: filters (class includes subclasses), search, sort and pagination. */
import { sql, type Expression, type ExpressionBuilder } from "kysely";
import type { ListCisQuery } from "../../../contract/index.js";
import type { Database, Db } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { paginate, sortSpec } from "../../platform/list.js";
import { loadCatalog, requireClass } from "./classes.service.js";
import { IDENTIFIER_KINDS } from "./cmdb.identifiers.js";
import { hydrateCis } from "./cis.records.js";
import { shouldWalkNames, type ListFilter } from "./cis.list.plan.js";
import { trigramTail } from "./cmdb.trigrams.js";

const SORTS = { name: "name", class: "class", createdAt: "created_at", updatedAt: "updated_at" };

/**
 * What a list sort orders by: names ignoring case, as the one name-ordered CI index keeps them
 * (0022: `(lower(name), id)`, which identification by name uses too).
 */
export function sortKey(column: string): Expression<unknown> {
  return column === "name" ? sql`lower(c.name)` : sql.ref(`c.${column}`);
}

/** Search text this long or longer is looked up in the trigram index of CI names (0013); shorter text has no trigram. */
export const TRIGRAM_MIN_CHARS = 3;

type Eb = ExpressionBuilder<Database & { c: Database["cis"] }, "c">;

/**
 * `name contains text`, ignoring case as the database's lower() does (ASCII letters on SQLite,
 * all on PostgreSQL). Both sides go through lower() in SQL: lower-casing the text in
 * JavaScript instead would fold letters that SQLite leaves alone in the name ("Ärg" would
 * never find "Ärger").
 */
function nameContains(column: string, text: string) {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like lower(${pattern}) escape '\\'`;
}

/** CIs with an identifier equal to the text (naming every kind lets the (kind, value) index answer). */
function identifierMatches(eb: Eb, text: string) {
  return eb.selectFrom("ci_identifiers").select("ci_id as id").where("kind", "in", IDENTIFIER_KINDS).where("value", "in", [...new Set([text.toLowerCase(), text])]);
}

/**
 * Past this many names holding the text, the list walks its sort index instead (as for short
 * text): matches are then dense enough to fill a page and the capped total early, while
 * sorting every candidate would cost more. 5,000 candidates cost a few milliseconds.
 */
export const TRIGRAM_CANDIDATES = 5000;

/**
 * How `q` is looked up: `scan` tests every row of the other filters; otherwise the CIs whose
 * names hold the text come from the trigram index of CI names (0013). On SQLite, `rowids` are
 * those FTS5 gives for the text's trigrams; PostgreSQL's planner reads the pg_trgm index for
 * `lower(name) like` by itself.
 */
type Search = { text: string; scan: boolean; rowids?: number[] };

/** PostgreSQL's estimate of the CIs whose names hold the text: pg_trgm's statistics make it close, and planning costs well under a millisecond. */
async function pgEstimate(db: Db, text: string): Promise<number> {
  const { rows } = await sql<{ "QUERY PLAN": Array<{ Plan: { "Plan Rows": number } }> }>`explain (format json) select 1 from cis where ${nameContains("name", text)}`.execute(db);
  return rows[0]?.["QUERY PLAN"][0]?.Plan["Plan Rows"] ?? Infinity;
}

/**
 * Past this many CIs not yet in the trigram index (the tail a bulk load leaves, cmdb.trigrams.ts),
 * a search scans as for short text rather than reading the tail row by row: a few milliseconds
 * of the tail's range scan at most, and the index takes the tail in seconds once the load ends.
 */
export const TAIL_SCAN_MAX = 20_000;

async function planSearch(db: Db, text: string, tailScanMax = TAIL_SCAN_MAX): Promise<Search> {
  if ([...text].length < TRIGRAM_MIN_CHARS) return { text, scan: true };
  if (isPostgres(db)) return { text, scan: (await pgEstimate(db, text)) > TRIGRAM_CANDIDATES };
  const tail = await trigramTail(db);
  if (tail.size > tailScanMax) return { text, scan: true };
  // FTS5 reads its postings lazily: a common fragment costs no more than the first few thousand.
  const phrase = `"${text.replace(/"/g, '""')}"`;
  const { rows } = await sql<{ rowid: number }>`select rowid from cis_name_trigrams where cis_name_trigrams match ${phrase} limit ${TRIGRAM_CANDIDATES + 1}`.execute(db);
  // The CIs past the index's mark, by the table's rowid order: only the tail is read.
  const left = TRIGRAM_CANDIDATES + 1 - rows.length;
  if (tail.size && left > 0) rows.push(...(await sql<{ rowid: number }>`select rowid from cis where rowid > ${tail.upto} and ${nameContains("name", text)} limit ${left}`.execute(db)).rows);
  return rows.length > TRIGRAM_CANDIDATES ? { text, scan: true } : { text, scan: false, rowids: rows.map((r) => r.rowid) };
}

/**
 * The `q` condition: name contains the text, or an identifier equals it. Unless scanning, the
 * two are one list of ids (a union: each side reads its own index, where an `or` would scan
 * every CI of the other filters). The trigram index folds case more widely than SQLite's
 * lower() does, so each of its candidates is checked with the same condition as the scan:
 * the answer is exactly the one a scan would give.
 */
function searchCondition(eb: Eb, { text, scan, rowids }: Search) {
  if (scan) return eb.or([nameContains("c.name", text), eb("c.id", "in", identifierMatches(eb, text))]);
  let byName = eb.selectFrom("cis as n").select("n.id").where(nameContains("n.name", text));
  if (rowids) byName = byName.where(sql<boolean>`n.rowid in (select value from json_each(${JSON.stringify(rowids)}))`);
  return eb("c.id", "in", byName.union(identifierMatches(eb, text)));
}

/** Lists CIs with filters (class includes subclasses), search, sort and pagination; the total is capped (TOTAL_CAP). */
export async function listCis(db: Db, actor: Actor, query: ListCisQuery, options: { tailScanMax?: number } = {}) {
  requirePermission(actor, "cmdb.read");
  const filters: ListFilter[] = [];
  if (query.class) {
    const catalog = await loadCatalog(db);
    requireClass(catalog, query.class);
    filters.push({ column: "class", values: catalog.descendants(query.class) });
  }
  if (query.lifecycleStatus) filters.push({ column: "lifecycle_status", values: [query.lifecycleStatus] });
  if (query.operationalStatus) filters.push({ column: "operational_status", values: [query.operationalStatus] });
  if (query.environment) filters.push({ column: "environment", values: [query.environment] });
  if (query.supportGroupId) filters.push({ column: "support_group_id", values: [query.supportGroupId] });
  if (query.ownerGroupId) filters.push({ column: "owner_group_id", values: [query.ownerGroupId] });
  const text = query.q?.trim();
  const search = text ? await planSearch(db, text, options.tailScanMax) : null;
  const { column, direction } = sortSpec(query.sort, SORTS, "name");
  // A search through the trigram index reads a few candidates: nothing to walk (see cis.list.plan.ts).
  const walk = column === "name" && (!search || search.scan) && (await shouldWalkNames(db, filters, (query.offset ?? 0) + (query.limit ?? 50)));
  const filtered = (hinted: boolean) => {
    let q = db.selectFrom("cis as c").selectAll("c");
    for (const f of filters) q = q.where(hinted ? sql`+${sql.ref(`c.${f.column}`)}` : sql.ref(`c.${f.column}`), "in", f.values);
    if (search) q = q.where((eb) => searchCondition(eb, search));
    return q;
  };
  // Counting stops at TOTAL_CAP: through the filters' own indexes it reads only the CIs counted.
  const page = await paginate(filtered(walk), query, { column: sortKey(column), direction }, "c.id", (row) => row, { count: filtered(false), db });
  return { ...page, items: await hydrateCis(db, page.items) };
}
