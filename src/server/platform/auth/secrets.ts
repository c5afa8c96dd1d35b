import { hash, randomBytes, timingSafeEqual } from "node:crypto";

/** A URL-safe random secret of `bytes` bytes of entropy. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * SHA-256 of a high-entropy secret. Session ids and API tokens are random 256-bit values, so a
 * fast hash is enough to make a stolen database useless while keeping each request cheap.
 */
export function sha256(value: string): string {
  // The one-shot form: no Hash object per request (Node >= 20.12).
  return hash("sha256", value, "hex");
}

/** Constant-time comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
