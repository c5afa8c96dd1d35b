/**
 * A CI's history as the API shows it: one entry per changed field. Storage keeps one row per
 * write (ci_changes, `{field: [old, new]}`), so the entries are expanded here. Each write keeps
 * its fields in the order it made them; an entry's id is its write's id times ENTRY_SPACE plus
 * its position, so ids order entries as the old per-field rows did.
 *
 * A creation's row holds no values (`{"+": {group ids}}`, see creationChange in cis.records.ts):
 * its entries are rebuilt here. Going back from the CI as it is now (or from the CI its
 * deletion row kept), each later write's old values undo it, which leaves the CI as it was
 * created. The entries come in a fixed order: the scalar fields, the attributes, then the
 * identifiers in their declared order. Rows written before this form keep their full document.
 */
import type { CiHistoryEntry, ListCiHistoryQuery } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { CREATED_MARK, findCi, flattenCi, GROUP_FIELDS, loadCi, SCALARS, type FlatFields } from "./cis.records.js";
import { IDENTIFIERS } from "./cmdb.identifiers.js";

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

type ChangeDoc = Record<string, [unknown, unknown]>;

const isCompactCreation = (row: ChangeRow) => row.changes.startsWith(`{"${CREATED_MARK}":`);

/** The full document of a compact creation: every field of the CI as created, as [null, value]. */
function creationDoc(created: FlatFields, groups: Record<string, unknown>): ChangeDoc {
  const doc: ChangeDoc = {};
  const add = (field: string, value: unknown) => {
    if (value !== null && value !== undefined) doc[field] = [null, value];
  };
  for (const f of SCALARS) add(f, (GROUP_FIELDS as readonly string[]).includes(f) ? groups[f] : created[f]);
  for (const field in created) if (field.startsWith("attributes.")) add(field, created[field]);
  for (const key of Object.keys(IDENTIFIERS)) add(`identifiers.${key}`, created[`identifiers.${key}`]);
  return doc;
}

/**
 * The documents of the compact creation rows among `rows` (all of one CI), by row id. `all` is
 * every write to the CI, oldest first, when the caller has read them already.
 */
export async function creationDocs(db: DbOrTrx, ciId: string, rows: ChangeRow[], all?: ChangeRow[]): Promise<Map<string, ChangeDoc>> {
  const docs = new Map<string, ChangeDoc>();
  if (!rows.some(isCompactCreation)) return docs;
  const writes = all ?? (await changesOf(db, ciId));
  const current = await findCi(db, ciId);
  let state: FlatFields | null = current ? flattenCi(current) : null;
  for (let i = writes.length - 1; i >= 0; i--) {
    const row = writes[i];
    const doc = JSON.parse(row.changes) as Record<string, unknown>;
    if (isCompactCreation(row)) {
      docs.set(String(row.id), creationDoc(state ?? {}, (doc[CREATED_MARK] ?? {}) as Record<string, unknown>));
      state = null;
    } else if ("*" in doc) {
      // A deletion keeps the whole CI as it was.
      const before = (doc["*"] as [Parameters<typeof flattenCi>[0] | null, unknown])[0];
      state = before ? flattenCi(before) : null;
    } else if (state) {
      for (const [field, [old]] of Object.entries(doc as ChangeDoc)) {
        if (old === null || old === undefined) delete state[field];
        else state[field] = old;
      }
    }
  }
  return docs;
}

/** The per-field entries of one write, in the order it made them; `docs` from creationDocs. */
export function expandChange(row: ChangeRow, docs?: Map<string, ChangeDoc>): CiHistoryEntry[] {
  // A compact creation without its document (not asked of creationDocs) lists nothing rather than a "+" field.
  const doc = docs?.get(String(row.id)) ?? (isCompactCreation(row) ? {} : (JSON.parse(row.changes) as ChangeDoc));
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
  const docs = await creationDocs(db, id, rows);
  const entries = rows.flatMap((r) => (newestFirst ? expandChange(r, docs).reverse() : expandChange(r, docs)));
  return { items: entries.slice(skip, skip + limit), total, limit, offset };
}
