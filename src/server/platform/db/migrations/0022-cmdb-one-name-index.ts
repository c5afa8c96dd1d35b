/**
 * One name-ordered index on CIs instead of four. CI names arrive in no order, so every
 * name-ordered index puts each new CI on a random page: at a million CIs a bulk batch of a
 * thousand CIs rewrote about a thousand pages of each of (class, name, id), (name, id),
 * lower(name) and (environment, name), and wrote them again at checkpoint. Now:
 * - (lower(name), id) serves the list sorted by name, which now sorts ignoring case, and
 *   identification by name (`lower(name) = ...`), which lower(name) served;
 * - the class and environment indexes hold the value alone, so new CIs append at the end of
 *   their value's range (as 0021 did for the statuses). A list filtered on a common class or
 *   environment and sorted by name walks the name index and keeps the CIs that pass; one on a
 *   rare value reads that value's CIs and sorts them (modules/cmdb/cis.list.plan.ts).
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";

const DROPPED = ["cis_class_name_idx", "cis_name_idx", "cis_lower_name_idx", "cis_environment_idx"];

export async function up(db: Kysely<any>): Promise<void> {
  for (const index of DROPPED) await db.schema.dropIndex(index).execute();
  await sql`create index cis_name_idx on cis (lower(name), id)`.execute(db);
  await db.schema.createIndex("cis_class_idx").on("cis").column("class").execute();
  await db.schema.createIndex("cis_environment_idx").on("cis").column("environment").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ["cis_name_idx", "cis_class_idx", "cis_environment_idx"]) await db.schema.dropIndex(index).execute();
  await db.schema.createIndex("cis_class_name_idx").on("cis").columns(["class", "name", "id"]).execute();
  await db.schema.createIndex("cis_name_idx").on("cis").columns(["name", "id"]).execute();
  await db.schema.createIndex("cis_lower_name_idx").on("cis").expression(sql`lower(name)`).execute();
  await db.schema.createIndex("cis_environment_idx").on("cis").columns(["environment", "name"]).execute();
}
