/** API tokens: bearer secrets for scripts and integrations, stored only as hashes. */
import { randomUUID } from "node:crypto";
import type { ApiToken, CreateTokenBody, ListTokensQuery } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { can, requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { randomSecret, sha256 } from "../../platform/auth/secrets.js";
import { forgetCachedActors } from "../../platform/auth/authenticate.js";
import { recordAudit } from "../../platform/audit.js";
import { ConflictError, NotFoundError, ValidationError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";

/** Every secret starts with this, so leaked tokens are easy to find by scanners. */
export const TOKEN_PREFIX = "odt_";

function selectTokens(db: DbOrTrx) {
  return db
    .selectFrom("api_tokens as t")
    .innerJoin("users as u", "u.id", "t.user_id")
    .select(["t.id", "t.name", "t.prefix", "t.user_id", "u.email", "t.created_at", "t.expires_at", "t.last_used_at", "t.revoked_at"]);
}

type TokenRow = Awaited<ReturnType<ReturnType<typeof selectTokens>["executeTakeFirstOrThrow"]>>;

function toToken(r: TokenRow): ApiToken {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    userId: r.user_id,
    userEmail: r.email,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

/** Tokens of the caller, or (admins) of one user or everyone. */
export async function listTokens(db: Db, actor: Actor, query: ListTokensQuery): Promise<{ items: ApiToken[] }> {
  requirePermission(actor, "tokens.own");
  let q = selectTokens(db);
  if (query.all || (query.userId && query.userId !== actor.id)) {
    requirePermission(actor, "tokens.admin");
    if (query.userId) q = q.where("t.user_id", "=", query.userId);
  } else {
    q = q.where("t.user_id", "=", actor.id ?? "");
  }
  const rows = await q.orderBy("t.created_at", "desc").orderBy("t.id").execute();
  return { items: rows.map(toToken) };
}

/** Creates a token and returns its secret: the only time the secret exists in clear. */
export async function createToken(db: Db, actor: Actor, input: CreateTokenBody): Promise<{ token: ApiToken; secret: string }> {
  requirePermission(actor, "tokens.own");
  const userId = input.userId ?? actor.id;
  if (!userId) throw new ValidationError("token.user_required", "userId is required when acting as the system", { field: "userId" });
  if (userId !== actor.id) requirePermission(actor, "tokens.admin");
  if (input.expiresAt && new Date(input.expiresAt).getTime() <= Date.now()) {
    throw new ValidationError("token.expiry_in_past", "expiresAt must be in the future", { field: "expiresAt" });
  }
  const secret = `${TOKEN_PREFIX}${randomSecret(32)}`;
  const id = randomUUID();
  return db.transaction().execute(async (trx) => {
    const owner = await trx.selectFrom("users").select(["id", "active"]).where("id", "=", userId).executeTakeFirst();
    if (!owner) throw new NotFoundError("user.not_found", `No user ${userId}`, { field: "userId" });
    await trx
      .insertInto("api_tokens")
      .values({
        id,
        user_id: userId,
        name: input.name.trim(),
        prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
        token_hash: sha256(secret),
        created_at: nowIso(),
        expires_at: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    const token = toToken(await selectTokens(trx).where("t.id", "=", id).executeTakeFirstOrThrow());
    await recordAudit(trx, actor, { action: "create", entity: "api_token", entityId: id, after: token });
    return { token, secret };
  });
}

/** Revokes a token (own tokens, or any token for admins). Revoking twice is a 409. */
export async function revokeToken(db: Db, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, "tokens.own");
  await db.transaction().execute(async (trx) => {
    const row = await selectTokens(trx).where("t.id", "=", id).executeTakeFirst();
    // Someone else's token is reported as missing unless the caller may manage all tokens.
    if (!row || (row.user_id !== actor.id && !can(actor, "tokens.admin"))) {
      throw new NotFoundError("token.not_found", `No token ${id}`, { id });
    }
    if (row.revoked_at) throw new ConflictError("token.already_revoked", "This token is already revoked", { id });
    const now = nowIso();
    await trx.updateTable("api_tokens").set({ revoked_at: now }).where("id", "=", id).execute();
    await recordAudit(trx, actor, { action: "revoke", entity: "api_token", entityId: id, before: toToken(row), after: { ...toToken(row), revokedAt: now } });
  }).finally(forgetCachedActors); // refused from the next request on
}
