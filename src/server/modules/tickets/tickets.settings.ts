/** Ticket settings (edit policy, auto-close, priority matrix, attachment size, problem suggestions), stored as one JSON setting. */
import type { TicketSettings } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { nowIso } from "../../platform/time.js";
import { ShortCache } from "../../platform/short-cache.js";

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

/** Settings change rarely and are read on every write: a short cache keeps them off the hot path. */
const cache = new ShortCache<TicketSettings>(2000);

/**
 * The cache key of a database: its adapter, which its transactions share (a transaction is a
 * new object each time, so keyed on the handle every write transaction missed).
 */
const keyOf = (db: DbOrTrx): object => db.getExecutor().adapter;

/** The current settings (defaults for anything never set). */
export async function ticketSettings(db: DbOrTrx): Promise<TicketSettings> {
  // Kept even when read inside a transaction: the only writer (below) forgets them before its
  // transaction and after its commit, so no value that a rollback could undo is kept.
  return cache.get(keyOf(db), async () => {
    const row = await db.selectFrom("settings").select("value").where("key", "=", KEY).executeTakeFirst();
    return { ...DEFAULT_TICKET_SETTINGS, ...(row ? (JSON.parse(row.value) as Partial<TicketSettings>) : {}) };
  });
}

/** Reads the settings (any signed-in agent or viewer). */
export async function getTicketSettings(db: DbOrTrx, actor: Actor): Promise<TicketSettings> {
  requirePermission(actor, "tickets.read");
  return ticketSettings(db);
}

/** Changes some settings; admins only; audited. */
export async function updateTicketSettings(db: Db, actor: Actor, input: Partial<TicketSettings>): Promise<TicketSettings> {
  requirePermission(actor, "tickets.admin");
  const key = keyOf(db);
  cache.forget(key);
  // The change and its audit entry commit together, or neither does.
  const after = await db.transaction().execute(async (trx) => {
    const before = await ticketSettings(trx);
    const after = { ...before, ...input };
    const now = nowIso();
    await trx
      .insertInto("settings")
      .values({ key: KEY, value: JSON.stringify(after), updated_at: now })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(after), updated_at: now }))
      .execute();
    await recordAudit(trx, actor, { action: "update", entity: "ticket_settings", entityId: KEY, before, after });
    return after;
  });
  cache.forget(key);
  return after;
}
