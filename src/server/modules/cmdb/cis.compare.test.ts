import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";

describe("comparing a CI at two points in time", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const tick = () => new Promise((r) => setTimeout(r, 15));
  const stamp = async () => {
    await tick();
    const at = new Date().toISOString();
    await tick();
    return at;
  };

  it("rebuilds the CI at each moment and lists the fields that differ", async () => {
    const before = await stamp();
    const created = (
      await t.app.inject({
        method: "POST",
        url: "/api/v1/cis",
        headers: t.admin.auth,
        payload: { class: "linux_server", name: "web-1", environment: "staging", identifiers: { hostname: "web-1" } },
      })
    ).json();
    const afterCreate = await stamp();
    await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${created.id}`, headers: t.admin.auth, payload: { name: "web-01", environment: "production" } });
    const afterEdit = await stamp();

    const res = await t.app.inject({ url: `/api/v1/cis/${created.id}/compare?from=${afterCreate}&to=${afterEdit}`, headers: t.admin.auth });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.from.fields.name).toBe("web-1");
    expect(body.to.fields.name).toBe("web-01");
    expect(body.changes).toEqual([
      { field: "environment", from: "staging", to: "production" },
      { field: "name", from: "web-1", to: "web-01" },
    ]);

    const early = (await t.app.inject({ url: `/api/v1/cis/${created.id}/compare?from=${before}`, headers: t.admin.auth })).json();
    expect(early.from.exists).toBe(false);
    expect(early.to.exists).toBe(true);
    expect(early.to.fields["identifiers.hostname"]).toBe("web-1");
  });

  it("still answers after the CI is deleted, and refuses a reversed range", async () => {
    const created = (await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: "linux_server", name: "old-box" } })).json();
    const alive = await stamp();
    await t.app.inject({ method: "DELETE", url: `/api/v1/cis/${created.id}`, headers: t.admin.auth });
    const res = (await t.app.inject({ url: `/api/v1/cis/${created.id}/compare?from=${alive}`, headers: t.admin.auth })).json();
    expect(res.from.exists).toBe(true);
    expect(res.to.exists).toBe(false);
    expect(res.changes.find((c: { field: string }) => c.field === "name")).toEqual({ field: "name", from: "old-box", to: null });
    const reversed = await t.app.inject({ url: `/api/v1/cis/${created.id}/compare?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z`, headers: t.admin.auth });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().details.field).toBe("from");
    const unknown = await t.app.inject({ url: `/api/v1/cis/nope/compare?from=${alive}`, headers: t.admin.auth });
    expect(unknown.statusCode).toBe(404);
  });
});
