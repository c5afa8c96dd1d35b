/**
 * A value read often and changed rarely (a module's settings document), kept for a short time
 * per key (a database). A change made here forgets it before and after the change commits; a
 * read that began before a forget does not keep what it read. On PostgreSQL a read on another
 * connection can begin before a change commits and end after it: kept, its old value would hide
 * the change for the whole time to live. Other processes' changes show up within that time.
 */
export class ShortCache<T> {
  readonly #entries = new WeakMap<object, { at: number; value: T }>();
  readonly #generations = new WeakMap<object, number>();

  constructor(readonly ttlMs: number) {}

  /** The kept value, or what `load` reads now (kept unless the key was forgotten meanwhile). */
  async get(key: object, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const generation = this.#generations.get(key) ?? 0;
    const value = await load();
    if ((this.#generations.get(key) ?? 0) === generation) this.#entries.set(key, { at: Date.now(), value });
    return value;
  }

  /** The next get reads afresh, and reads under way keep nothing. */
  forget(key: object): void {
    this.#entries.delete(key);
    this.#generations.set(key, (this.#generations.get(key) ?? 0) + 1);
  }
}
