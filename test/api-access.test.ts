/**
 * Generated over the OpenAPI document: every operation refuses anonymous callers, every
 * operation refuses roles that lack its declared permission, and every write operation
 * refuses malformed JSON, the wrong content type, non-object bodies and oversized bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLE_META, ROLES } from "../src/server/platform/auth/permissions.js";
import { createTestApp, type TestApp, type TestUser } from "./helpers/test-app.js";

interface Operation {
  method: string;
  path: string;
  url: string;
  public: boolean;
  permission?: string;
  hasBody: boolean;
}

const ID = "00000000-0000-0000-0000-000000000000";

async function operations(t: TestApp): Promise<Operation[]> {
  const doc = (await t.app.inject({ url: "/api/openapi.json" })).json();
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      ops.push({
        method: method.toUpperCase(),
        path,
        url: path.replace(/\{[^}]+\}/g, ID),
        public: Array.isArray(op.security) && op.security.length === 0,
        permission: op["x-permission"] as string | undefined,
        hasBody: Boolean(op.requestBody),
      });
    }
  }
  return ops;
}

describe("access control over every API operation", () => {
  let t: TestApp;
  let ops: Operation[];
  const byRole: Record<string, TestUser> = {};

  beforeAll(async () => {
    t = await createTestApp({ bodyLimitBytes: 64 * 1024 });
    ops = await operations(t);
    for (const role of ROLES) byRole[role] = await t.user(role);
  });
  afterAll(async () => t.close());

  it("documents the platform's operations", () => {
    const names = ops.map((o) => `${o.method} ${o.path}`);
    expect(names).toEqual(expect.arrayContaining(["GET /api/v1/users", "POST /api/v1/groups", "DELETE /api/v1/tokens/{id}", "GET /api/v1/audit"]));
    expect(ops.length).toBeGreaterThan(15);
  });

  it("refuses anonymous callers on every non-public operation", async () => {
    const checked: string[] = [];
    for (const op of ops.filter((o) => !o.public)) {
      const res = await t.app.inject({ method: op.method as "GET", url: op.url, ...(op.hasBody ? { payload: {} } : {}) });
      expect(res.statusCode, `${op.method} ${op.path}`).toBe(401);
      expect(res.json().error, `${op.method} ${op.path}`).toBe("auth.required");
      checked.push(op.path);
    }
    expect(checked.length).toBeGreaterThan(10);
  });

  it("keeps the public operations few and known", () => {
    const pub = ops.filter((o) => o.public).map((o) => `${o.method} ${o.path}`).sort();
    expect(pub).toEqual(["GET /api/v1/setup", "POST /api/v1/auth/login", "POST /api/v1/setup"]);
  });

  it("refuses every role lacking the operation's permission with 403", async () => {
    let refused = 0;
    for (const op of ops.filter((o) => o.permission)) {
      for (const role of ROLES) {
        if ((ROLE_META[role].permissions as readonly string[]).includes(op.permission!)) continue;
        const res = await t.app.inject({ method: op.method as "GET", url: op.url, headers: byRole[role].auth, ...(op.hasBody ? { payload: {} } : {}) });
        // A 400 for the empty body would mean validation ran before authorization.
        expect(res.statusCode, `${role} ${op.method} ${op.path}`).toBe(403);
        expect(res.json().error).toBe("auth.forbidden");
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(20);
  });

  it("never answers 500 to an authorised caller with an unknown id", async () => {
    for (const op of ops.filter((o) => o.url.includes(ID))) {
      const res = await t.app.inject({ method: op.method as "GET", url: op.url, headers: t.admin.auth, ...(op.hasBody ? { payload: { name: "x" } } : {}) });
      expect(res.statusCode, `${op.method} ${op.path}`).toBeLessThan(500);
      expect(res.statusCode, `${op.method} ${op.path}`).toBeGreaterThanOrEqual(400);
    }
  });

  describe("bad input on every write operation", () => {
    const writes = () => ops.filter((o) => o.hasBody);
    const headers = () => t.admin.auth;

    it("malformed JSON -> 400 request.malformed_json", async () => {
      for (const op of writes()) {
        const res = await t.app.inject({ method: op.method as "POST", url: op.url, headers: { ...headers(), "content-type": "application/json" }, payload: '{"name": ' });
        expect(res.statusCode, `${op.method} ${op.path}`).toBe(400);
        expect(res.json().error).toBe("request.malformed_json");
      }
    });

    it("wrong content type -> 400 naming content-type", async () => {
      for (const op of writes()) {
        for (const type of ["text/plain", "application/xml", "application/x-www-form-urlencoded"]) {
          const res = await t.app.inject({ method: op.method as "POST", url: op.url, headers: { ...headers(), "content-type": type }, payload: "name=x" });
          expect(res.statusCode, `${type} ${op.method} ${op.path}`).toBe(400);
          expect(res.json().details.field).toBe("content-type");
        }
      }
    });

    it("a JSON array, a string or a number instead of an object -> 400 naming the body", async () => {
      for (const op of writes()) {
        for (const payload of ["[]", '"text"', "42", "null"]) {
          const res = await t.app.inject({ method: op.method as "POST", url: op.url, headers: { ...headers(), "content-type": "application/json" }, payload });
          expect(res.statusCode, `${payload} ${op.method} ${op.path}`).toBe(400);
          expect(res.json().error).toMatch(/^request\./);
        }
      }
    });

    it("oversized body -> 413", async () => {
      const big = JSON.stringify({ name: "x".repeat(100 * 1024) });
      for (const op of writes()) {
        const res = await t.app.inject({ method: op.method as "POST", url: op.url, headers: { ...headers(), "content-type": "application/json" }, payload: big });
        expect(res.statusCode, `${op.method} ${op.path}`).toBe(413);
        expect(res.json().error).toBe("request.too_large");
      }
    });

    it("unknown fields -> 400 naming the field", async () => {
      for (const op of writes()) {
        const res = await t.app.inject({ method: op.method as "POST", url: op.url, headers: headers(), payload: { surprise: 1 } });
        expect(res.statusCode, `${op.method} ${op.path}`).toBe(400);
      }
    });
  });

  it("answers unknown routes with 404 in the error shape", async () => {
    const res = await t.app.inject({ url: "/api/v1/nothing-here", headers: t.admin.auth });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: "route.not_found" });
  });
});
