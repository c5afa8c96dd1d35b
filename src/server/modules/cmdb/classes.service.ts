/** CI classes: the hierarchy, inherited attributes, identification rules and attribute validation. */
import type { Selectable } from "kysely";
import type { CiAttributeDef, CiClass, CreateCiClassBody, IdentifierKind } from "../../../contract/index.js";
import type { CiClassesTable, Db, DbOrTrx } from "../../platform/db/schema.js";
import { toBool } from "../../platform/db/dialect.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { ConflictError, isUniqueViolation, NotFoundError, ValidationError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { DEFAULT_CLASSES, DEFAULT_RELATIONSHIP_TYPES, DEFAULT_SOURCE_PRECEDENCE, PRECEDENCE_SETTING } from "./cmdb.classes.js";

/** All classes, indexed, with inheritance resolved on demand. Loaded per request: it is small. */
export class ClassCatalog {
  readonly #rows = new Map<string, Selectable<CiClassesTable>>();
  // Resolved once per class: a bulk batch asks for the same few classes thousands of times.
  readonly #attributes = new Map<string, Array<CiAttributeDef & { inheritedFrom: string | null }>>();
  readonly #attributeDefs = new Map<string, Map<string, CiAttributeDef>>();
  readonly #rules = new Map<string, IdentifierKind[][]>();

  constructor(rows: Selectable<CiClassesTable>[]) {
    for (const r of rows) this.#rows.set(r.name, r);
  }

  has(name: string): boolean {
    return this.#rows.has(name);
  }

