/**
 * Opening tickets: who may open what, and the group commit that writes concurrent creations
 * in one transaction (DESIGN.md: hot paths are batched).
 */
import { sql } from "kysely";
import type { CreateTicketBody, Ticket, TicketKind } from "../../../contract/index.js";
import type { Db, Trx } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { auditRow } from "../../platform/audit.js";
import { outboxRow } from "../../platform/outbox.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { ForbiddenError, NotFoundError } from "../../platform/errors.js";
import { kindDef } from "./tickets.kinds.js";
import { isAgent, requireTicketAccess } from "./tickets.policy.js";
import { graphStatus, traverse, warmGraph } from "../cmdb/index.js";
import { runCompiled } from "./tickets.records.js";
import { reserveNumbers } from "./tickets.numbers.js";
import { createOne, deferredMark, deferredRows, insertPlannedTickets, insertRows, planCreation, readNameBook, rollBackDeferred, writeCreation, type Creation, type Deferred, type Plan } from "./tickets.write.js";

/** Kinds a requester may open from the portal. */
const PORTAL_KINDS: readonly string[] = ["incident", "request"];
/** What a requester may fill in; the rest is the service desk's to decide. */
const REQUESTER_FIELDS = new Set(["title", "description", "category", "subcategory", "ciId", "urgency", "callerContact", "channel"]);

/** Opens a ticket of a kind; requesters file for themselves from the portal kinds. */
export async function createTicket(db: Db, actor: Actor, kind: TicketKind, input: CreateTicketBody): Promise<Ticket> {
  requireTicketAccess(actor);
  const def = kindDef(kind);
  const agent = isAgent(actor);
  if (!agent) {
    if (!PORTAL_KINDS.includes(kind)) throw new ForbiddenError("ticket.kind_forbidden", `Requesters cannot open ${def.label.toLowerCase()}s`, { field: "kind" });
    const extra = Object.keys(input).find((k) => !REQUESTER_FIELDS.has(k));
    if (extra) throw new ForbiddenError("ticket.field_forbidden", `Requesters cannot set ${extra}`, { field: extra });
  }
  const item: Creation = { actor, kind, input, requesterId: agent ? (input.requesterId ?? null) : actor.id };
  // Inside a caller's transaction the creation is part of it; otherwise it joins a group commit.
  if (db.isTransaction) return createOne(db as unknown as Trx, item, null);
  return groupCommit(db, item);
}

/**
 * The impacted services of a batch's creations from the CMDB graph, looked up together just
 * before its transaction: concurrent walks share the graph's catch-up with the relationship log
 * (one or two reads of the log per batch instead of one per creation), and the service classes
 * are read once per batch. Creations left without (graph not ready) walk in SQL in the transaction.
 */
async function batchServices(db: Db, batch: Creation[]): Promise<void> {
  const withCi = batch.filter((item) => item.input.ciId);
  if (!withCi.length) return;
  const state = graphStatus(db).state;
  if (state === "none") void warmGraph(db).catch(() => {});
  if (state !== "ready") return;
  const classes = serviceClasses(db);
  classes.catch(() => {}); // awaited by each walk; a failure fails the walks, not the process
  const found = await Promise.all(withCi.map((item) => servicesFromGraph(db, item.input.ciId!, classes)));
  withCi.forEach((item, i) => (item.services = found[i]));
}

/**
 * The classes under business_service, read at most every SERVICE_CLASSES_MS per database: a
 * group commit of one or two creations (a few clients) paid the recursive query (~65 us of
 * SQLite) per batch. The class tree changes when an administrator edits the class catalog;
 * creations see such a change this much later.
 */
function serviceClasses(db: Db): Promise<Set<string>> {
  const hit = serviceClassCache.get(db);
  if (hit && Date.now() - hit.at < SERVICE_CLASSES_MS) return hit.classes;
  const entry = { at: Date.now(), classes: readServiceClasses(db) };
  serviceClassCache.set(db, entry);
  entry.classes.catch(() => {
    if (serviceClassCache.get(db) === entry) serviceClassCache.delete(db);
  });
  return entry.classes;
}
const SERVICE_CLASSES_MS = 2000;
const serviceClassCache = new WeakMap<Db, { at: number; classes: Promise<Set<string>> }>();

/** The classes under business_service, in one small compiled query (the class catalog reads and parses every class). */
async function readServiceClasses(db: Db): Promise<Set<string>> {
  const rows = await runCompiled<{ name: string }>(db, "service-classes", () => sql<{ name: string }>`with recursive svc(name) as (
      select ${sql.lit("business_service")} union select c.name from ci_classes c join svc on c.parent = svc.name) select name from svc`.compile(db), {});
  return new Set(rows.map((r) => r.name));
}

