import { describe, expect, it } from "vitest";
import { redact } from "./audit.js";

describe("audit redaction", () => {
  it("prints values without secrets as they are", () => {
    const value = { title: "Disk full", priority: 2, tags: ["a", "b"], nested: { at: new Date(0), list: [{ x: 1 }] }, none: null };
    expect(redact(value)).toBe(JSON.stringify(value));
    expect(redact(null)).toBeNull();
  });

  it("drops secret keys at every level, in objects and arrays", () => {
    const value = {
      name: "svc",
      password: "p",
      tokens: [{ id: "t1", tokenHash: "h1" }, { id: "t2" }],
      deep: { more: { secret: "s", csrfToken: "c", keep: true } },
    };
    expect(JSON.parse(redact(value)!)).toEqual({ name: "svc", tokens: [{ id: "t1" }, { id: "t2" }], deep: { more: { keep: true } } });
  });

  it("looks into what toJSON returns", () => {
    const value = { wrapped: { toJSON: () => ({ password_hash: "x", ok: 1 }) } };
    expect(JSON.parse(redact(value)!)).toEqual({ wrapped: { ok: 1 } });
  });
});