  /** Ancestors from the root down to the class itself. */
  path(name: string): string[] {
    const out: string[] = [];
    for (let c = this.#rows.get(name); c; c = c.parent ? this.#rows.get(c.parent) : undefined) out.unshift(c.name);
    return out;
  }

  /** The class and every class below it. */
  descendants(name: string): string[] {
    const out = [name];
    for (let i = 0; i < out.length; i++) for (const r of this.#rows.values()) if (r.parent === out[i]) out.push(r.name);
    return out;
  }

  /** Own and inherited attributes, root first. */
  attributes(name: string): Array<CiAttributeDef & { inheritedFrom: string | null }> {
    let out = this.#attributes.get(name);
    if (!out) {
      out = this.path(name).flatMap((cls) =>
        (JSON.parse(this.#rows.get(cls)!.attributes) as CiAttributeDef[]).map((a) => ({ ...a, required: a.required ?? false, inheritedFrom: cls === name ? null : cls })),
      );
      this.#attributes.set(name, out);
    }
    return out.map((a) => ({ ...a }));
  }

  /** Own and inherited attributes by name, shared and read-only (for validation on hot paths). */
  attributeDefs(name: string): ReadonlyMap<string, Readonly<CiAttributeDef>> {
    let out = this.#attributeDefs.get(name);
    if (!out) {
      out = new Map(this.attributes(name).map((a) => [a.name, a]));
      this.#attributeDefs.set(name, out);
    }
    return out;
  }

  /** The nearest declared identification rules. */
  rules(name: string): IdentifierKind[][] {
    let out = this.#rules.get(name);
    if (!out) {
      out = [];
      for (const cls of this.path(name).reverse()) {
        const own = this.#rows.get(cls)!.identification;
        if (own) {
          out = JSON.parse(own) as IdentifierKind[][];
          break;
        }
      }
      this.#rules.set(name, out);
    }
    return out.map((rule) => [...rule]);
  }

  /** The public shape of a class. */
  toClass(name: string): CiClass {
    const row = this.#rows.get(name)!;
    return {
      name: row.name,
      label: row.label,
      parent: row.parent,
      description: row.description,
      builtin: toBool(row.builtin),
      attributes: JSON.parse(row.attributes),
      allAttributes: this.attributes(name),
      identificationRules: this.rules(name),
      path: this.path(name),
    };
  }

  names(): string[] {
    return [...this.#rows.keys()].sort();
  }
}

/** Reads every class. */
export async function loadCatalog(db: DbOrTrx): Promise<ClassCatalog> {
  return new ClassCatalog(await db.selectFrom("ci_classes").selectAll().execute());
}

/** Throws 400 naming `field` unless the class exists. */
export function requireClass(catalog: ClassCatalog, name: string, field = "class"): void {
  if (!catalog.has(name)) throw new ValidationError("cmdb.unknown_class", `There is no CI class "${name}"`, { field, value: name });
}

/** Seeds the default classes, relationship types and precedence; safe to run on every start and on several nodes at once. */
export async function ensureCmdbDefaults(db: Db): Promise<void> {
  const now = nowIso();
  await db.transaction().execute(async (trx) => {
    for (const c of DEFAULT_CLASSES) {
      await trx
        .insertInto("ci_classes")
        .values({
          name: c.name,
          label: c.label,
          parent: c.parent,
          description: c.description,
          attributes: JSON.stringify(c.attributes),
          identification: c.identification ? JSON.stringify(c.identification) : null,
          builtin: true,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column("name").doNothing())
        .execute();
    }
    for (const t of DEFAULT_RELATIONSHIP_TYPES) {
      await trx
        .insertInto("ci_relationship_types")
        .values({ name: t.name, label: t.label, reverse_label: t.reverseLabel, impact: t.impact, builtin: true, created_at: now })
        .onConflict((oc) => oc.column("name").doNothing())
        .execute();
    }
    await trx
      .insertInto("settings")
      .values({ key: PRECEDENCE_SETTING, value: JSON.stringify(DEFAULT_SOURCE_PRECEDENCE), updated_at: now })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
  });
}

/** Every class with its effective attributes and rules. */
export async function listClasses(db: Db, actor: Actor): Promise<{ items: CiClass[] }> {
  requirePermission(actor, "cmdb.read");
  const catalog = await loadCatalog(db);
  return { items: catalog.names().map((n) => catalog.toClass(n)) };
}

/** One class. */
export async function getClass(db: Db, actor: Actor, name: string): Promise<CiClass> {
  requirePermission(actor, "cmdb.read");
  const catalog = await loadCatalog(db);
  if (!catalog.has(name)) throw new NotFoundError("cmdb.class_not_found", `No CI class ${name}`, { name });
  return catalog.toClass(name);
}

function checkAttributeDefs(catalog: ClassCatalog, className: string | null, defs: CiAttributeDef[], fieldOf: (i: number, key: string) => string): void {
  const taken = new Set(className ? catalog.attributes(className).map((a) => a.name) : []);
  if (className) for (const d of catalog.descendants(className)) for (const a of catalog.attributes(d)) taken.add(a.name);
  defs.forEach((d, i) => {
    if (taken.has(d.name)) throw new ConflictError("cmdb.attribute_exists", `Attribute "${d.name}" is already declared in this class's lineage`, { field: fieldOf(i, "name") });
    taken.add(d.name);
    if (d.type === "enum" && !d.allowedValues?.length) {
      throw new ValidationError("cmdb.invalid_attribute_def", `Enum attribute "${d.name}" needs allowedValues`, { field: fieldOf(i, "allowedValues") });
    }
    if (d.type !== "enum" && d.allowedValues) {
      throw new ValidationError("cmdb.invalid_attribute_def", `Only enum attributes take allowedValues`, { field: fieldOf(i, "allowedValues") });
    }
  });
}

const normaliseDef = (d: CiAttributeDef): CiAttributeDef => ({ ...d, required: d.required ?? false });

/** Creates a class under an optional parent. */
export async function createClass(db: Db, actor: Actor, input: CreateCiClassBody): Promise<CiClass> {
  requirePermission(actor, "cmdb.admin");
  const now = nowIso();
  try {
    return await db.transaction().execute(async (trx) => {
      const catalog = await loadCatalog(trx);
      if (input.parent) requireClass(catalog, input.parent, "parent");
      const attributes = (input.attributes ?? []).map(normaliseDef);
      // A new class has no descendants, so only the parent's lineage can clash.
      checkAttributeDefs(catalog, input.parent ?? null, attributes, (i, key) => `attributes.${i}.${key}`);
      await trx
        .insertInto("ci_classes")
        .values({
          name: input.name,
          label: input.label,
          parent: input.parent ?? null,
          description: input.description ?? "",
          attributes: JSON.stringify(attributes),
          identification: input.identificationRules ? JSON.stringify(input.identificationRules) : null,
          builtin: false,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const created = (await loadCatalog(trx)).toClass(input.name);
      await recordAudit(trx, actor, { action: "create", entity: "ci_class", entityId: input.name, after: created });
      await emit(trx, { type: "ci_class.created", payload: { name: input.name } });
      return created;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError("cmdb.class_exists", `A CI class named "${input.name}" already exists`, { field: "name" });
    throw err;
  }
}

/** Adds an attribute to a class (and so to its subclasses). A required one only while no CI would lack it. */
export async function addClassAttribute(db: Db, actor: Actor, className: string, def: CiAttributeDef): Promise<CiClass> {
  requirePermission(actor, "cmdb.admin");
  return db.transaction().execute(async (trx) => {
    const catalog = await loadCatalog(trx);
    if (!catalog.has(className)) throw new NotFoundError("cmdb.class_not_found", `No CI class ${className}`, { name: className });
    const attr = normaliseDef(def);
    checkAttributeDefs(catalog, className, [attr], (_i, key) => key);
    if (attr.required) {
      const used = await trx.selectFrom("cis").select("id").where("class", "in", catalog.descendants(className)).limit(1).executeTakeFirst();
      if (used) throw new ConflictError("cmdb.class_in_use", `CIs of class ${className} exist; add "${attr.name}" as optional, fill it, then make it required`, { field: "required" });
    }
    const row = await trx.selectFrom("ci_classes").select("attributes").where("name", "=", className).executeTakeFirstOrThrow();
    const own = [...(JSON.parse(row.attributes) as CiAttributeDef[]), attr];
    await trx.updateTable("ci_classes").set({ attributes: JSON.stringify(own), updated_at: nowIso() }).where("name", "=", className).execute();
    await recordAudit(trx, actor, { action: "add_attribute", entity: "ci_class", entityId: className, after: attr });
    await emit(trx, { type: "ci_class.updated", payload: { name: className } });
    return (await loadCatalog(trx)).toClass(className);
  });
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function invalid(name: string, message: string): ValidationError {
  return new ValidationError("cmdb.invalid_attribute", message, { field: `attributes.${name}` });
}

/**
 * Checks attribute values against the class. `merged` is the full set after the write
 * (so required ones can be checked); only the keys in `written` are type-checked.
 */
export function validateAttributes(catalog: ClassCatalog, className: string, written: Record<string, unknown>, merged: Record<string, unknown>): void {
  const defs = catalog.attributeDefs(className);
  for (const [name, value] of Object.entries(written)) {
    const def = defs.get(name);
    if (!def) throw invalid(name, `"${name}" is not an attribute of class ${className}`);
    if (value === null) continue;
    const ok =
      def.type === "string" ? typeof value === "string"
      : def.type === "number" ? typeof value === "number" && Number.isFinite(value)
      : def.type === "boolean" ? typeof value === "boolean"
      : def.type === "date" ? typeof value === "string" && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))
      : typeof value === "string" && (def.allowedValues ?? []).includes(value);
    if (!ok) {
      const expected = def.type === "enum" ? `one of ${(def.allowedValues ?? []).join(", ")}` : def.type === "date" ? "an ISO-8601 date" : `a ${def.type}`;
      throw invalid(name, `attributes.${name} must be ${expected}`);
    }
  }
  for (const def of defs.values()) {
    if (def.required && (merged[def.name] === undefined || merged[def.name] === null || merged[def.name] === "")) {
      throw invalid(def.name, `attributes.${def.name} is required for class ${className}`);
    }
  }
}
