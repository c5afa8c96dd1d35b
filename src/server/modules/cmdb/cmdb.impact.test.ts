import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";

describe("impact analysis", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const ci = async (name: string, cls = "linux_server") => {
    const res = await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: cls, name } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const relate = async (sourceId: string, type: string, targetId: string) => {
    const res = await t.app.inject({ method: "POST", url: "/api/v1/relationships", headers: t.admin.auth, payload: { sourceId, type, targetId } });
    expect(res.statusCode, res.body).toBe(201);
  };
  const get = async (url: string) => {
    const res = await t.app.inject({ url, headers: t.admin.auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  /** shop (business service) depends_on checkout (app service) provided... runs_on vm hosted_on hypervisor. */
  async function stack() {
    const shop = await ci("Online shop", "business_service");
    const payroll = await ci("Payroll", "business_service");
    const checkout = await ci("checkout", "application");
    const db = await ci("orders-db", "database");
    const vm = await ci("vm-1", "virtual_machine");
    const hv = await ci("esx-1");
    const rack = await ci("rack-7", "storage");
    await relate(shop, "depends_on", checkout);
    await relate(checkout, "depends_on", db);
    await relate(checkout, "runs_on", vm);
    await relate(db, "runs_on", vm);
    await relate(vm, "virtualized_by", hv);
    await relate(rack, "contains", hv);
    return { shop, payroll, checkout, db, vm, hv, rack };
  }

  it("returns every relationship among the reached CIs, not only the traversal tree", async () => {
    const s = await stack();
    const res = await get(`/api/v1/cis/${s.shop}/dependencies`);
    const edges = res.edges.map((e: { sourceId: string; type: string; targetId: string }) => `${e.sourceId}>${e.type}>${e.targetId}`).sort();
    // checkout -> vm and orders-db -> vm both appear although vm is reached once.
    expect(edges).toEqual(
      [`${s.shop}>depends_on>${s.checkout}`, `${s.checkout}>depends_on>${s.db}`, `${s.checkout}>runs_on>${s.vm}`, `${s.db}>runs_on>${s.vm}`, `${s.vm}>virtualized_by>${s.hv}`, `${s.rack}>contains>${s.hv}`].sort(),
    );
  });

  it("walks downstream from a failing host to what runs on it and the services above, with paths", async () => {
    const s = await stack();
    const res = await get(`/api/v1/cis/${s.hv}/impact`);
    const byName = Object.fromEntries(res.items.map((i: { ci: { name: string } }) => [i.ci.name, i]));
    expect(Object.keys(byName).sort()).toEqual(["Online shop", "checkout", "orders-db", "vm-1"]);
    expect(byName["vm-1"]).toMatchObject({ depth: 1, path: [s.hv, s.vm], relationshipTypes: ["virtualized_by"] });
    expect(byName["checkout"]).toMatchObject({ depth: 2, path: [s.hv, s.vm, s.checkout], relationshipTypes: ["virtualized_by", "runs_on"] });
    expect(byName["Online shop"]).toMatchObject({ depth: 3, relationshipTypes: ["virtualized_by", "runs_on", "depends_on"] });
    // A rack failing impacts what it contains, and onwards.
    const rack = await get(`/api/v1/cis/${s.rack}/impact?depth=2`);
    expect(rack.items.map((i: { ci: { name: string } }) => i.ci.name)).toEqual(["esx-1", "vm-1"]);
  });

  it("walks upstream: what a service depends on", async () => {
    const s = await stack();
    const deps = await get(`/api/v1/cis/${s.shop}/dependencies`);
    expect(deps.items.map((i: { ci: { name: string } }) => i.ci.name)).toEqual(["checkout", "orders-db", "vm-1", "esx-1", "rack-7"]);
    const up = await get(`/api/v1/cis/${s.shop}/impact?direction=upstream&depth=1`);
    expect(up.items.map((i: { ci: { name: string } }) => i.ci.name)).toEqual(["checkout"]);
  });

  it("answers which business services a CI impacts", async () => {
    const s = await stack();
    const svc = await get(`/api/v1/cis/${s.db}/services`);
    expect(svc.items.map((i: { ci: { id: string } }) => i.ci.id)).toEqual([s.shop]);
    expect((await get(`/api/v1/cis/${s.payroll}/services`)).items).toEqual([]);
  });

  it("stops at the depth limit and refuses depths above 10", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await ci(`n${String(i).padStart(2, "0")}`, "application"));
    for (let i = 1; i < ids.length; i++) await relate(ids[i], "depends_on", ids[i - 1]);
    expect((await get(`/api/v1/cis/${ids[0]}/impact?depth=3`)).items.map((i: { depth: number }) => i.depth)).toEqual([1, 2, 3]);
    expect((await get(`/api/v1/cis/${ids[0]}/impact`)).items).toHaveLength(6);
    expect((await get(`/api/v1/cis/${ids[0]}/impact?depth=10`)).items).toHaveLength(10);
    const tooDeep = await t.app.inject({ url: `/api/v1/cis/${ids[0]}/impact?depth=11`, headers: t.admin.auth });
    expect(tooDeep.statusCode).toBe(400);
    expect(tooDeep.json().details.field).toBe("depth");
  });

  it("survives cycles: each CI once, the start never reported", async () => {
    const a = await ci("a", "application");
    const b = await ci("b", "application");
    const c = await ci("c", "application");
    await relate(a, "depends_on", b);
    await relate(b, "depends_on", c);
    await relate(c, "depends_on", a);
    await relate(a, "connects_to", c);
    const res = await get(`/api/v1/cis/${a}/impact?depth=10`);
    expect(res.items.map((i: { ci: { name: string }; depth: number }) => [i.ci.name, i.depth])).toEqual([["c", 1], ["b", 2]]);
    const up = await get(`/api/v1/cis/${a}/impact?direction=upstream&depth=10`);
    expect(up.items.map((i: { ci: { name: string } }) => i.ci.name).sort()).toEqual(["b", "c"]);
  });

  it("answers 404 for an unknown CI", async () => {
    const res = await t.app.inject({ url: "/api/v1/cis/nope/impact", headers: t.admin.auth });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe("ci.not_found");
  });
});
