/**
 * Silences, Alertmanager's way: matchers (equality, regex, negated), a start and an end.
 * Alerts they match are stored as suppressed, never dropped; expiring a silence brings its
 * alerts back to firing.
 */
import { randomUUID } from "node:crypto";
import type { AmGettableSilence, AmMatcher, AmPostableSilence } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { NotFoundError, ValidationError } from "../../platform/errors.js";
import { compileMatcher, matchesAll, parseMatchers } from "./events.matchers.js";
import type { EventsEngine } from "./events.engine.js";

type Row = { id: string; matchers: string; starts_at: string; ends_at: string; created_by: string; comment: string; updated_at: string };

function stateOf(r: Row, now: string): "active" | "pending" | "expired" {
  if (r.ends_at <= now) return "expired";
  if (r.starts_at > now) return "pending";
  return "active";
}

function toSilence(r: Row, now: string): AmGettableSilence {
  return {
    id: r.id,
    status: { state: stateOf(r, now) },
    updatedAt: r.updated_at,
    comment: r.comment,
    createdBy: r.created_by,
    endsAt: r.ends_at,
    matchers: (JSON.parse(r.matchers) as AmMatcher[]).map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual ?? true })),
    startsAt: r.starts_at,
  };
}

const notFound = (id: string) => new NotFoundError("silence.not_found", `No silence ${id}`, { field: "silenceID" });

function validate(input: AmPostableSilence, now: string): { startsAt: string; endsAt: string } {
  input.matchers.forEach((m, i) => {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name)) throw new ValidationError("silence.invalid_matcher", `matchers.${i}.name "${m.name}" is not a label name`, { field: `matchers.${i}.name` });
    compileMatcher(m, `matchers.${i}.value`);
  });
  // A silence whose every matcher also matches an absent label would silence everything.
  if (input.matchers.every((m) => compileMatcher(m).test({}))) {
    throw new ValidationError("silence.matches_everything", "At least one matcher must not match the empty string", { field: "matchers" });
  }
  const startsAt = new Date(input.startsAt).toISOString();
  const endsAt = new Date(input.endsAt).toISOString();
  if (endsAt <= startsAt) throw new ValidationError("silence.invalid_time", "endsAt must be after startsAt", { field: "endsAt" });
  if (endsAt <= now) throw new ValidationError("silence.invalid_time", "endsAt is in the past", { field: "endsAt" });
  // Like Alertmanager: a start in the past means "from now".
  return { startsAt: startsAt < now ? now : startsAt, endsAt };
}

/** POST /api/v2/silences: creates, or updates the silence named by `id` (an expired one is replaced by a new one). */
export async function upsertSilence(db: Db, engine: EventsEngine, actor: Actor, input: AmPostableSilence): Promise<{ silenceID: string }> {
  requirePermission(actor, "events.write");
  const now = new Date().toISOString();
  const { startsAt, endsAt } = validate(input, now);
  const matchers = JSON.stringify(input.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual ?? true })));
  const id = await db.transaction().execute(async (trx) => {
    if (input.id) {
      const existing = await trx.selectFrom("silences").selectAll().where("id", "=", input.id).executeTakeFirst();
      if (!existing) throw notFound(input.id);
      if (stateOf(existing, now) !== "expired") {
        await trx.updateTable("silences").set({ matchers, starts_at: startsAt, ends_at: endsAt, created_by: input.createdBy, comment: input.comment, updated_at: now }).where("id", "=", input.id).execute();
        await recordAudit(trx, actor, { action: "update", entity: "silence", entityId: input.id, before: toSilence(existing, now), after: input });
        return input.id;
      }
    }
    const newId = randomUUID();
    await trx.insertInto("silences").values({ id: newId, matchers, starts_at: startsAt, ends_at: endsAt, created_by: input.createdBy, comment: input.comment, created_at: now, updated_at: now }).execute();
    await recordAudit(trx, actor, { action: "create", entity: "silence", entityId: newId, after: { ...input, id: newId } });
    return newId;
  });
  await engine.suppressionChanged();
  return { silenceID: id };
}

/** GET /api/v2/silences: every silence, active first, then pending, then expired; `filter` keeps those whose matchers satisfy it. */
export async function listSilences(db: Db, actor: Actor, filter: string[] | undefined): Promise<AmGettableSilence[]> {
  requirePermission(actor, "events.read");
  const matchers = parseMatchers(filter, "filter");
  const now = new Date().toISOString();
  const rows = await db.selectFrom("silences").selectAll().orderBy("ends_at").execute();
  const out = rows.map((r) => toSilence(r, now)).filter((s) => !matchers.length || matchesAll(matchers, Object.fromEntries(s.matchers.map((m) => [m.name, m.value]))));
  const rank = { active: 0, pending: 1, expired: 2 };
  return out.sort((a, b) => rank[a.status.state] - rank[b.status.state] || (a.status.state === "expired" ? (a.endsAt < b.endsAt ? 1 : -1) : 0));
}

/** GET /api/v2/silence/{id}. */
export async function getSilence(db: Db, actor: Actor, id: string): Promise<AmGettableSilence> {
  requirePermission(actor, "events.read");
  const row = await db.selectFrom("silences").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound(id);
  return toSilence(row, new Date().toISOString());
}

/** DELETE /api/v2/silence/{id}: expires it now (already expired: nothing to do). */
export async function expireSilence(db: Db, engine: EventsEngine, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, "events.write");
  const now = new Date().toISOString();
  const row = await db.selectFrom("silences").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound(id);
  if (stateOf(row, now) === "expired") return;
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("silences").set({ ends_at: now, updated_at: now, ...(row.starts_at > now ? { starts_at: now } : {}) }).where("id", "=", id).execute();
    await recordAudit(trx, actor, { action: "expire", entity: "silence", entityId: id, before: toSilence(row, now) });
  });
  await engine.suppressionChanged();
}
