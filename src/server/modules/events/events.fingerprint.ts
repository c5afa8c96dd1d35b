/**
 * Alertmanager's fingerprint of a label set: 64-bit FNV-1a over the label names in sorted
 * order, each name and value followed by the separator byte 0xff, printed as 16 hex digits.
 * Computing it the same way keeps OpsDesk's ids equal to those Alertmanager and amtool show.
 */

const SEPARATOR = 0xff;

/**
 * The 64-bit state lives in four 16-bit limbs (h0 lowest), so every step is small-integer
 * arithmetic on locals. Multiplying by the prime 2^40 + 0x1b3 is "each limb times 0x1b3" plus
 * "the two low limbs shifted left by 40 bits" (into limbs 2 and 3, bits past 64 dropped), then
 * the carries. Every intermediate stays under 2^31.
 */
let h0 = 0;
let h1 = 0;
let h2 = 0;
let h3 = 0;

function byte(b: number): void {
  const x = h0 ^ b;
  const t0 = x * 0x1b3;
  const t1 = h1 * 0x1b3 + (t0 >>> 16);
  const t2 = h2 * 0x1b3 + (x << 8) + (t1 >>> 16);
  h3 = (h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16)) & 0xffff;
  h2 = t2 & 0xffff;
  h1 = t1 & 0xffff;
  h0 = t0 & 0xffff;
}

function text(s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) byte(c);
    else {
      // Rare: hash the UTF-8 bytes of the rest, as Go does.
      for (const b of Buffer.from(s.slice(i), "utf8")) byte(b);
      return;
    }
  }
}

/** The fingerprint of a label set, exactly as Alertmanager computes it. */
export function fingerprintOf(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  // Offset basis 0xcbf29ce484222325.
  h0 = 0x2325;
  h1 = 0x8422;
  h2 = 0x9ce4;
  h3 = 0xcbf2;
  for (const name of names) {
    text(name);
    byte(SEPARATOR);
    text(labels[name]);
    byte(SEPARATOR);
  }
  return (h3 * 65536 + h2).toString(16).padStart(8, "0") + (h1 * 65536 + h0).toString(16).padStart(8, "0");
}

/** A fingerprint for sources that identify alerts by a key (PagerDuty dedup_key, generic webhooks). */
export function fingerprintOfKey(source: string, key: string): string {
  return fingerprintOf({ __source__: source, __key__: key });
}
