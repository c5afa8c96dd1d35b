/**
 * The CI half of a bulk batch. Identification is per item and in order (an item may match one
 * sent earlier in the same batch), but most items of a load describe CIs nobody has seen: one
 * query per identifier kind for the whole batch proves that no rule of theirs can match (some
 * kind of every rule has no value that a stored or earlier record holds), and
 * those items are created with multi-row inserts: per CI its row, its identifiers and one
 * history row, and per group of CIs one audit entry and one `ci.created` event naming them
 * all. Every other item goes through
 * `identifyOrCreate` in its own savepoint, exactly as when it comes alone, after the items
 * before it have been written, so the answer is the one item-by-item processing gives.
 */
import type { BulkBody, BulkResult, Ci, CreateCiBody } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { nowIso } from "../../platform/time.js";
import { actorLabel } from "../../platform/audit.js";
import { requireClass, type ClassCatalog } from "./classes.service.js";
import { getPrecedence, identifyOrCreate } from "./cmdb.identify.js";
import { normaliseIdentifiers } from "./cmdb.identifiers.js";
import { KEY_SEP, keysByKind, lockIdentification, lockKeys, nameKey, ruleKeys } from "./cmdb.locks.js";
import { checkWritten, ciFromInput, creationRows, GROUP_FIELDS, unknownGroup, type WriteContext } from "./cis.records.js";
import { allOrNothing, describe, insertRows, isolated, recordGroup, selectIn } from "./bulk.write.js";

type CiItem = NonNullable<BulkBody["cis"]>[number];
type CiResult = BulkResult["cis"][number];

/** A CI of a batch: a bulk item, and for files coming back from an export the CI id they name. */
export type ReconcileItem = CiItem & { knownId?: string | null };

/** How a batch is reconciled. */
export interface ReconcileOptions {
  /** The caller has already locked the items' keys (lockIdentification with lockKeys of every item). */
  locked?: boolean;
  /** Keep each item's CI before and after (a dry run reports them). */
  details?: boolean;
}

/** What the CI half hands to the relationship half. */
export interface CiBatchOutcome {
  results: CiResult[];
  /** `ref` -> CI id, for items that succeeded. */
  byRef: Map<string, string>;
  /** CIs created by this batch: they can have no relationship that the batch did not make. */
  created: Set<string>;
  /** With `details`: per item that succeeded, its CI after the batch's write and before it (null when created). */
  details: Array<{ ci: Ci; before: Ci | null } | undefined>;
}


/** Which of `keys` already exist in the database: one query per identifier kind, plus one for names. */
async function existingKeys(db: DbOrTrx, keys: Set<string>): Promise<Set<string>> {
  const byKind = new Map<string, string[]>();
  for (const key of keys) {
    const [kind, value] = key.split(KEY_SEP);
    const list = byKind.get(kind);
    if (list) list.push(value);
    else byKind.set(kind, [value]);
  }
  const found = new Set<string>();
  for (const [kind, values] of byKind) {
    if (kind === "name") {
      // The same comparison matchRule makes: lower(name) against the lower-cased name.
      for (const r of await selectIn<{ n: string }>(db, "select lower(name) as n from cis where lower(name)", [], values)) found.add(`name${KEY_SEP}${r.n}`);
    } else {
      for (const r of await selectIn<{ value: string }>(db, "select value from ci_identifiers where kind = ? and value", [kind], values)) found.add(`${kind}${KEY_SEP}${r.value}`);
    }
  }
  return found;
}

/** Which of the ids name a CI. */
async function existingIds(db: DbOrTrx, ids: string[]): Promise<Set<string>> {
  return new Set((await selectIn<{ id: string }>(db, "select id from cis where id", [], ids)).map((r) => r.id));
}

async function existingGroups(db: DbOrTrx, items: CiItem[]): Promise<Set<string>> {
  const ids = [...new Set(items.flatMap((i) => GROUP_FIELDS.map((f) => i[f]).filter((v): v is string => typeof v === "string")))];
  return new Set((await selectIn<{ id: string }>(db, "select id from groups where id", [], ids)).map((r) => r.id));
}

/**
 * Identifies or creates every CI of a batch, in order; answers per item. Locks the keys of
 * every item first (unless the caller has), so concurrent writers identify each record once.
 */
