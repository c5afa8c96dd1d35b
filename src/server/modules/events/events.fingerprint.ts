/**
 * Alertmanager's fingerprint of a label set: 64-bit FNV-1a over the label names in sorted
 * order, each name and value followed by the separator byte 0xff, printed as 16 hex digits.
 * Computing it the same way keeps OpsDesk's ids equal to those Alertmanager and amtool show.
 */

const SEPARATOR = 0xff;
// FNV-1a 64-bit offset basis 0xcbf29ce484222325, held as two 32-bit halves.
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const TWO_32 = 4294967296;

/**
 * The 64-bit state lives in two 32-bit numbers: multiplying by the prime 2^40 + 0x1b3 is
 * "times 0x1b3" plus "the low half shifted left by 40", which plain doubles hold exactly.
 */
class Fnv64 {
  hi = OFFSET_HI;
  lo = OFFSET_LO;
  byte(b: number): void {
    const lo = (this.lo ^ b) >>> 0;
    const loProduct = lo * 0x1b3;
    const carry = Math.floor(loProduct / TWO_32);
    this.hi = (this.hi * 0x1b3 + carry + (lo & 0xffffff) * 256) >>> 0;
    this.lo = loProduct >>> 0;
  }
  text(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) this.byte(c);
      else {
        // Rare: hash the UTF-8 bytes of the rest, as Go does.
        for (const b of Buffer.from(s.slice(i), "utf8")) this.byte(b);
        return;
      }
    }
  }
  hex(): string {
    return this.hi.toString(16).padStart(8, "0") + this.lo.toString(16).padStart(8, "0");
  }
}

/** The fingerprint of a label set, exactly as Alertmanager computes it. */
export function fingerprintOf(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  const h = new Fnv64();
  for (const name of names) {
    h.text(name);
    h.byte(SEPARATOR);
    h.text(labels[name]);
    h.byte(SEPARATOR);
  }
  return h.hex();
}

/** A fingerprint for sources that identify alerts by a key (PagerDuty dedup_key, generic webhooks). */
export function fingerprintOfKey(source: string, key: string): string {
  return fingerprintOf({ __source__: source, __key__: key });
}
