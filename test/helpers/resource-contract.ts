/**
 * The same contract tests for every REST resource (list, filter, sort, get, create, update,
 * delete, forbidden, bad input), generated from a few lines of description.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../src/server/platform/auth/permissions.js";
import { createTestApp, type TestApp, type TestUser } from "./test-app.js";

export interface ResourceSpec {
  /** e.g. "groups" */
  name: string;
  /** Collection path, e.g. /api/v1/groups */
  path: string;
  /** A valid create body; called with a counter so each is unique. */
  valid(n: number): Record<string, unknown>;
  /** A valid update body and the field it changes. */
  update: Record<string, unknown>;
  /** Query that must find the created item and exclude others: [query, matching body index]. */
  search?: { query(body: Record<string, unknown>): string };
  /** Sort key checked ascending and descending on a string field. */
  sort?: { key: string; field: string };
  /** Bodies that must be refused with 400, and the field the error must name. */
  invalid: Array<{ body: unknown; field: string }>;
  /** A field that must be unique (creating twice gives 409). */
  unique?: string;
  /** A role that may read but not write. */
  readOnlyRole: Role;
  /** A role that may neither read nor write. */
  noAccessRole: Role;
}

/** Generates the contract tests for one resource. */
export function resourceContract(spec: ResourceSpec): void {
  describe(`${spec.name} API contract`, () => {
    let t: TestApp;
    let reader: TestUser;
    let outsider: TestUser;
    let n = 0;
    const next = () => spec.valid(++n);

    beforeAll(async () => {
      t = await createTestApp();
      reader = await t.user(spec.readOnlyRole);
      outsider = await t.user(spec.noAccessRole);
    });
    afterAll(async () => t.close());

    const create = async (body: Record<string, unknown>) => {
      const res = await t.app.inject({ method: "POST", url: spec.path, headers: t.admin.auth, payload: body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };

    it("creates, then gets the same record", async () => {
      const body = next();
      const created = await create(body);
      for (const [k, v] of Object.entries(body)) {
        if (k !== "password") expect(created[k]).toEqual(typeof v === "string" && k === "email" ? v.toLowerCase() : v);
      }
      const got = await t.app.inject({ url: `${spec.path}/${created.id}`, headers: t.admin.auth });
      expect(got.statusCode).toBe(200);
      expect(got.json().id).toBe(created.id);
    });

    it("lists with total, limit and offset that page without overlap", async () => {
      for (let i = 0; i < 3; i++) await create(next());
      const first = (await t.app.inject({ url: `${spec.path}?limit=2&offset=0`, headers: t.admin.auth })).json();
      const second = (await t.app.inject({ url: `${spec.path}?limit=2&offset=2`, headers: t.admin.auth })).json();
      expect(first.total).toBeGreaterThanOrEqual(3);
      expect(first.items).toHaveLength(2);
      expect(first.limit).toBe(2);
      const ids = new Set(first.items.map((i: { id: string }) => i.id));
      for (const item of second.items) expect(ids.has(item.id)).toBe(false);
    });

    if (spec.search) {
      it("filters by search text", async () => {
        const body = next();
        const created = await create(body);
        await create(next());
        const res = await t.app.inject({ url: `${spec.path}?${spec.search!.query(body)}`, headers: t.admin.auth });
        expect(res.statusCode).toBe(200);
        const items = res.json().items as Array<{ id: string }>;
        expect(items.map((i) => i.id)).toEqual([created.id]);
      });
    }

    if (spec.sort) {
      it("sorts ascending and descending", async () => {
        for (let i = 0; i < 3; i++) await create(next());
        const field = spec.sort!.field;
        const up = (await t.app.inject({ url: `${spec.path}?sort=${spec.sort!.key}&limit=500`, headers: t.admin.auth })).json().items;
        const down = (await t.app.inject({ url: `${spec.path}?sort=-${spec.sort!.key}&limit=500`, headers: t.admin.auth })).json().items;
        const values = up.map((i: Record<string, string>) => i[field]);
        expect(values).toEqual([...values].sort((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)));
        expect(down.map((i: Record<string, string>) => i[field])).toEqual([...values].reverse());
      });
    }

    it("refuses an unknown sort field and a bad limit with 400", async () => {
      const bad = await t.app.inject({ url: `${spec.path}?sort=nope`, headers: t.admin.auth });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details.field).toBe("sort");
      const limit = await t.app.inject({ url: `${spec.path}?limit=0`, headers: t.admin.auth });
      expect(limit.statusCode).toBe(400);
      expect(limit.json().details.field).toBe("limit");
    });

    it("updates and records before/after in the audit trail", async () => {
      const created = await create(next());
      const res = await t.app.inject({ method: "PATCH", url: `${spec.path}/${created.id}`, headers: t.admin.auth, payload: spec.update });
      expect(res.statusCode, res.body).toBe(200);
      for (const [k, v] of Object.entries(spec.update)) expect(res.json()[k]).toEqual(v);
      const audit = (await t.app.inject({ url: `/api/v1/audit?entityId=${created.id}&action=update`, headers: t.admin.auth })).json();
      expect(audit.items).toHaveLength(1);
      const [k] = Object.keys(spec.update);
      expect(audit.items[0].after[k]).toEqual(spec.update[k]);
      expect(audit.items[0].before[k]).toEqual(created[k]);
      expect(audit.items[0].actorId).toBe(t.admin.user.id);
    });

    it("deletes, then answers 404 with a stable error code", async () => {
      const created = await create(next());
      const del = await t.app.inject({ method: "DELETE", url: `${spec.path}/${created.id}`, headers: t.admin.auth });
      expect(del.statusCode).toBe(204);
      const got = await t.app.inject({ url: `${spec.path}/${created.id}`, headers: t.admin.auth });
      expect(got.statusCode).toBe(404);
      expect(got.json().error).toMatch(/\.not_found$/);
      const again = await t.app.inject({ method: "DELETE", url: `${spec.path}/${created.id}`, headers: t.admin.auth });
      expect(again.statusCode).toBe(404);
      const audit = (await t.app.inject({ url: `/api/v1/audit?entityId=${created.id}&action=delete`, headers: t.admin.auth })).json();
      expect(audit.items).toHaveLength(1);
      expect(audit.items[0].before.id).toBe(created.id);
    });

    it(`lets a ${spec.readOnlyRole} read but not write`, async () => {
      const created = await create(next());
      expect((await t.app.inject({ url: spec.path, headers: reader.auth })).statusCode).toBe(200);
      expect((await t.app.inject({ url: `${spec.path}/${created.id}`, headers: reader.auth })).statusCode).toBe(200);
      const writes = [
        t.app.inject({ method: "POST", url: spec.path, headers: reader.auth, payload: next() }),
        t.app.inject({ method: "PATCH", url: `${spec.path}/${created.id}`, headers: reader.auth, payload: spec.update }),
        t.app.inject({ method: "DELETE", url: `${spec.path}/${created.id}`, headers: reader.auth }),
      ];
      for (const res of await Promise.all(writes)) {
        expect(res.statusCode).toBe(403);
        expect(res.json().error).toBe("auth.forbidden");
      }
    });

    it(`refuses a ${spec.noAccessRole} even reading`, async () => {
      const created = await create(next());
      expect((await t.app.inject({ url: spec.path, headers: outsider.auth })).statusCode).toBe(403);
      expect((await t.app.inject({ url: `${spec.path}/${created.id}`, headers: outsider.auth })).statusCode).toBe(403);
    });

    it("refuses invalid bodies with 400 naming the field, and stores nothing", async () => {
      const before = (await t.app.inject({ url: `${spec.path}?limit=1`, headers: t.admin.auth })).json().total;
      for (const { body, field } of spec.invalid) {
        const res = await t.app.inject({ method: "POST", url: spec.path, headers: t.admin.auth, payload: body as object });
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().details.field, JSON.stringify(body)).toBe(field);
        expect(res.body).not.toMatch(/at .*\.ts:\d+/); // no stack traces
      }
      const after = (await t.app.inject({ url: `${spec.path}?limit=1`, headers: t.admin.auth })).json().total;
      expect(after).toBe(before);
    });

    if (spec.unique) {
      it(`refuses a duplicate ${spec.unique} with 409`, async () => {
        const body = next();
        await create(body);
        const res = await t.app.inject({ method: "POST", url: spec.path, headers: t.admin.auth, payload: body });
        expect(res.statusCode).toBe(409);
        expect(res.json().details.field).toBe(spec.unique);
      });
    }

    it("answers 404 for an unknown id", async () => {
      const res = await t.app.inject({ url: `${spec.path}/00000000-0000-0000-0000-000000000000`, headers: t.admin.auth });
      expect(res.statusCode).toBe(404);
    });
  });
}
