/**
 * One name index on CIs instead of two, and names in the other name-ordered indexes compared
 * the same way. CI names arrive in no order, so every name-ordered index puts each new CI on a
 * random page: at a million CIs a bulk batch of a thousand CIs rewrote about a thousand pages
 * of each of (class, name, id), (name, id), lower(name) and (environment, name), and wrote
 * them again at checkpoint. (name, id) served the list sorted by name and lower(name) served
 * identification by name (`lower(name) = ...`); now the list sorts names ignoring case, and
 * (lower(name), id) serves both. The class and environment indexes follow the list's order:
 * (class, lower(name), id) and (environment, lower(name), id).
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";

const DROPPED = ["cis_class_name_idx", "cis_name_idx", "cis_lower_name_idx", "cis_environment_idx"];

export async function up(db: Kysely<any>): Promise<void> {
  for (const index of DROPPED) await db.schema.dropIndex(index).execute();
  await sql`create index cis_name_idx on cis (lower(name), id)`.execute(db);
  await sql`create index cis_class_name_idx on cis (class, lower(name), id)`.execute(db);
  await sql`create index cis_environment_idx on cis (environment, lower(name), id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ["cis_name_idx", "cis_class_name_idx", "cis_environment_idx"]) await db.schema.dropIndex(index).execute();
  await db.schema.createIndex("cis_class_name_idx").on("cis").columns(["class", "name", "id"]).execute();
  await db.schema.createIndex("cis_name_idx").on("cis").columns(["name", "id"]).execute();
  await db.schema.createIndex("cis_lower_name_idx").on("cis").expression(sql`lower(name)`).execute();
  await db.schema.createIndex("cis_environment_idx").on("cis").columns(["environment", "name"]).execute();
}
