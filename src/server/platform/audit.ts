/** The audit trail: who changed what, when, from which values to which. */
import type { Insertable } from "kysely";
import type { AuditLogTable, DbOrTrx } from "./db/schema.js";
import type { Actor } from "./auth/permissions.js";
import { nowIso } from "./time.js";

export type AuditAction = "create" | "update" | "delete" | string;

export interface AuditInput {
  action: AuditAction;
  entity: string;
  entityId: string;
  before?: object | null;
  after?: object | null;
}

/** Keys that never reach the audit trail, whatever a caller passes. */
const SECRET_KEYS = new Set(["password", "passwordHash", "password_hash", "tokenHash", "token_hash", "secret", "csrfToken"]);

/** True when a secret key is anywhere in the value (objects and arrays, all levels). */
function holdsSecret(value: unknown): boolean {
  if (value === null || typeof value !== "object" || value instanceof Date) return false;
  if (Array.isArray(value)) return value.some(holdsSecret);
  // What toJSON returns is what gets printed: leave such values to the careful path.
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return true;
  for (const key in value) {
    if (SECRET_KEYS.has(key) || holdsSecret((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * The value as JSON without its secrets. A replacer function makes JSON.stringify call back into
 * JavaScript for every key (1-2% of a ticket creation's CPU); most values hold no secret, and
 * looking for one first is cheaper than that.
 */
export function redact(value: object | null | undefined): string | null {
  if (!value) return null;
  if (!holdsSecret(value)) return JSON.stringify(value);
  return JSON.stringify(value, (k, v) => (SECRET_KEYS.has(k) ? undefined : v));
}

/** Only the fields that differ, so an update's entry shows what changed. */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === "updatedAt") continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}

/** How an actor is named in the audit trail and in histories. */
export function actorLabel(actor: Actor): string {
  return actor.kind === "system" ? "system" : actor.name;
}

/** The row one audit entry is stored as; bulk writers insert many of them at once. */
export function auditRow(actor: Actor, input: AuditInput, at: string = nowIso()): Insertable<AuditLogTable> {
  return {
    at,
    actor_id: actor.id,
    actor_name: actorLabel(actor),
    action: input.action,
    entity: input.entity,
    entity_id: input.entityId,
    before: redact(input.before),
    after: redact(input.after),
    ip: actor.ip ?? null,
  };
}

/** Writes one audit entry; call it inside the transaction that makes the change. */
export async function recordAudit(db: DbOrTrx, actor: Actor, input: AuditInput): Promise<void> {
  await db.insertInto("audit_log").values(auditRow(actor, input)).execute();
}
