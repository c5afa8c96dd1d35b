/**
 * The relationship half of a bulk batch: the checks `linkCis` makes one query at a time
 * (type, self-link, both CIs exist, link already there) are made for the whole batch with a
 * handful of queries, in the same order per item, and new links are written with multi-row
 * inserts, with one audit entry and one `ci_relationship.created` event for the group
 * (bulk.write.ts recordGroup). If the database refuses the group (a concurrent writer), each item is redone
 * through `linkCis` in its own savepoint.
 */
import { CompiledQuery, type Insertable } from "kysely";
import { isPostgres } from "../../platform/db/dialect.js";
import type { BulkBody, BulkResult, RelationshipType } from "../../../contract/index.js";
import type { CiRelationshipsTable, DbOrTrx } from "../../platform/db/schema.js";
import { nowIso } from "../../platform/time.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { ValidationError } from "../../platform/errors.js";
import { ciNotFound } from "./cis.records.js";
import { linkCis, selfRelationship, unknownRelationshipType } from "./relationships.service.js";
import { allOrNothing, describe, insertRows, isolated, recordGroup, selectIn } from "./bulk.write.js";
import { newId } from "./cmdb.ids.js";
import type { CiBatchOutcome } from "./bulk.cis.js";

type RelItem = NonNullable<BulkBody["relationships"]>[number];
type RelResult = BulkResult["relationships"][number];

const CHUNK = 2000;
const key = (sourceId: string, type: string, targetId: string) => `${sourceId}\u0000${type}\u0000${targetId}`;

/** A relationship end: exactly one of a batch `ref` or an existing CI id. */
function endpoint(end: { ref?: string; id?: string }, byRef: Map<string, string>, field: string): string {
  if (end.id && !end.ref) return end.id;
  if (end.ref && !end.id) {
    const id = byRef.get(end.ref);
    if (!id) throw new ValidationError("cmdb.unknown_ref", `No CI in this batch has ref "${end.ref}" (or it failed)`, { field: `${field}.ref` });
    return id;
  }
  throw new ValidationError("cmdb.bad_endpoint", `${field} needs exactly one of ref or id`, { field });
}

async function existingCis(db: DbOrTrx, ids: string[]): Promise<Set<string>> {
  return new Set((await selectIn<{ id: string }>(db, "select id from cis where id", [], ids)).map((r) => r.id));
}

/** Links already stored among the given (source, type, target) triples, by key -> id. */
async function existingLinks(db: DbOrTrx, triples: Array<[string, string, string]>): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const pg = isPostgres(db);
  for (let i = 0; i < triples.length; i += CHUNK) {
    const chunk = triples.slice(i, i + CHUNK);
    let n = 0;
    const tuple = pg ? () => `($${++n}, $${++n}, $${++n})` : () => "(?, ?, ?)";
    const text = `select id, source_id, type, target_id from ci_relationships where (source_id, type, target_id) in (values ${chunk.map(tuple).join(", ")})`;
    const { rows } = await db.executeQuery<{ id: string; source_id: string; type: string; target_id: string }>(CompiledQuery.raw(text, chunk.flat()));
    for (const r of rows) found.set(key(r.source_id, r.type, r.target_id), r.id);
  }
  return found;
}

/** Links every relationship of a batch, in order; answers per item. */
export async function linkBatch(
  trx: DbOrTrx,
  actor: Actor,
  source: string,
  types: Map<string, RelationshipType>,
  rels: RelItem[],
  cis: CiBatchOutcome,
): Promise<BulkResult["relationships"]> {
  const results: RelResult[] = [];
  // Resolve ends first, so the existence checks below can be asked once for the whole batch.
  const ends = rels.map((rel) => {
    try {
      return { sourceId: endpoint(rel.source, cis.byRef, "source"), targetId: endpoint(rel.target, cis.byRef, "target") };
    } catch (err) {
      return { error: err };
    }
  });
  const batchIds = new Set(cis.byRef.values());
  const asked = [...new Set(ends.flatMap((e) => (e.sourceId ? [e.sourceId, e.targetId] : [])))].filter((id) => !batchIds.has(id));
  const known = await existingCis(trx, asked);
  const exists = (id: string) => batchIds.has(id) || known.has(id);
  // A CI created by this batch has no links yet, so only links between older CIs are looked up.
  const older: Array<[string, string, string]> = [];
  for (const [i, e] of ends.entries()) {
    if (e.sourceId && !cis.created.has(e.sourceId) && !cis.created.has(e.targetId!)) older.push([e.sourceId, rels[i].type, e.targetId!]);
  }
  const stored = await existingLinks(trx, older);

  const made = new Map<string, string>(); // links this batch created, by key
  const pending: Array<{ index: number; row: Insertable<CiRelationshipsTable> }> = [];
  const now = nowIso();
  for (const [index, rel] of rels.entries()) {
    const end = ends[index];
    try {
      if (!end.sourceId) throw end.error;
      const input = { sourceId: end.sourceId, type: rel.type, targetId: end.targetId! };
      if (!types.has(input.type)) throw unknownRelationshipType(input.type);
      if (input.sourceId === input.targetId) throw selfRelationship();
      if (!exists(input.sourceId)) throw ciNotFound(input.sourceId);
      if (!exists(input.targetId)) throw ciNotFound(input.targetId);
      const k = key(input.sourceId, input.type, input.targetId);
      const already = made.get(k) ?? stored.get(k);
      if (already) {
        results[index] = { index, outcome: "unchanged", id: already };
        continue;
      }
      const row = { id: newId(), source_id: input.sourceId, type: input.type, target_id: input.targetId, data_source: source, created_at: now };
      made.set(k, row.id);
      pending.push({ index, row });
      results[index] = { index, outcome: "created", id: row.id };
    } catch (err) {
      results[index] = { index, outcome: "error", error: describe(err) };
    }
  }

  const written = await allOrNothing(trx, async () => {
    await insertRows(trx, "ci_relationships", pending.map((p) => p.row));
    await recordGroup(trx, actor, source, "ci_relationship", pending.map((p) => p.row.id));
  });
  if (!written) {
    // Someone else linked or deleted meanwhile: redo from the first new link on, one by one.
    const first = pending.length ? pending[0].index : rels.length;
    for (let index = first; index < rels.length; index++) {
      const end = ends[index];
      if (!end.sourceId) continue;
      const input = { sourceId: end.sourceId, type: rels[index].type, targetId: end.targetId! };
      const r = await isolated(trx, () => linkCis(trx, actor, source, input));
      results[index] = r.ok ? { index, outcome: r.value.created ? "created" : "unchanged", id: r.value.relationship.id } : { index, outcome: "error", error: r.error };
    }
  }
  return results;
}
