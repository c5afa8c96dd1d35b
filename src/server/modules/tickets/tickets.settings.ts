/** Ticket settings (edit policy, auto-close, priority matrix, attachment size, problem suggestions), stored as one JSON setting. */
import type { TicketSettings } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { nowIso } from "../../platform/time.js";

const KEY = "tickets";

/** What a fresh installation uses: the ITIL 3x3 matrix, agents of the group edit, close after 7 days. */
export const DEFAULT_TICKET_SETTINGS: TicketSettings = {
  editPolicy: "group_members",
  autoCloseDays: 7,
  priorityMatrix: [
    [1, 2, 3],
    [2, 3, 4],
    [3, 4, 5],
  ],
  attachmentMaxBytes: 25 * 1024 * 1024,
  problemSuggestion: { threshold: 3, windowHours: 24 },
};

let cache: { at: number; db: object; value: TicketSettings } | null = null;
/** Settings change rarely and are read on every write: a short cache keeps them off the hot path. */
const CACHE_MS = 2000;

/**
 * The cache key of a database: its adapter, which its transactions share (a transaction is a
 * new object each time, so keyed on the handle every write transaction missed).
 */
const keyOf = (db: DbOrTrx): object => db.getExecutor().adapter;

/** The current settings (defaults for anything never set). */
export async function ticketSettings(db: DbOrTrx): Promise<TicketSettings> {
  const key = keyOf(db);
  if (cache && cache.db === key && Date.now() - cache.at < CACHE_MS) return cache.value;
  const row = await db.selectFrom("settings").select("value").where("key", "=", KEY).executeTakeFirst();
  const value = { ...DEFAULT_TICKET_SETTINGS, ...(row ? (JSON.parse(row.value) as Partial<TicketSettings>) : {}) };
  // Kept even when read inside a transaction: the only writer (below) reads before it writes and
  // clears the cache after, so no value that a rollback could undo is ever kept.
  cache = { at: Date.now(), db: key, value };
  return value;
}

/** Reads the settings (any signed-in agent or viewer). */
export async function getTicketSettings(db: DbOrTrx, actor: Actor): Promise<TicketSettings> {
  requirePermission(actor, "tickets.read");
  return ticketSettings(db);
}

/** Changes some settings; admins only; audited. */
export async function updateTicketSettings(db: DbOrTrx, actor: Actor, input: Partial<TicketSettings>): Promise<TicketSettings> {
  requirePermission(actor, "tickets.admin");
  cache = null;
  const before = await ticketSettings(db);
  const after = { ...before, ...input };
  const now = nowIso();
  await db
    .insertInto("settings")
    .values({ key: KEY, value: JSON.stringify(after), updated_at: now })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(after), updated_at: now }))
    .execute();
  await recordAudit(db, actor, { action: "update", entity: "ticket_settings", entityId: KEY, before, after });
  cache = null;
  return after;
}
