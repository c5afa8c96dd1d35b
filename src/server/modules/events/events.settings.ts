/** The module's settings: one JSON document in the settings table, cached briefly because the hot path reads it. */
import type { EventSettings, UpdateEventSettingsBody } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { nowIso } from "../../platform/time.js";
import { parseMatchers } from "./events.matchers.js";

export const SETTINGS_KEY = "events.settings";

export const DEFAULT_SETTINGS: EventSettings = {
  correlationWindowSeconds: 300,
  topologyDepth: 2,
  groupByRules: [],
  ciLabels: [],
  createUnidentifiedCis: false,
  incidentMinSeverity: "critical",
  incidentsForUnboundAlerts: false,
  autoResolveIncidents: true,
  flappingChanges: 6,
  flappingWindowSeconds: 600,
  resolveTimeoutSeconds: 300,
  retentionDays: 90,
};

// Other nodes' changes show up within this time.
const CACHE_MS = 2000;
const cache = new WeakMap<object, { at: number; value: EventSettings }>();
// Bumped by every forget: a read that began before it does not cache what it read. On
// PostgreSQL a read on another connection can begin before a change commits and end after it;
// cached, its old value would have hidden the change for the next two seconds.
const generations = new WeakMap<object, number>();

/** Makes the next read ask the database (another thread changed them, or may have). */
export function forgetEventSettings(db: DbOrTrx): void {
  cache.delete(db);
  generations.set(db, (generations.get(db) ?? 0) + 1);
}

/** The settings (defaults for what was never set). */
export async function getEventSettings(db: DbOrTrx): Promise<EventSettings> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const generation = generations.get(db) ?? 0;
  const row = await db.selectFrom("settings").select("value").where("key", "=", SETTINGS_KEY).executeTakeFirst();
  const value = { ...DEFAULT_SETTINGS, ...(row ? (JSON.parse(row.value) as Partial<EventSettings>) : {}) };
  if ((generations.get(db) ?? 0) === generation) cache.set(db, { at: Date.now(), value });
  return value;
}

/** GET /api/v1/events/settings. */
export async function readEventSettings(db: Db, actor: Actor): Promise<EventSettings> {
  requirePermission(actor, "events.read");
  return getEventSettings(db);
}

/** PUT /api/v1/events/settings: changes the given fields. */
export async function updateEventSettings(db: Db, actor: Actor, input: UpdateEventSettingsBody): Promise<EventSettings> {
  requirePermission(actor, "events.admin");
  input.groupByRules?.forEach((r, i) => parseMatchers(r.matchers, `groupByRules.${i}.matchers`));
  forgetEventSettings(db);
  const result = await db.transaction().execute(async (trx) => {
    const before = await getEventSettings(trx);
    const after = { ...before, ...input };
    const value = JSON.stringify(after);
    await trx
      .insertInto("settings")
      .values({ key: SETTINGS_KEY, value, updated_at: nowIso() })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: nowIso() }))
      .execute();
    await recordAudit(trx, actor, { action: "update", entity: "setting", entityId: SETTINGS_KEY, before, after });
    return after;
  });
  forgetEventSettings(db);
  return result;
}
