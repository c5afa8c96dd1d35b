/**
 * CMDB tables: CI classes, configuration items, their identifiers, relationship types,
 * relationships, per-field sources and history. The default classes and relationship types
 * are data, seeded idempotently at start by the cmdb module, not here.
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";
import { autoIdType, booleanType, boolLiteral, isPostgres, jsonType, timestampType } from "../dialect.js";

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db) as "text";
  const json = jsonType(db);
  const autoId = (col: any) => (isPostgres(db) ? col.primaryKey() : col.primaryKey().autoIncrement());

  await db.schema
    .createTable("ci_classes")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("parent", "text", (c) => c.references("ci_classes.name"))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    // The class's own attribute definitions (inherited ones are resolved by the service).
    .addColumn("attributes", json, (c) => c.notNull().defaultTo("[]"))
    // Ordered identification rules (arrays of identifier kinds); null inherits the parent's.
    .addColumn("identification", json)
    .addColumn("builtin", booleanType(db), (c) => c.notNull().defaultTo(boolLiteral(db, false)))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("ci_classes_parent_idx").on("ci_classes").column("parent").execute();

  await db.schema
    .createTable("cis")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("class", "text", (c) => c.notNull().references("ci_classes.name"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("attributes", json, (c) => c.notNull().defaultTo("{}"))
    .addColumn("lifecycle_status", "text", (c) => c.notNull())
    .addColumn("operational_status", "text", (c) => c.notNull())
    .addColumn("environment", "text")
    .addColumn("criticality", "text")
    .addColumn("owner_group_id", "text", (c) => c.references("groups.id").onDelete("set null"))
    .addColumn("support_group_id", "text", (c) => c.references("groups.id").onDelete("set null"))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("cis_class_name_idx").on("cis").columns(["class", "name", "id"]).execute();
  await db.schema.createIndex("cis_name_idx").on("cis").columns(["name", "id"]).execute();
  await db.schema.createIndex("cis_lower_name_idx").on("cis").expression(sql`lower(name)`).execute();
  await db.schema.createIndex("cis_created_idx").on("cis").columns(["created_at", "id"]).execute();
  await db.schema.createIndex("cis_updated_idx").on("cis").columns(["updated_at", "id"]).execute();
  await db.schema.createIndex("cis_environment_idx").on("cis").columns(["environment", "name"]).execute();
  await db.schema.createIndex("cis_lifecycle_idx").on("cis").columns(["lifecycle_status", "name"]).execute();
  await db.schema.createIndex("cis_operational_idx").on("cis").columns(["operational_status", "name"]).execute();
  await db.schema.createIndex("cis_support_group_idx").on("cis").column("support_group_id").execute();
  await db.schema.createIndex("cis_owner_group_idx").on("cis").column("owner_group_id").execute();

  await db.schema
    .createTable("ci_identifiers")
    .addColumn("ci_id", "text", (c) => c.notNull().references("cis.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("ci_identifiers_pk", ["ci_id", "kind", "value"])
    .execute();
  await db.schema.createIndex("ci_identifiers_lookup_idx").on("ci_identifiers").columns(["kind", "value"]).execute();
  // Serial numbers, FQDNs and cloud ids name exactly one CI; hostnames, addresses and the
  // like legitimately repeat (NAT, VIPs, short names in two sites) and are matched in rules.
  await db.schema
    .createIndex("ci_identifiers_unique_idx")
    .on("ci_identifiers")
    .columns(["kind", "value"])
    .unique()
    .where(sql<boolean>`kind in ('serial_number', 'fqdn', 'cloud_id')`)
    .execute();

  await db.schema
    .createTable("ci_relationship_types")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("reverse_label", "text", (c) => c.notNull())
    .addColumn("impact", "text", (c) => c.notNull())
    .addColumn("builtin", booleanType(db), (c) => c.notNull().defaultTo(boolLiteral(db, false)))
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("ci_relationships")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("source_id", "text", (c) => c.notNull().references("cis.id").onDelete("cascade"))
    .addColumn("type", "text", (c) => c.notNull().references("ci_relationship_types.name"))
    .addColumn("target_id", "text", (c) => c.notNull().references("cis.id").onDelete("cascade"))
    .addColumn("data_source", "text", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("ci_relationships_unique_idx").on("ci_relationships").columns(["source_id", "type", "target_id"]).unique().execute();
  await db.schema.createIndex("ci_relationships_target_idx").on("ci_relationships").columns(["target_id", "type", "source_id"]).execute();

  await db.schema
    .createTable("ci_attribute_sources")
    .addColumn("ci_id", "text", (c) => c.notNull().references("cis.id").onDelete("cascade"))
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("confirmed_at", ts, (c) => c.notNull())
    .addPrimaryKeyConstraint("ci_attribute_sources_pk", ["ci_id", "field"])
    .execute();

  // No foreign key: a deleted CI's history stays readable.
  await db.schema
    .createTable("ci_history")
    .addColumn("id", autoIdType(db), autoId)
    .addColumn("ci_id", "text", (c) => c.notNull())
    .addColumn("at", ts, (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("actor_name", "text")
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("old_value", json)
    .addColumn("new_value", json)
    .execute();
  await db.schema.createIndex("ci_history_ci_idx").on("ci_history").columns(["ci_id", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["ci_history", "ci_attribute_sources", "ci_relationships", "ci_relationship_types", "ci_identifiers", "cis", "ci_classes"]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
