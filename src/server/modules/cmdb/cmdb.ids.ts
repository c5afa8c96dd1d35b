/**
 * Ids of CIs and relationships: UUID version 7 (RFC 9562), whose first 48 bits are the
 * creation time in milliseconds. Random (version 4) ids put every new CI at a random place in
 * each index keyed by CI id (the CI itself, its identifiers, sources and history, its
 * relationships), so a bulk load of a million CIs dirties a page per index per CI; ids that
 * grow with time append to the right edge of those indexes instead.
 */
import { randomFillSync } from "node:crypto";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const bytes = new Uint8Array(16);

/** A new time-ordered UUID. */
export function newId(now: number = Date.now()): string {
  randomFillSync(bytes, 6, 10);
  let t = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  bytes[6] = 0x70 | (bytes[6] & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8] & 0x3f); // RFC 9562 variant
  const h = Array.from(bytes, (b) => HEX[b]);
  return `${h[0]}${h[1]}${h[2]}${h[3]}-${h[4]}${h[5]}-${h[6]}${h[7]}-${h[8]}${h[9]}-${h[10]}${h[11]}${h[12]}${h[13]}${h[14]}${h[15]}`;
}
