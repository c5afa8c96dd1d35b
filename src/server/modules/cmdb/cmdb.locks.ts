/**
 * Identification reads, then writes: look the record up by its identifiers, create a CI when
 * nothing matches. Two writers identifying the same thing at once would both find nothing and
 * both create it; host names and IP addresses are not unique, so no index stops the second.
 * So identification first locks the keys a record can be matched by: two records that could
 * match each other share at least one key (every kind of the matching rule has a value in
 * common), so the second waits until the first has committed, and then finds its CI.
 *
 * PostgreSQL: transaction-scoped advisory locks on a fixed set of stripes the keys hash to, so
 * a bulk batch of thousands of keys takes at most STRIPES locks (the shared lock table holds
 * a few thousand), taken in ascending order so that lockers never deadlock each other.
 * SQLite: one process runs one transaction at a time on its connection; against other
 * processes (the CLI importing while the server runs) the transaction holds the database's
 * write lock, which SQLite gives to one connection at a time. OpsDesk's transactions begin
 * immediate (platform/db/db.ts), which takes it; the no-op write below makes sure of it for a
 * transaction opened any other way.
 */
import { sql } from "kysely";
import type { CiIdentifiers, CreateCiBody } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";
import type { ClassCatalog } from "./classes.service.js";
import { identifierRows, normaliseIdentifiers } from "./cmdb.identifiers.js";

/** Keys are "<identifier kind>\0<normalised value>" or "name\0<lower-case name>". */
export const KEY_SEP = "\u0000";

// A power of two, small enough for the lock table, large enough that unrelated records rarely wait.
const STRIPES = 256;
// The first half of the two-part advisory lock key: "the CMDB identification stripes".
const LOCK_SPACE = 0x0c3db;

/**
 * What identification could match a record by: per rule of its class, per kind of the rule,
 * the record's keys of that kind (the name for "name"). A rule whose every kind has a key that
 * some stored or earlier record holds may match; a record none of whose rules may is new.
 */
export function ruleKeys(catalog: ClassCatalog, record: Pick<CreateCiBody, "class" | "name">, identifiers: CiIdentifiers, byKind: Map<string, string[]> = keysByKind(identifiers)): string[][][] {
  return catalog.rules(record.class).map((rule) => rule.map((kind) => (kind === "name" ? [nameKey(record.name)] : (byKind.get(kind) ?? []))));
}

/** A record's identifier keys, by identifier kind. */
export function keysByKind(identifiers: CiIdentifiers): Map<string, string[]> {
  const byKind = new Map<string, string[]>();
  for (const r of identifierRows("", identifiers)) {
    const key = `${r.kind}${KEY_SEP}${r.value}`;
    const list = byKind.get(r.kind);
    if (list) list.push(key);
    else byKind.set(r.kind, [key]);
  }
  return byKind;
}

/** The key of a record's name. */
export const nameKey = (name: string) => `name${KEY_SEP}${name.trim().toLowerCase()}`;

/**
 * The keys a record's identification locks: every identifier and always the name, so they can
 * be known before the class catalog is read (whether a rule uses the name depends on the class).
 */
export function lockKeys(record: Pick<CreateCiBody, "name" | "identifiers">): string[] {
  let ids: CiIdentifiers = {};
  try {
    ids = normaliseIdentifiers(record.identifiers);
  } catch {
    // A malformed identifier fails the record later, with its own error; nothing to lock for it.
  }
  return [...identifierRows("", ids).map((r) => `${r.kind}${KEY_SEP}${r.value}`), nameKey(record.name ?? "")];
}

/** FNV-1a: a stable, well-spread hash of a key. */
function stripeOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % STRIPES;
}

/**
 * Serialises identification of the given keys until the transaction ends; call inside the
 * transaction, before looking the records up. A transaction that identifies several records
 * locks all their keys in one call (as the bulk path does), so that it never waits while
 * holding some. `keys` may be a function: SQLite needs none, so a batch computes them only on PostgreSQL.
 */
export async function lockIdentification(trx: DbOrTrx, keys: Iterable<string> | (() => Iterable<string>)): Promise<void> {
  if (!isPostgres(trx)) {
    // Any write statement takes SQLite's write lock, even one that changes nothing.
    await sql`update settings set key = key where 1 = 0`.execute(trx);
    return;
  }
  const stripes = [...new Set([...(typeof keys === "function" ? keys() : keys)].map(stripeOf))].sort((a, b) => a - b);
  if (!stripes.length) return;
  // The subquery fixes the order in which the locks are taken.
  await sql`select count(pg_advisory_xact_lock(${LOCK_SPACE}, s)) from (select unnest(${stripes}::int4[]) as s order by s) as ordered`.execute(trx);
}