/**
 * The business services a CI impacts, from the CMDB's in-memory graph (in step with every
 * commit, which the group commit's transaction would not see), or null when the graph is not
 * ready: the creation then walks in SQL inside its transaction. The recursive SQL walk was the
 * dearest step of a creation.
 */
async function servicesFromGraph(db: Db, ciId: string, classes: Promise<Set<string>>): Promise<Array<{ id: string; name: string }> | null> {
  let reach: Awaited<ReturnType<typeof traverse>>;
  try {
    reach = await traverse(db, ciId, "downstream", CMDB_MAX_DEPTH, { edges: false });
  } catch (err) {
    // An unknown CI impacts nothing; the creation's checks refuse it by name.
    if (err instanceof NotFoundError) return [];
    throw err;
  }
  const services = await classes;
  const found = [reach.root, ...reach.items.map((i) => i.ci)].filter((ci) => services.has(ci.class));
  return found.map((ci) => ({ id: ci.id, name: ci.name })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
/** The CMDB's impact depth limit (cmdb.impact.ts MAX_DEPTH), as the SQL walk uses it. */
const CMDB_MAX_DEPTH = 10;

/** One creation waiting for its group commit. */
interface Pending extends Creation {
  resolve(t: Ticket): void;
  reject(e: unknown): void;
}

/** Most creations one transaction takes; the rest wait for the next one. */
const MAX_BATCH = 64;
/**
 * How long a batch smaller than the one before it waits for the rest (SQLite): the clients
 * answered by the last commit are usually back within a fraction of this.
 */
const GATHER_MS = 1;

/** The group commit of one database handle. */
interface Batcher {
  queue: Pending[];
  running: number;
  /** Creations the last batch took: as many are expected back before the next one starts. */
  expected: number;
  /** Waiting for them (at most GATHER_MS), or null. */
  gather: NodeJS.Timeout | null;
}
const batchers = new WeakMap<Db, Batcher>();

/**
 * Group commit (DESIGN.md: hot paths are batched): creations that arrive while a transaction
 * is writing wait and are written together in the next one, each under its own savepoint so
 * that a refused creation leaves the others intact. Nobody is answered before the commit that
 * holds their ticket, so nothing acknowledged is lost. At low load a batch is one creation and
 * waits for nothing. PostgreSQL runs a few batches at once on separate connections.
 */
function groupCommit(db: Db, item: Creation): Promise<Ticket> {
  let b = batchers.get(db);
  if (!b) batchers.set(db, (b = { queue: [], running: 0, expected: 1, gather: null }));
  const batcher = b;
  return new Promise<Ticket>((resolve, reject) => {
    batcher.queue.push({ ...item, resolve, reject });
    // Let the requests that arrived in the same turn of the event loop join.
    if (batcher.queue.length === 1) setImmediate(() => drain(db, batcher));
    else if (batcher.gather && batcher.queue.length >= batcher.expected) {
      clearTimeout(batcher.gather);
      batcher.gather = null;
      setImmediate(() => drain(db, batcher, true));
    }
  });
}

/**
 * Starts the queued creations' batches. On SQLite (one writer), a batch smaller than the last
 * one first waits, up to GATHER_MS, until as many creations as the last batch took are queued:
 * a few clients answered by one commit come back one by one, and a batch started by the first
 * of them left the others a commit of their own. At 4 clients batches settled into turns of 1
 * and 3 creations (two commits for four tickets, each commit ~60 pages of the WAL). A client
 * that does not come back costs the next batch GATHER_MS once, after which fewer are expected.
 */
function drain(db: Db, batcher: Batcher, gathered = false): void {
  const parallel = isPostgres(db) ? 4 : 1;
  while (batcher.running < parallel && batcher.queue.length) {
    if (parallel === 1 && !gathered && batcher.queue.length < batcher.expected) {
      batcher.gather ??= setTimeout(() => {
        batcher.gather = null;
        drain(db, batcher, true);
      }, GATHER_MS);
      return;
    }
    if (batcher.gather) clearTimeout(batcher.gather);
    batcher.gather = null;
    gathered = false;
    const batch = batcher.queue.splice(0, MAX_BATCH);
    batcher.expected = batch.length;
    batcher.running++;
    void writeBatch(db, batch).finally(() => {
      batcher.running--;
      drain(db, batcher);
    });
  }
}

type Outcome = { ok: true; ticket: Ticket } | { ok: false; error: unknown };

/**
 * Writes a batch in one transaction. A creation's checks only read, so a refused creation
 * (unknown group, bad field) has written nothing and needs no savepoint; the others write
 * under one only when their later steps may still refuse (parent link, kind hooks). Should a
 * write fail unexpectedly half-way, the whole batch is rolled back and written again with a
 * savepoint per creation, so one creation's failure never fails the others.
 */
async function writeBatch(db: Db, batch: Pending[], savepoints = false): Promise<void> {
  const results: Outcome[] = [];
  try {
    if (!savepoints) await batchServices(db, batch);
    await db.transaction().execute(async (trx) => {
      const deferred = deferredRows();
      const mode = batch.length === 1 ? "alone" : savepoints ? "savepoint" : "auto";
      const plans = mode === "auto" ? await planBatch(trx, batch) : [];
      for (const [i, item] of batch.entries()) results.push(await createInBatch(trx, item, deferred, mode, plans[i]));
      // Tickets first (their rows are written above), then their rows in one statement per table.
      await insertRows(trx, "ticket_cis", deferred.services);
      await insertRows(trx, "ticket_timeline", deferred.timeline);
      await insertRows(trx, "audit_log", deferred.audit.map((a) => auditRow(...a)));
      await insertRows(trx, "outbox", deferred.outbox.map((e) => outboxRow(e)));
    });
  } catch (error) {
    if (batch.length > 1 && !savepoints) return writeBatch(db, batch, true);
    // A lone creation's own error, or a failed commit: nobody in the batch was written.
    for (const item of batch) item.reject(error);
    return;
  }
  batch.forEach((item, i) => {
    const r = results[i];
    if (r.ok) item.resolve(r.ticket);
    else item.reject(r.error);
  });
}

/**
 * The checks of every creation of a batch (the names they reference read once for the batch),
 * then, for those written without a savepoint, their numbers: one counter step per kind for the
 * batch instead of one per creation. A refused
 * creation takes no number, so numbers stay gap-free on SQLite.
 */
async function planBatch(trx: Trx, batch: Pending[]): Promise<Array<Plan | { refused: unknown }>> {
  const plans: Array<Plan | { refused: unknown }> = [];
  const book = await readNameBook(trx, batch);
  for (const item of batch) plans.push(await planCreation(trx, item, book).catch((refused: unknown) => ({ refused })));
  const byKind = new Map<TicketKind, Plan[]>();
  batch.forEach((item, i) => {
    const plan = plans[i];
    if ("refused" in plan || !plan.names) return;
    byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), plan]);
  });
  for (const [kind, kindPlans] of byKind) {
    const numbers = await reserveNumbers(trx, kind, kindDef(kind).prefix, kindPlans.length);
    kindPlans.forEach((plan, i) => (plan.number = numbers[i]));
  }
  // Their tickets rows in a few statements rather than one each.
  const planned = batch.flatMap((item, i) => {
    const plan = plans[i];
    return "refused" in plan || !plan.names ? [] : [{ item, plan }];
  });
  await insertPlannedTickets(trx, planned.map((p) => p.item), planned.map((p) => p.plan));
  return plans;
}

