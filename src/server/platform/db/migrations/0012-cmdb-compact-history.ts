/**
 * A CI costs a handful of rows instead of about thirty. Until now every write stored one
 * ci_history row per changed field and one ci_attribute_sources row per field it set, so a
 * bulk-loaded CI of 13 fields wrote 27 such rows. Now:
 * - ci_changes: one row per write holding all its field changes as JSON `{field: [old, new]}`
 *   (the history API expands it, per field, at read time);
 * - cis.sources: which source set each field and when it was last confirmed, as JSON beside
 *   the CI: `{"*": [source, at]}` for every field without an entry of its own, plus
 *   `{field: [source, at]}` entries.
 * The old rows are carried over: the per-field history rows of one write (same CI, moment,
 * actor and source) become one change, in their order; each CI's field sources become
 * explicit entries. Then the old tables go.
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";
import { autoIdType, isPostgres, jsonType, timestampType } from "../dialect.js";

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable("ci_changes")
    .addColumn("id", autoIdType(db), (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    // No foreign key: a deleted CI's history stays readable.
    .addColumn("ci_id", "text", (c) => c.notNull())
    .addColumn("at", timestampType(db) as "text", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("actor_name", "text")
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("changes", jsonType(db), (c) => c.notNull())
    .addColumn("field_count", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("ci_changes_ci_idx").on("ci_changes").columns(["ci_id", "id"]).execute();

  // Old values are JSON text or NULL; both dialects keep the order the aggregate is given.
  if (pg) {
    await sql`
      insert into ci_changes (ci_id, at, actor_id, actor_name, source, changes, field_count)
      select ci_id, at, actor_id, actor_name, source,
             json_object_agg(field, json_build_array(old_value::json, new_value::json) order by id)::text, count(*)
      from ci_history
      group by ci_id, at, actor_id, actor_name, source
      order by min(id)`.execute(db);
  } else {
    await sql`
      insert into ci_changes (ci_id, at, actor_id, actor_name, source, changes, field_count)
      select ci_id, at, actor_id, actor_name, source,
             json_group_object(field, json_array(json(old_value), json(new_value)) order by id), count(*)
      from ci_history
      group by ci_id, at, actor_id, actor_name, source
      order by min(id)`.execute(db);
  }
  await db.schema.dropTable("ci_history").execute();

  await db.schema.alterTable("cis").addColumn("sources", jsonType(db), (c) => c.notNull().defaultTo("{}")).execute();
  if (pg) {
    await sql`
      update cis set sources = s.doc
      from (select ci_id,
                   json_object_agg(field, json_build_array(source, to_char(confirmed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) order by field)::text as doc
            from ci_attribute_sources group by ci_id) as s
      where s.ci_id = cis.id`.execute(db);
  } else {
    await sql`
      update cis set sources = (select json_group_object(field, json_array(source, confirmed_at) order by field) from ci_attribute_sources s where s.ci_id = cis.id)
      where id in (select ci_id from ci_attribute_sources)`.execute(db);
  }
  await db.schema.dropTable("ci_attribute_sources").execute();
}
