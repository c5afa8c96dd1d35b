import { api } from "./client";
import type { CreatedToken, Token } from "./types";

/** API tokens of the signed-in user, or of everyone with `all` (needs tokens.admin). */
export function listTokens(all: boolean, signal?: AbortSignal): Promise<{ items: Token[] }> {
  return api.get("/api/v1/tokens", { query: { all: all ? "true" : undefined }, signal });
}

/** Creates a token; the secret in the answer is never shown again. */
export function createToken(input: { name: string; expiresAt?: string }): Promise<CreatedToken> {
  return api.post("/api/v1/tokens", input);
}

/** Revokes a token; requests made with it fail from now on. */
export function revokeToken(id: string): Promise<void> {
  return api.delete(`/api/v1/tokens/${encodeURIComponent(id)}`);
}
