/**
 * Ids of CIs and relationships: UUID version 7 (RFC 9562), whose first 48 bits are the
 * creation time in milliseconds. Random (version 4) ids put every new CI at a random place in
 * each index keyed by CI id (the CI itself, its identifiers, sources and history, its
 * relationships), so a bulk load of a million CIs dirties a page per index per CI; ids that
 * grow with time append to the right edge of those indexes instead.
 */
import { randomFillSync } from "node:crypto";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
// Random bytes are drawn 4 KiB at a time: one call per id cost more than the rest of a bulk insert's id work.
const POOL = new Uint8Array(4096);
let used = POOL.length;

/** A new time-ordered UUID. */
export function newId(now: number = Date.now()): string {
  if (used + 10 > POOL.length) {
    randomFillSync(POOL);
    used = 0;
  }
  const r = used;
  used += 10;
  // 48 bits of milliseconds, most significant first: the first 8 hex digits, a dash, 4 more.
  const high = Math.floor(now / 0x1000000);
  const low = now % 0x1000000;
  const time = HEX[(high >>> 16) & 255] + HEX[(high >>> 8) & 255] + HEX[high & 255] + HEX[(low >>> 16) & 255] + "-" + HEX[(low >>> 8) & 255] + HEX[low & 255];
  const version = HEX[0x70 | (POOL[r] & 0x0f)] + HEX[POOL[r + 1]]; // version 7
  const variant = HEX[0x80 | (POOL[r + 2] & 0x3f)] + HEX[POOL[r + 3]]; // RFC 9562 variant
  let tail = "";
  for (let i = r + 4; i < r + 10; i++) tail += HEX[POOL[i]];
  return `${time}-${version}-${variant}-${tail}`;
}
