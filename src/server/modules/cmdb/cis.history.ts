/**
 * A CI's history as the API shows it: one entry per changed field. Storage keeps one row per
 * write (ci_changes, `{field: [old, new]}`), so the entries are expanded here. Each write keeps
 * its fields in the order it made them; an entry's id is its write's id times ENTRY_SPACE plus
 * its position, so ids order entries as the old per-field rows did.
 */
import type { CiHistoryEntry, ListCiHistoryQuery } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { loadCi } from "./cis.records.js";

/** Entry ids of one write are its id * ENTRY_SPACE + 0, 1, ...: room for any class's fields. */
export const ENTRY_SPACE = 4096;

/** One stored write, as read back. */
export interface ChangeRow {
  /** A number on SQLite, a bigint string on PostgreSQL. */
  id: unknown;
  ci_id: string;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  source: string;
  changes: string;
}

/** The per-field entries of one write, in the order it made them. */
export function expandChange(row: ChangeRow): CiHistoryEntry[] {
  const doc = JSON.parse(row.changes) as Record<string, [unknown, unknown]>;
  const base = Number(row.id) * ENTRY_SPACE;
  return Object.entries(doc).map(([field, [old, next]], i) => ({
    id: base + i,
    ciId: row.ci_id,
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    source: row.source,
    field,
    old: old ?? null,
    new: next ?? null,
  }));
}

/** Every write to a CI, oldest first. */
export async function changesOf(db: DbOrTrx, ciId: string): Promise<ChangeRow[]> {
  return db.selectFrom("ci_changes").select(["id", "ci_id", "at", "actor_id", "actor_name", "source", "changes"]).where("ci_id", "=", ciId).orderBy("id").execute();
}

/** A CI's changes, one entry per field, newest first by default; still readable after the CI was deleted. */
export async function listCiHistory(db: Db, actor: Actor, id: string, query: ListCiHistoryQuery) {
  requirePermission(actor, "cmdb.read");
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  const newestFirst = (query.sort ?? "-at") === "-at";
  const direction = newestFirst ? "desc" : "asc";
  // The field counts place the page among the writes without reading their documents.
  const counts = await db.selectFrom("ci_changes").select(["id", "field_count"]).where("ci_id", "=", id).orderBy("id", direction).execute();
  let total = 0;
  let skip = 0;
  const wanted: Array<(typeof counts)[number]["id"]> = [];
  for (const c of counts) {
    const n = Number(c.field_count);
    if (total + n > offset && total < offset + limit) {
      if (!wanted.length) skip = offset - total;
      wanted.push(c.id);
    }
    total += n;
  }
  if (total === 0) await loadCi(db, id);
  const rows = wanted.length
    ? await db.selectFrom("ci_changes").select(["id", "ci_id", "at", "actor_id", "actor_name", "source", "changes"]).where("id", "in", wanted).orderBy("id", direction).execute()
    : [];
  const entries = rows.flatMap((r) => (newestFirst ? expandChange(r).reverse() : expandChange(r)));
  return { items: entries.slice(skip, skip + limit), total, limit, offset };
}
