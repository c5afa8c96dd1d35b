/**
 * Which source set each field of a CI and when it was last confirmed, stored beside the CI
 * (cis.sources) instead of a row per field. Most CIs were written by one source at one moment,
 * so the document names that once: `"*": [source, at]` covers every field the CI holds (a
 * non-null value) that has no entry of its own; other fields have `field: [source, at]`, or
 * `field: null` for a held field that no source set. A freshly created CI stores only `"*"`.
 */
import type { FlatFields } from "./cis.records.js";

/** One field's source and the moment it was last set or confirmed. */
export type SourceEntry = readonly [source: string, confirmedAt: string];

const ALL = "*";

// A bulk batch asks for the same document for each of its thousands of CIs.
let lastSingle = { source: "", at: "", doc: "" };

/** The stored document of a CI that one source wrote at one moment. */
export function singleSource(source: string, at: string): string {
  if (lastSingle.source !== source || lastSingle.at !== at || !lastSingle.doc) lastSingle = { source, at, doc: JSON.stringify({ [ALL]: [source, at] }) };
  return lastSingle.doc;
}

/** Every field's source, from the stored document and the CI's fields (flattened). */
export function readSources(stored: string | null | undefined, fields: FlatFields): Map<string, SourceEntry> {
  const doc = JSON.parse(stored || "{}") as Record<string, SourceEntry | null>;
  const out = new Map<string, SourceEntry>();
  const all = doc[ALL];
  if (all) for (const [field, value] of Object.entries(fields)) if (value !== null && value !== undefined && !(field in doc)) out.set(field, all);
  for (const [field, entry] of Object.entries(doc)) if (field !== ALL && entry) out.set(field, entry);
  return out;
}

/** The stored document for these sources of a CI with these fields: the most common entry among held fields becomes `"*"`. */
export function writeSources(sources: Map<string, SourceEntry>, fields: FlatFields): string {
  const held = Object.keys(fields).filter((f) => fields[f] !== null && fields[f] !== undefined);
  const tally = new Map<string, { entry: SourceEntry; n: number }>();
  for (const field of held) {
    const entry = sources.get(field);
    if (!entry) continue;
    const key = `${entry[0]}\u0000${entry[1]}`;
    const t = tally.get(key);
    if (t) t.n++;
    else tally.set(key, { entry, n: 1 });
  }
  let all: SourceEntry | null = null;
  let best = 0;
  for (const { entry, n } of tally.values()) if (n > best) [all, best] = [entry, n];
  const doc: Record<string, SourceEntry | null> = all ? { [ALL]: all } : {};
  const heldSet = new Set(held);
  for (const field of held) {
    const entry = sources.get(field);
    if (!all) {
      if (entry) doc[field] = entry;
    } else if (!entry) doc[field] = null;
    else if (entry[0] !== all[0] || entry[1] !== all[1]) doc[field] = entry;
  }
  // Fields emptied since a source set them keep their entry.
  for (const [field, entry] of sources) if (!heldSet.has(field)) doc[field] = entry;
  return JSON.stringify(doc);
}
