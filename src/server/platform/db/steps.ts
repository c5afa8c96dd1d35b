/**
 * Background work on the database done in short steps (a write transaction each), so that the
 * one SQLite writer is never held for long: requests and other writers' commits go between them.
 */

/**
 * Runs `step` again and again for at most `budgetMs`, letting the event loop run between steps;
 * stops early at a step that reports 0 (nothing left). What the steps reported, in all.
 */
export async function stepsWithin(budgetMs: number, step: () => Promise<number>): Promise<number> {
  const until = performance.now() + budgetMs;
  let done = 0;
  for (;;) {
    const n = await step();
    if (n === 0) return done;
    done += n;
    if (performance.now() >= until) return done;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
