import { hash, verify } from "@node-rs/argon2";

// OWASP's recommended argon2id profile (19 MiB, 2 passes, 1 lane).
const OPTIONS = { algorithm: 2 /* Argon2id; the enum is const and cannot be imported here */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Minimum and maximum password lengths enforced everywhere a password is set. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

let dummyHash: Promise<string> | null = null;

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/**
 * Verifies a password. When there is no stored hash (unknown account) it still spends the
 * same time on a dummy hash, so response times do not reveal which emails exist.
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    dummyHash ??= hashPassword("opsdesk-dummy-password");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