/**
 * One creation of a batch. "alone": the batch is this creation, any error is its own and
 * rolls the transaction back. "auto" (with its plan from planBatch): a refusal by the checks
 * is its outcome, a creation whose writes may still refuse goes under a savepoint, and an
 * unexpected failure of the others aborts the batch. "savepoint": every creation under its own.
 */
async function createInBatch(trx: Trx, item: Pending, deferred: Deferred, mode: "alone" | "auto" | "savepoint", planned?: Plan | { refused: unknown }): Promise<Outcome> {
  if (mode === "alone") return { ok: true, ticket: await createOne(trx, item, deferred) };
  const plan = mode === "auto" ? planned! : null;
  if (plan && "refused" in plan) return { ok: false, error: plan.refused };
  if (plan?.names) return { ok: true, ticket: await writeCreation(trx, item, plan, deferred) };
  await sql`savepoint ticket_create`.execute(trx);
  const mark = deferredMark(deferred);
  try {
    const ticket = plan ? await writeCreation(trx, item, plan, deferred) : await createOne(trx, item, deferred);
    await sql`release savepoint ticket_create`.execute(trx);
    return { ok: true, ticket };
  } catch (error) {
    await sql`rollback to savepoint ticket_create`.execute(trx);
    await sql`release savepoint ticket_create`.execute(trx);
    rollBackDeferred(deferred, mark);
    return { ok: false, error };
  }
}
