// How benchmarks state their verdicts: one line per target, met or MISSED, never implied.

/** "target <what>: met (<actual>)" or "target <what>: MISSED (<actual>)". */
export function targetLine(what, ok, actual) {
  return `target ${what}: ${ok ? "met" : "MISSED"} (${actual})`;
}

/** Milliseconds with precision that suits their size. */
export function ms(v) {
  if (!Number.isFinite(v)) return "n/a";
  return v < 10 ? `${v.toFixed(2)} ms` : v < 100 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

/** Prints lines to stdout. */
export function print(lines) {
  process.stdout.write(lines.join("\n") + "\n");
}
