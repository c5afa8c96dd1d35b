import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { newId } from "./cmdb.ids.js";

interface Item {
  ci: { id: string; name: string };
  depth: number;
  from: string;
  type: string;
  path?: string[];
  relationshipTypes?: string[];
}
interface Answer {
  root: { id: string };
  items: Item[];
  edges?: Array<{ id: string; sourceId: string; type: string; targetId: string }>;
}

/** Follows `from` back to the start, as a client of the compact answer does. */
function rebuild(answer: Answer, id: string): { path: string[]; types: string[] } {
  const byId = new Map(answer.items.map((i) => [i.ci.id, i]));
  const path = [id];
  const types: string[] = [];
  for (let at = id; at !== answer.root.id; ) {
    const item = byId.get(at);
    if (!item) throw new Error(`${at} is not in the answer`);
    path.unshift(item.from);
    types.unshift(item.type);
    at = item.from;
  }
  return { path, types };
}

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
  const get = async (url: string): Promise<Answer> => {
    const res = await t.app.inject({ url, headers: t.admin.auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const names = (a: Answer) => a.items.map((i) => i.ci.name);

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

  it("answers relationships only when asked, and then every one among the reached CIs, not only the traversal tree", async () => {
    const s = await stack();
    expect((await get(`/api/v1/cis/${s.shop}/dependencies`)).edges).toBeUndefined();
    expect((await get(`/api/v1/cis/${s.hv}/impact`)).edges).toBeUndefined();
    const res = await get(`/api/v1/cis/${s.shop}/dependencies?edges=true`);
    const edges = res.edges!.map((e) => `${e.sourceId}>${e.type}>${e.targetId}`).sort();
    // checkout -> vm and orders-db -> vm both appear although vm is reached once.
    expect(edges).toEqual(
      [`${s.shop}>depends_on>${s.checkout}`, `${s.checkout}>depends_on>${s.db}`, `${s.checkout}>runs_on>${s.vm}`, `${s.db}>runs_on>${s.vm}`, `${s.vm}>virtualized_by>${s.hv}`, `${s.rack}>contains>${s.hv}`].sort(),
    );
    // Relationships to CIs outside the answer (Payroll is not reached) are left out.
    await relate(s.payroll, "depends_on", s.checkout);
    const fromVm = await get(`/api/v1/cis/${s.vm}/impact?edges=true&depth=1`);
    expect(names(fromVm).sort()).toEqual(["checkout", "orders-db"]);
    expect(fromVm.edges!.map((e) => `${e.sourceId}>${e.type}>${e.targetId}`).sort()).toEqual([`${s.checkout}>depends_on>${s.db}`, `${s.checkout}>runs_on>${s.vm}`, `${s.db}>runs_on>${s.vm}`].sort());
  });

  it("walks downstream from a failing host to what runs on it and the services above, each with the hop that reached it", async () => {
    const s = await stack();
    const res = await get(`/api/v1/cis/${s.hv}/impact`);
    const byName = Object.fromEntries(res.items.map((i) => [i.ci.name, i]));
    expect(Object.keys(byName).sort()).toEqual(["Online shop", "checkout", "orders-db", "vm-1"]);
    expect(byName["vm-1"]).toEqual({ ci: expect.objectContaining({ id: s.vm, name: "vm-1", class: "virtual_machine" }), depth: 1, from: s.hv, type: "virtualized_by" });
    expect(byName["checkout"]).toMatchObject({ depth: 2, from: s.vm, type: "runs_on" });
    expect(byName["Online shop"]).toMatchObject({ depth: 3, from: s.checkout, type: "depends_on" });
    expect(byName["checkout"].path).toBeUndefined();
    expect(rebuild(res, s.shop)).toEqual({ path: [s.hv, s.vm, s.checkout, s.shop], types: ["virtualized_by", "runs_on", "depends_on"] });
    // A rack failing impacts what it contains, and onwards.
    const rack = await get(`/api/v1/cis/${s.rack}/impact?depth=2`);
    expect(names(rack)).toEqual(["esx-1", "vm-1"]);
    // Once the node's graph is built, the same walks read no CI row: the build kept every linked CI's.
    await expect.poll(async () => (await t.app.inject({ url: "/api/v1/cmdb/impact-graph", headers: t.admin.auth })).json().state).toBe("ready");
    expect(await get(`/api/v1/cis/${s.hv}/impact`)).toEqual(res);
    const graph = (await t.app.inject({ url: "/api/v1/cmdb/impact-graph", headers: t.admin.auth })).json();
    expect(graph).toMatchObject({ state: "ready", cis: 6, rowsKept: 6, rowsRead: 0 });
  });

  it("answers full paths with paths=true, the same as the hops rebuild", async () => {
    const s = await stack();
    const res = await get(`/api/v1/cis/${s.rack}/impact?paths=true`);
    expect(names(res)).toEqual(["esx-1", "vm-1", "checkout", "orders-db", "Online shop"]);
    for (const item of res.items) {
      const rebuilt = rebuild(res, item.ci.id);
      expect(item.path).toEqual(rebuilt.path);
      expect(item.relationshipTypes).toEqual(rebuilt.types);
      expect(item.path).toHaveLength(item.depth + 1);
    }
    expect(res.items.at(-1)).toMatchObject({ path: [s.rack, s.hv, s.vm, s.checkout, s.shop], relationshipTypes: ["contains", "virtualized_by", "runs_on", "depends_on"] });
  });

  it("walks upstream: what a service depends on", async () => {
    const s = await stack();
    const deps = await get(`/api/v1/cis/${s.shop}/dependencies`);
    expect(names(deps)).toEqual(["checkout", "orders-db", "vm-1", "esx-1", "rack-7"]);
    expect(rebuild(deps, s.rack)).toEqual({ path: [s.shop, s.checkout, s.vm, s.hv, s.rack], types: ["depends_on", "runs_on", "virtualized_by", "contains"] });
    const up = await get(`/api/v1/cis/${s.shop}/impact?direction=upstream&depth=1`);
    expect(names(up)).toEqual(["checkout"]);
    // Downstream of the service is nothing: nothing depends on it.
    expect((await get(`/api/v1/cis/${s.shop}/impact`)).items).toEqual([]);
  });

  it("follows each relationship type in its own direction of impact", async () => {
    const lb = await ci("lb", "load_balancer");
    const web = await ci("web", "web_server");
    const other = await ci("other", "application");
    const type = async (name: string, impact: string) => {
      const res = await t.app.inject({ method: "POST", url: "/api/v1/relationship-types", headers: t.admin.auth, payload: { name, label: name, reverseLabel: `${name} (reverse)`, impact } });
      expect(res.statusCode, res.body).toBe(201);
    };
    await type("monitors", "none");
    await relate(web, "depends_on", lb); // target_to_source: lb failing impacts web
    await relate(lb, "monitors", other); // carries no impact either way
    await relate(other, "monitors", web);
    expect(names(await get(`/api/v1/cis/${lb}/impact`))).toEqual(["web"]);
    expect(names(await get(`/api/v1/cis/${web}/impact`))).toEqual([]);
    expect(names(await get(`/api/v1/cis/${web}/impact?direction=upstream`))).toEqual(["lb"]);
    // A type an admin adds with source_to_target impact is walked from source to target.
    await type("feeds", "source_to_target");
    await relate(web, "feeds", other);
    expect(await get(`/api/v1/cis/${web}/impact`)).toMatchObject({ items: [{ ci: { id: other }, from: web, type: "feeds" }] });
    expect(names(await get(`/api/v1/cis/${other}/impact?direction=upstream`))).toEqual(["web", "lb"]);
    // connects_to carries impact both ways.
    await relate(lb, "connects_to", other);
    expect(names(await get(`/api/v1/cis/${other}/impact`))).toEqual(["lb", "web"]);
  });

  it("answers which business services a CI impacts, with the path to each", async () => {
    const s = await stack();
    const svc = await get(`/api/v1/cis/${s.db}/services`);
    expect(svc.items).toEqual([expect.objectContaining({ ci: expect.objectContaining({ id: s.shop }), depth: 2, from: s.checkout, path: [s.db, s.checkout, s.shop], relationshipTypes: ["depends_on", "depends_on"] })]);
    expect((await get(`/api/v1/cis/${s.db}/services?paths=false`)).items[0].path).toBeUndefined();
    expect((await get(`/api/v1/cis/${s.payroll}/services`)).items).toEqual([]);
    // Services further than 6 hops are found: this endpoint looks 10 deep unless told.
    const ids: string[] = [s.shop];
    for (let i = 0; i < 8; i++) ids.push(await ci(`layer-${i}`, "application"));
    for (let i = 1; i < ids.length; i++) await relate(ids[i - 1], "depends_on", ids[i]);
    expect((await get(`/api/v1/cis/${ids[8]}/services`)).items.map((i) => [i.ci.name, i.depth])).toEqual([["Online shop", 8]]);
    expect((await get(`/api/v1/cis/${ids[8]}/services?depth=6`)).items).toEqual([]);
  });

  it("stops at the depth limit and refuses depths above 10 and flags that are not booleans", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await ci(`n${String(i).padStart(2, "0")}`, "application"));
    for (let i = 1; i < ids.length; i++) await relate(ids[i], "depends_on", ids[i - 1]);
    expect((await get(`/api/v1/cis/${ids[0]}/impact?depth=3`)).items.map((i) => i.depth)).toEqual([1, 2, 3]);
    expect((await get(`/api/v1/cis/${ids[0]}/impact`)).items).toHaveLength(6);
    const ten = await get(`/api/v1/cis/${ids[0]}/impact?depth=10`);
    expect(ten.items).toHaveLength(10);
    expect(rebuild(ten, ids[10]).path).toEqual(ids.slice(0, 11));
    // The relationship past the limit (n10 <- n11) is not among the edges: n11 is not reached.
    expect((await get(`/api/v1/cis/${ids[0]}/impact?depth=10&edges=true`)).edges).toHaveLength(10);
    const tooDeep = await t.app.inject({ url: `/api/v1/cis/${ids[0]}/impact?depth=11`, headers: t.admin.auth });
    expect(tooDeep.statusCode).toBe(400);
    expect(tooDeep.json().details.field).toBe("depth");
    const notBool = await t.app.inject({ url: `/api/v1/cis/${ids[0]}/impact?edges=maybe`, headers: t.admin.auth });
    expect(notBool.statusCode).toBe(400);
    expect(notBool.json().details.field).toBe("edges");
  });

  it("survives cycles: each CI once, the start never reported", async () => {
    const a = await ci("a", "application");
    const b = await ci("b", "application");
    const c = await ci("c", "application");
    await relate(a, "depends_on", b);
    await relate(b, "depends_on", c);
    await relate(c, "depends_on", a);
    await relate(a, "connects_to", c);
    const res = await get(`/api/v1/cis/${a}/impact?depth=10&paths=true`);
    expect(res.items.map((i) => [i.ci.name, i.depth, i.path])).toEqual([
      ["c", 1, [a, c]],
      ["b", 2, [a, c, b]],
    ]);
    const up = await get(`/api/v1/cis/${a}/impact?direction=upstream&depth=10&edges=true`);
    expect(names(up)).toEqual(["b", "c"]);
    expect(up.edges).toHaveLength(4);
  });

  it("walks wide graphs in one query per level (thousands of CIs in a frontier)", async () => {
    const now = new Date().toISOString();
    const row = (id: string, name: string) => ({ id, class: "application", name, attributes: "{}", lifecycle_status: "in_service", operational_status: "up", created_at: now, updated_at: now });
    const root = newId();
    const mids = Array.from({ length: 2500 }, () => newId());
    const tops = Array.from({ length: 2500 }, () => newId());
    await t.db.insertInto("cis").values(row(root, "root")).execute();
    for (let i = 0; i < mids.length; i += 500) {
      await t.db.insertInto("cis").values(mids.slice(i, i + 500).map((id, k) => row(id, `mid-${String(i + k).padStart(4, "0")}`))).execute();
      await t.db.insertInto("cis").values(tops.slice(i, i + 500).map((id, k) => row(id, `top-${String(i + k).padStart(4, "0")}`))).execute();
      const rels = mids.slice(i, i + 500).flatMap((id, k) => [
        { id: newId(), source_id: id, type: "depends_on", target_id: root, data_source: "test", created_at: now },
        { id: newId(), source_id: tops[i + k], type: "runs_on", target_id: id, data_source: "test", created_at: now },
      ]);
      await t.db.insertInto("ci_relationships").values(rels).execute();
    }
    const res = await get(`/api/v1/cis/${root}/impact?edges=true`);
    expect(res.items).toHaveLength(5000);
    expect(res.items.filter((i) => i.depth === 2)).toHaveLength(2500);
    expect(res.edges).toHaveLength(5000);
    expect(rebuild(res, tops[1234])).toEqual({ path: [root, mids[1234], tops[1234]], types: ["depends_on", "runs_on"] });
  });

  it("answers 404 for an unknown CI", async () => {
    const res = await t.app.inject({ url: "/api/v1/cis/nope/impact", headers: t.admin.auth });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe("ci.not_found");
  });
});
