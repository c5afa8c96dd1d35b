/**
 * Fewer indexes that a new CI lands on at random: one name-ordered index on CIs instead of four,
 * one identifier index instead of two. CI names arrive in no order, so every
 * name-ordered index puts each new CI on a random page: at a million CIs a bulk batch of a
 * thousand CIs rewrote about a thousand pages of each of (class, name, id), (name, id),
 * lower(name) and (environment, name), and wrote them again at checkpoint. Now:
 * - (lower(name), id) serves the list sorted by name, which now sorts ignoring case, and
 *   identification by name (`lower(name) = ...`), which lower(name) served. It also holds the
 *   class, statuses and environment that lists filter on, so a list walking it reads only the
 *   rows of the CIs that pass (page 100 of VMs in service at 200,000 CIs: 17.5 -> 2.5 ms);
 * - the class and environment indexes hold the value alone, so new CIs append at the end of
 *   their value's range (as 0021 did for the statuses). A list filtered on a common class or
 *   environment and sorted by name walks the name index and keeps the CIs that pass; one on a
 *   rare value reads that value's CIs and sorts them (modules/cmdb/cis.list.plan.ts);
 * - identifiers have one index by value instead of two: (kind, value) found a CI by any
 *   identifier and a partial unique (kind, value) kept serial numbers, FQDNs and cloud ids to
 *   one CI each, so each of those landed on two random pages. A unique index on (kind, value,
 *   owner) does both, where owner is '' for those three kinds (so a second CI cannot take the
 *   same value) and the CI's id for the others (which legitimately repeat).
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";

const DROPPED = ["cis_class_name_idx", "cis_name_idx", "cis_lower_name_idx", "cis_environment_idx", "ci_identifiers_lookup_idx", "ci_identifiers_unique_idx"];
const UNIQUE_KINDS = sql`('serial_number', 'fqdn', 'cloud_id')`;

export async function up(db: Kysely<any>): Promise<void> {
  for (const index of DROPPED) await db.schema.dropIndex(index).execute();
  await sql`create index cis_name_idx on cis (lower(name), id, class, lifecycle_status, operational_status, environment)`.execute(db);
  await db.schema.createIndex("cis_class_idx").on("cis").column("class").execute();
  await db.schema.createIndex("cis_environment_idx").on("cis").column("environment").execute();
  await sql`create unique index ci_identifiers_value_idx on ci_identifiers (kind, value, (case when kind in ${UNIQUE_KINDS} then '' else ci_id end))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ["cis_name_idx", "cis_class_idx", "cis_environment_idx", "ci_identifiers_value_idx"]) await db.schema.dropIndex(index).execute();
  await db.schema.createIndex("ci_identifiers_lookup_idx").on("ci_identifiers").columns(["kind", "value"]).execute();
  await db.schema.createIndex("ci_identifiers_unique_idx").on("ci_identifiers").columns(["kind", "value"]).unique().where(sql<boolean>`kind in ${UNIQUE_KINDS}`).execute();
  await db.schema.createIndex("cis_class_name_idx").on("cis").columns(["class", "name", "id"]).execute();
  await db.schema.createIndex("cis_name_idx").on("cis").columns(["name", "id"]).execute();
  await db.schema.createIndex("cis_lower_name_idx").on("cis").expression(sql`lower(name)`).execute();
  await db.schema.createIndex("cis_environment_idx").on("cis").columns(["environment", "name"]).execute();
}
