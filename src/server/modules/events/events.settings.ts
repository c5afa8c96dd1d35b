/** The module's settings: one JSON document in the settings table, cached briefly because the hot path reads it. */
import type { EventSettings, UpdateEventSettingsBody } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { nowIso } from "../../platform/time.js";
import { parseMatchers } from "./events.matchers.js";
import { ShortCache } from "../../platform/short-cache.js";

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
const cache = new ShortCache<EventSettings>(2000);

/** Makes the next read ask the database (another thread changed them, or may have). */
export function forgetEventSettings(db: DbOrTrx): void {
  cache.forget(db);
}

/** The settings (defaults for what was never set). */
export async function getEventSettings(db: DbOrTrx): Promise<EventSettings> {
  return cache.get(db, async () => {
    const row = await db.selectFrom("settings").select("value").where("key", "=", SETTINGS_KEY).executeTakeFirst();
    return { ...DEFAULT_SETTINGS, ...(row ? (JSON.parse(row.value) as Partial<EventSettings>) : {}) };
  });
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
