import { describe, expect, it, vi } from "vitest";
import { ShortCache } from "./short-cache.js";

describe("ShortCache", () => {
  it("keeps a value for its time to live, per key", async () => {
    vi.useFakeTimers();
    try {
      const cache = new ShortCache<number>(2000);
      const a = {};
      const b = {};
      let reads = 0;
      const load = async () => ++reads;
      expect(await cache.get(a, load)).toBe(1);
      expect(await cache.get(a, load)).toBe(1);
      expect(await cache.get(b, load)).toBe(2);
      vi.advanceTimersByTime(2001);
      expect(await cache.get(a, load)).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("reads afresh after a forget, and keeps nothing a read that began before the forget returned", async () => {
    const cache = new ShortCache<string>(60_000);
    const key = {};
    let stored = "old";
    // A read begins (it has read "old"), the value changes and is forgotten, then the read ends.
    let finish!: () => void;
    const slow = cache.get(key, async () => {
      const seen = stored;
      await new Promise<void>((resolve) => (finish = resolve));
      return seen;
    });
    stored = "new";
    cache.forget(key);
    finish();
    expect(await slow).toBe("old");
    expect(await cache.get(key, async () => stored)).toBe("new");
    // And a value that was kept is dropped by a forget.
    stored = "newer";
    cache.forget(key);
    expect(await cache.get(key, async () => stored)).toBe("newer");
  });
});
