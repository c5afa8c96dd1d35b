// How benchmarks read their options and state their verdicts: one line per target, met or
// MISSED, never implied.
import { parseArgs } from "node:util";

/** "target <what>: met (<actual>)" or "target <what>: MISSED (<actual>)". */
export function targetLine(what, ok, actual) {
  return `target ${what}: ${ok ? "met" : "MISSED"} (${actual})`;
}

/** Milliseconds with precision that suits their size. */
export function ms(v) {
  if (!Number.isFinite(v)) return "n/a";
  return v < 10 ? `${v.toFixed(2)} ms` : v < 100 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

/** Prints lines to stdout (nothing for an empty list). */
export function print(lines) {
  if (lines.length) process.stdout.write(lines.join("\n") + "\n");
}

/** A mistake on the command line: reported with the usage text, without a stack trace. */
export class UsageError extends Error {}

/** The command-line options; a mistake becomes a UsageError with the usage text, --help prints it and exits. */
export function parseOptions(options, usage) {
  let values;
  try {
    ({ values } = parseArgs({ options }));
  } catch (err) {
    throw new UsageError(`${err.message}\n${usage}`);
  }
  if (values.help) {
    print([usage]);
    process.exit(0);
  }
  return values;
}

/** The last word of a benchmark that failed: usage mistakes briefly, anything else with its stack. */
export function reportFailure(name, err) {
  process.stderr.write(err instanceof UsageError ? `${err.message}\n` : `bench ${name} failed: ${err.stack ?? err}\n`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
}
