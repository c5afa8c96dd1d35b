import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

describe("configuration", () => {
  it("reconciles bulk CMDB batches on their own thread unless OPSDESK_BULK_THREAD turns it off", () => {
    expect(loadConfig({}, {}).bulkThread).toBe(true);
    for (const off of ["0", "false", "off"]) expect(loadConfig({}, { OPSDESK_BULK_THREAD: off }).bulkThread).toBe(false);
    expect(() => loadConfig({}, { OPSDESK_BULK_THREAD: "maybe" })).toThrow(/OPSDESK_BULK_THREAD must be 1\/true\/on or 0\/false\/off, got "maybe"/);
  });

  it("folds alerts on their own thread unless OPSDESK_FOLD_THREAD turns it off", () => {
    expect(loadConfig({}, {}).foldThread).toBe(true);
    for (const off of ["0", "false", "off", "NO"]) expect(loadConfig({}, { OPSDESK_FOLD_THREAD: off }).foldThread).toBe(false);
    for (const on of ["1", "true", "on"]) expect(loadConfig({}, { OPSDESK_FOLD_THREAD: on }).foldThread).toBe(true);
  });

  it("refuses a switch it cannot read, naming the variable", () => {
    expect(() => loadConfig({}, { OPSDESK_FOLD_THREAD: "maybe" })).toThrow(/OPSDESK_FOLD_THREAD must be 1\/true\/on or 0\/false\/off, got "maybe"/);
  });

  it("sizes the response cache from OPSDESK_RESPONSE_CACHE_MB (default 32, 0 = off) and refuses anything else", () => {
    expect(loadConfig({}, {}).responseCacheMb).toBe(32);
    expect(loadConfig({}, { OPSDESK_RESPONSE_CACHE_MB: "0" }).responseCacheMb).toBe(0);
    expect(loadConfig({}, { OPSDESK_RESPONSE_CACHE_MB: "128" }).responseCacheMb).toBe(128);
    expect(() => loadConfig({}, { OPSDESK_RESPONSE_CACHE_MB: "lots" })).toThrow(/OPSDESK_RESPONSE_CACHE_MB must be a non-negative integer, got "lots"/);
  });
});
