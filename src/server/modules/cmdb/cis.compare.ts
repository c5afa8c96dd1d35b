/**
 * A CI at two points in time. Every write records each field it changed (creation all of
 * them, deletion one `*` entry), so replaying the history up to a moment rebuilds the CI as it
 * was then, whether or not it still exists.
 */
import type { CiComparison } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { NotFoundError, ValidationError } from "../../platform/errors.js";
import { changesOf, creationDocs, expandChange } from "./cis.history.js";

type Snapshot = CiComparison["from"];

/** Replays history entries (oldest first) up to and including `at`. */
function replay(entries: Array<{ at: string; field: string; new: unknown }>, at: string): Snapshot {
  let fields: Record<string, unknown> = {};
  let exists = false;
  for (const e of entries) {
    if (e.at > at) break;
    if (e.field === "*") {
      fields = {};
      exists = false;
      continue;
    }
    exists = true;
    const value = e.new;
    if (value === null) delete fields[e.field];
    else fields[e.field] = value;
  }
  return { at, exists, fields };
}

/** Compares a CI's recorded state at `from` and at `to` (default now). */
export async function compareCi(db: Db, actor: Actor, id: string, fromIso: string, toIso?: string): Promise<CiComparison> {
  requirePermission(actor, "cmdb.read");
  const from = new Date(fromIso).toISOString();
  const to = new Date(toIso ?? Date.now()).toISOString();
  if (from > to) throw new ValidationError("cmdb.compare_order", "from must not be later than to", { field: "from" });
  const rows = await changesOf(db, id);
  const docs = await creationDocs(db, id, rows, rows);
  const entries = rows.flatMap((r) => expandChange(r, docs));
  if (!entries.length) throw new NotFoundError("ci.not_found", `No configuration item ${id}`, { id });
  const a = replay(entries, from);
  const b = replay(entries, to);
  const changes: CiComparison["changes"] = [];
  for (const field of [...new Set([...Object.keys(a.fields), ...Object.keys(b.fields)])].sort()) {
    const before = a.fields[field] ?? null;
    const after = b.fields[field] ?? null;
    if (JSON.stringify(before) !== JSON.stringify(after)) changes.push({ field, from: before, to: after });
  }
  return { ciId: id, from: a, to: b, changes };
}
