/** Current time as the ISO string stored in every timestamp column. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** An ISO timestamp `ms` milliseconds from now (negative for the past). */
export function isoIn(ms: number, from: Date = new Date()): string {
  return new Date(from.getTime() + ms).toISOString();
}