export async function reconcileCis(trx: DbOrTrx, actor: Actor, source: string, catalog: ClassCatalog, items: ReconcileItem[], options: ReconcileOptions = {}): Promise<CiBatchOutcome> {
  const out: CiBatchOutcome = { results: [], byRef: new Map(), created: new Set(), details: [] };
  const w: WriteContext = { actor, source, catalog };
  if (!options.locked) await lockIdentification(trx, () => items.flatMap((i) => lockKeys(i)));
  const actorName = actorLabel(actor);

  // What each item could be matched by; an item whose input is bad gets its error in order below.
  // `record` is the item itself: its `ref` and `knownId` are read by nothing that gets it but
  // the careful path, which gets a copy without them.
  const prepared = items.map((item) => {
    const { ref, knownId } = item;
    const record: CreateCiBody = item;
    try {
      requireClass(catalog, record.class);
      const identifiers = normaliseIdentifiers(record.identifiers);
      const byKind = keysByKind(identifiers);
      const rules = ruleKeys(catalog, record, identifiers, byKind);
      // Every key goes into `seen`: an earlier record of another class may still be the match.
      const keys = [...byKind.values()].flat();
      keys.push(nameKey(record.name));
      return { ref, knownId, record, identifiers, rules, keys };
    } catch (err) {
      return { ref, knownId, record, error: err };
    }
  });
  const inDb = await existingKeys(trx, new Set(prepared.flatMap((p) => p.rules?.flat(2) ?? [])));
  const knownIds = await existingIds(trx, [...new Set(prepared.flatMap((p) => (p.identifiers && p.knownId ? [p.knownId] : [])))]);
  const groups = await existingGroups(trx, items);
  const seen = new Set<string>(); // keys of the items before this one in the batch

  let pending: Array<{ index: number; ref?: string; record: CreateCiBody; ci: Ci; rows: ReturnType<typeof creationRows> }> = [];
  const done = (index: number, ref: string | undefined, result: Omit<CiResult, "index" | "ref">, detail?: { ci: Ci; before: Ci | null }) => {
    out.results[index] = ref ? { index, ref, ...result } : { index, ...result };
    if (ref && result.id) out.byRef.set(ref, result.id);
    if (result.outcome === "created") out.created.add(result.id!);
    if (options.details && detail) out.details[index] = detail;
  };
  let precedence: string[] | undefined; // read once, when the first item needs it
  const careful = async (index: number, ref: string | undefined, record: CreateCiBody, knownId?: string | null) => {
    precedence ??= await getPrecedence(trx);
    const order = precedence;
    const input: ReconcileItem = { ...record };
    delete input.ref;
    delete input.knownId;
    const r = await isolated(trx, () => identifyOrCreate(trx, actor, source, input, { catalog, knownId, locked: true, precedence: order }));
    if (r.ok) done(index, ref, { outcome: r.value.outcome, id: r.value.ci.id }, { ci: r.value.ci, before: r.value.before });
    else done(index, ref, { outcome: "error", error: r.error });
  };
  const flush = async () => {
    const group = pending;
    pending = [];
    if (!group.length) return;
    const written = await allOrNothing(trx, async () => {
      await insertRows(trx, "cis", group.map((p) => p.rows.ci));
      await insertRows(trx, "ci_identifiers", group.flatMap((p) => p.rows.identifiers));
      await insertRows(trx, "ci_changes", group.map((p) => p.rows.change));
      await recordGroup(trx, actor, source, "ci", group.map((p) => p.ci.id));
    });
    if (written) for (const p of group) done(p.index, p.ref, { outcome: "created", id: p.rows.ci.id }, { ci: p.ci, before: null });
    // Someone else wrote a clashing key meanwhile: redo each item alone, so each gets its own answer.
    else for (const p of group) await careful(p.index, p.ref, p.record);
  };

  const now = nowIso();
  for (const [index, p] of prepared.entries()) {
    if (!p.identifiers) {
      done(index, p.ref, { outcome: "error", error: describe(p.error) });
      continue;
    }
    const known = p.knownId && knownIds.has(p.knownId) ? p.knownId : null;
    const held = (k: string) => inDb.has(k) || seen.has(k);
    const mayMatch = known !== null || p.rules.some((rule) => rule.every((keys) => keys.some(held)));
    for (const k of p.keys) seen.add(k);
    if (mayMatch) {
      await flush();
      await careful(index, p.ref, p.record, known);
      continue;
    }
    // No rule can match: this is createCiRecord's work, checked here and written with the group.
    try {
      const ci = ciFromInput(p.record, p.identifiers, now);
      checkWritten(catalog, ci, p.record.attributes ?? {});
      for (const field of GROUP_FIELDS) {
        const id = p.record[field];
        if (typeof id === "string" && !groups.has(id)) throw unknownGroup(field, id);
      }
      pending.push({ index, ref: p.ref, record: p.record, ci, rows: creationRows(w, ci, actorName) });
    } catch (err) {
      done(index, p.ref, { outcome: "error", error: describe(err) });
    }
  }
  await flush();
  return out;
}
