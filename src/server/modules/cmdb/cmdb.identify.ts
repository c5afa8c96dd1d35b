/**
 * Identification and reconciliation: every source (API, import, discovery, events) describes
 * CIs through `identifyOrCreate`, so one real thing stays one CI. The class's rules say which
 * identifiers make two records the same CI; the source precedence says who may overwrite a
 * field another source set.
 */
import type { Ci, CreateCiBody, SourcePrecedence } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { ConflictError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { loadCatalog, requireClass, type ClassCatalog } from "./classes.service.js";
import { DEFAULT_SOURCE_PRECEDENCE, PRECEDENCE_SETTING } from "./cmdb.classes.js";
import { matchRule, normaliseIdentifiers } from "./cmdb.identifiers.js";
import { lockIdentification, lockKeys } from "./cmdb.locks.js";
import { createCiRecord, findCiWithSources, flattenInput, updateCiRecord } from "./cis.records.js";

export type Outcome = "created" | "updated" | "unchanged";

/** The classes a record of `className` may be matched against: its whole family, plus unidentified CIs. */
function candidateClasses(catalog: ClassCatalog, className: string): string[] | null {
  if (className === "unidentified") return null;
  const root = catalog.path(className)[0];
  return [...catalog.descendants(root), "unidentified"];
}

/**
 * The existing CI a record describes, by the first rule of its class that the record can
 * answer and that finds something; null when none does. Two matches is a conflict, not a guess.
 */
export async function findExisting(db: DbOrTrx, catalog: ClassCatalog, record: Pick<CreateCiBody, "class" | "name" | "identifiers">): Promise<string | null> {
  const classes = candidateClasses(catalog, record.class);
  const identifiers = normaliseIdentifiers(record.identifiers);
  for (const rule of catalog.rules(record.class)) {
    const ids = await matchRule(db, rule, { name: record.name.trim(), identifiers }, classes);
    if (!ids?.length) continue;
    if (ids.length > 1) {
      throw new ConflictError("cmdb.ambiguous_match", `The record matches several CIs by ${rule.join(" + ")}; merge them or send a stronger identifier`, {
        field: "identifiers",
        rule,
        ciIds: ids,
      });
    }
    return ids[0];
  }
  return null;
}

/** Sources in precedence order (highest first). */
export async function getPrecedence(db: DbOrTrx): Promise<string[]> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", PRECEDENCE_SETTING).executeTakeFirst();
  return row ? (JSON.parse(row.value) as string[]) : DEFAULT_SOURCE_PRECEDENCE;
}

/** Reads the configured precedence. */
export async function readPrecedence(db: Db, actor: Actor): Promise<SourcePrecedence> {
  requirePermission(actor, "cmdb.read");
  return { sources: await getPrecedence(db) };
}

/** Replaces the precedence list. */
export async function setPrecedence(db: Db, actor: Actor, input: SourcePrecedence): Promise<SourcePrecedence> {
  requirePermission(actor, "cmdb.admin");
  return db.transaction().execute(async (trx) => {
    const before = await getPrecedence(trx);
    const value = JSON.stringify(input.sources);
    await trx
      .insertInto("settings")
      .values({ key: PRECEDENCE_SETTING, value, updated_at: nowIso() })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: nowIso() }))
      .execute();
    await recordAudit(trx, actor, { action: "update", entity: "setting", entityId: PRECEDENCE_SETTING, before: { sources: before }, after: input });
    return input;
  });
}

/** Rank of a source: lower is stronger; unlisted sources share the weakest rank. */
function rankOf(precedence: string[], source: string): number {
  const i = precedence.indexOf(source);
  return i === -1 ? precedence.length : i;
}

/** Keeps the more specific class: a linux_server reported as "server" stays a linux_server. */
function classChange(catalog: ClassCatalog, current: string, reported: string): string | undefined {
  if (reported === current || reported === "unidentified") return undefined;
  if (catalog.path(current).includes(reported)) return undefined;
  return reported;
}

/** Inputs to identification: the CI as the source sees it. */
export type IdentifyInput = CreateCiBody;

/** How identification may be steered. */
export interface IdentifyOptions {
  /** Class catalog already loaded by the caller (a batch loads it once). */
  catalog?: ClassCatalog;
  /**
   * A CI id the source names (an exported file coming back): when a CI has this id it is the
   * match, whatever the rules would say; otherwise the rules identify the record as usual.
   */
  knownId?: string | null;
  /** The caller has already locked the record's keys (a batch locks all of its keys at once). */
  locked?: boolean;
  /** Source precedence already read by the caller (a batch reads it once). */
  precedence?: string[];
}

/** What identification did: the CI after it, what happened, and the CI before it (null when created). */
export interface Identified {
  ci: Ci;
  outcome: Outcome;
  before: Ci | null;
}

/**
 * Finds the CI the input describes and reconciles it, or creates it. Call inside a
 * transaction (`db` may be one); the caller checks permissions. Identification of one record
 * happens once however many writers send it at the same time (see cmdb.locks.ts).
 */
export async function identifyOrCreate(db: DbOrTrx, actor: Actor, source: string, input: IdentifyInput, options: IdentifyOptions = {}): Promise<Identified> {
  // First, before anything is read: on SQLite this takes the write lock while no read has started.
  if (!options.locked) await lockIdentification(db, lockKeys(input));
  const cat = options.catalog ?? (await loadCatalog(db));
  requireClass(cat, input.class);
  const fields = flattenInput(input);
  const w = { actor, source, catalog: cat };
  const known = options.knownId ? await findCiWithSources(db, options.knownId) : null;
  const existingId = known ? null : await findExisting(db, cat, input);
  const found = known ?? (existingId ? await findCiWithSources(db, existingId) : null);
  if (!found) return { ci: await createCiRecord(db, w, fields), outcome: "created", before: null };
  const { ci: existing, sources } = found;

  const reportedClass = classChange(cat, existing.class, input.class);
  if (reportedClass) fields.class = reportedClass;
  else delete fields.class;
  const precedence = options.precedence ?? (await getPrecedence(db));
  const mine = rankOf(precedence, source);
  const allowed: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) {
    const owner = sources.get(field)?.[0];
    // A stronger source set this field: leave it, and do not claim it as confirmed either.
    if (owner !== undefined && owner !== source && rankOf(precedence, owner) < mine) continue;
    allowed[field] = value;
  }
  const { ci, changed } = await updateCiRecord(db, w, existing, allowed, [], sources);
  return { ci, outcome: changed.length ? "updated" : "unchanged", before: existing };
}

/** POST /cis/identify: one record, in its own transaction. */
export async function identifyCi(db: Db, actor: Actor, source: string, input: IdentifyInput): Promise<{ ci: Ci; outcome: Outcome }> {
  requirePermission(actor, "cmdb.write");
  const { ci, outcome } = await db.transaction().execute((trx) => identifyOrCreate(trx, actor, source, input));
  return { ci, outcome };
}
