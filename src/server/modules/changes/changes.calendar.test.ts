import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, changeKit, type ChangeKit } from "./changes.fixtures.js";

describe("change calendar and conflicts", () => {
  let k: ChangeKit;
  beforeEach(async () => {
    k = await changeKit();
  });
  afterEach(async () => k.close());

  const window = (from: number, to: number) => ({ plannedStart: at(from), plannedEnd: at(to) });
  const conflicts = async (ref: string) => (await k.call("GET", `/api/v1/changes/${ref}/conflicts`)).body.items as Array<Record<string, any>>;
  const blackout = async (body: Record<string, unknown>) => {
    const res = await k.call("POST", "/api/v1/change-blackouts", { name: "Freeze", ...body }, k.t.admin);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  it("flags overlapping changes on the same CI, not those before or after", async () => {
    const db = await k.ci("db-1");
    const a = await k.change({ ciId: db, change: window(10, 14) });
    const b = await k.change({ title: "Patch db-1", affectedCiIds: [db], change: window(12, 16) });
    const later = await k.change({ ciId: db, change: window(14, 15) });
    const [ca] = await conflicts(a.number);
    expect(ca).toMatchObject({ type: "same_ci", change: { number: b.number, plannedStart: at(12) }, blackout: null, cis: [{ id: db, name: "db-1" }] });
    expect((await conflicts(a.number)).map((c) => c.change.number)).toEqual([b.number]);
    expect((await conflicts(later.number)).map((c) => c.change.number)).toEqual([b.number]);
    const other = await k.change({ ciId: await k.ci("db-2"), change: window(10, 14) });
    expect(await conflicts(other.number)).toEqual([]);
  });

  it("flags changes on different CIs of the same business service", async () => {
    const shop = await k.ci("Online shop", "business_service");
    const web = await k.ci("web-1");
    const app = await k.ci("shop-app", "application");
    await k.relate(app, "runs_on", web);
    await k.relate(shop, "depends_on", app);
    const db = await k.ci("db-1");
    await k.relate(shop, "depends_on", db);
    const a = await k.change({ ciId: web, change: window(1, 3) });
    const b = await k.change({ ciId: db, change: window(2, 4) });
    expect(a.services).toEqual([{ id: shop, name: "Online shop" }]);
    expect(await conflicts(a.number)).toEqual([expect.objectContaining({ type: "same_service", change: expect.objectContaining({ number: b.number }), cis: [{ id: shop, name: "Online shop" }] })]);
    const onService = await k.change({ ciId: shop, change: window(2, 3) });
    expect((await conflicts(onService.number)).map((c) => c.type)).toEqual(["same_service", "same_service"]);
    expect((await conflicts(onService.number)).map((c) => c.change.number).sort()).toEqual([a.number, b.number].sort());
  });

  it("flags changes inside blackout windows that apply everywhere or to their CIs", async () => {
    const web = await k.ci("web-1");
    const other = await k.ci("other");
    const everywhere = await blackout({ name: "Year-end freeze", startsAt: at(0), endsAt: at(24) });
    await blackout({ name: "Other freeze", startsAt: at(0), endsAt: at(24), ciIds: [other] });
    const scoped = await blackout({ name: "Web freeze", startsAt: at(5), endsAt: at(6), ciIds: [web] });
    const c = await k.change({ ciId: web, change: window(4, 8) });
    const found = await conflicts(c.number);
    expect(found.map((x) => x.blackout.name)).toEqual(["Year-end freeze", "Web freeze"]);
    expect(found[0]).toMatchObject({ type: "blackout", change: null, cis: [], blackout: { id: everywhere.id, startsAt: at(0), endsAt: at(24) } });
    expect(found[1]).toMatchObject({ blackout: { id: scoped.id }, cis: [{ id: web, name: "web-1" }] });
    const outside = await k.change({ ciId: web, change: window(30, 31) });
    expect(await conflicts(outside.number)).toEqual([]);
  });

  it("warns when scheduling: the scheduled change lists its conflicts and a work note names them", async () => {
    const web = await k.ci("web-1");
    const first = await k.change({ ciId: web, change: window(1, 2) });
    const c = await k.change({ ciId: web, change: window(1, 3) });
    const scheduled = await k.walk(c.number, ["assess", "request_approval", "schedule"]);
    expect(scheduled.change.conflicts).toEqual([expect.objectContaining({ type: "same_ci", change: expect.objectContaining({ number: first.number }) })]);
    const timeline = (await k.call("GET", `/api/v1/tickets/${c.number}/timeline`)).body.items;
    const note = timeline.find((e: { type: string; body: string | null }) => e.type === "system" && e.body?.startsWith("Scheduled with 1 conflict"));
    expect(note.body).toContain(first.number);
    expect(note.public).toBe(false);
  });

  it("ignores finished changes: canceled or closed ones hold no slot", async () => {
    const web = await k.ci("web-1");
    const a = await k.change({ ciId: web, change: window(1, 2) });
    const b = await k.change({ ciId: web, change: window(1, 2) });
    await k.walk(b.number, [["cancel", { reason: "dup" }]]);
    expect(await conflicts(a.number)).toEqual([]);
    expect(await conflicts(b.number)).toEqual([]);
  });

  it("shows a range on the calendar with conflicts and blackouts, and refuses bad ranges", async () => {
    const web = await k.ci("web-1");
    const inside = await k.change({ ciId: web, change: window(24, 26) });
    const overlap = await k.change({ ciId: web, change: window(25, 27) });
    await k.change({ change: window(24 * 40, 24 * 40 + 1) });
    const canceled = await k.change({ change: window(24, 25) });
    await k.walk(canceled.number, [["cancel", { reason: "x" }]]);
    await k.change({ title: "unplanned" });
    await blackout({ name: "Freeze", startsAt: at(0), endsAt: at(48) });
    const res = await k.call("GET", `/api/v1/changes/calendar?from=${at(0)}&to=${at(24 * 7)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.changes.map((c: { number: string }) => c.number)).toEqual([inside.number, overlap.number]);
    expect(res.body.changes[0]).toMatchObject({ type: "normal", risk: "moderate", state: "new", ci: { id: web, name: "web-1" }, plannedStart: at(24) });
    expect(res.body.changes[0].conflicts.map((c: { type: string }) => c.type).sort()).toEqual(["blackout", "same_ci"]);
    expect(res.body.blackouts.map((b: { name: string }) => b.name)).toEqual(["Freeze"]);
    const withClosed = await k.call("GET", `/api/v1/changes/calendar?from=${at(0)}&to=${at(24 * 7)}&includeClosed=true`);
    expect(withClosed.body.changes).toHaveLength(3);
    const byCi = await k.call("GET", `/api/v1/changes/calendar?from=${at(0)}&to=${at(24 * 7)}&ciId=${web}`);
    expect(byCi.body.changes).toHaveLength(2);
    const backwards = await k.call("GET", `/api/v1/changes/calendar?from=${at(10)}&to=${at(0)}`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.details.field).toBe("to");
    const tooLong = await k.call("GET", `/api/v1/changes/calendar?from=${at(0)}&to=${at(24 * 100)}`);
    expect(tooLong.body).toMatchObject({ error: "change.range_too_long", details: { field: "to" } });
    expect((await k.call("GET", "/api/v1/changes/calendar")).status).toBe(400);
  });

  it("answers 404 for conflicts of something that is not a change", async () => {
    expect((await k.call("GET", "/api/v1/changes/CHG9999999/conflicts")).body.error).toBe("change.not_found");
    const incident = await k.call("POST", "/api/v1/tasks", { title: "not a change" });
    expect(incident.status, JSON.stringify(incident.body)).toBe(201);
    expect((await k.call("GET", `/api/v1/changes/${incident.body.number}/conflicts`)).status).toBe(404);
  });

  it("manages blackout windows: admins configure, agents read, the window must end after it starts", async () => {
    const web = await k.ci("web-1");
    const created = await blackout({ name: "Freeze", description: "Year end", startsAt: at(0), endsAt: at(10), ciIds: [web] });
    expect(created).toMatchObject({ name: "Freeze", description: "Year end", startsAt: at(0), endsAt: at(10), cis: [{ id: web, name: "web-1" }] });
    expect((await k.call("POST", "/api/v1/change-blackouts", { name: "x", startsAt: at(0), endsAt: at(1) })).status).toBe(403);
    const backwards = await k.call("POST", "/api/v1/change-blackouts", { name: "x", startsAt: at(2), endsAt: at(1) }, k.t.admin);
    expect(backwards.body).toMatchObject({ error: "change_blackout.window_invalid", details: { field: "endsAt" } });
    const unknownCi = await k.call("POST", "/api/v1/change-blackouts", { name: "x", startsAt: at(0), endsAt: at(1), ciIds: ["nope"] }, k.t.admin);
    expect(unknownCi.body.details.field).toBe("ciIds");
    const shrink = await k.call("PATCH", `/api/v1/change-blackouts/${created.id}`, { endsAt: at(-1) }, k.t.admin);
    expect(shrink.body.details.field).toBe("endsAt");
    const moved = await k.call("PATCH", `/api/v1/change-blackouts/${created.id}`, { endsAt: at(5), ciIds: [] }, k.t.admin);
    expect(moved.body).toMatchObject({ endsAt: at(5), cis: [] });
    expect((await k.call("GET", `/api/v1/change-blackouts?from=${at(6)}`)).body.items).toEqual([]);
    expect((await k.call("GET", `/api/v1/change-blackouts?from=${at(4)}`)).body.items).toHaveLength(1);
    const audit = (await k.call("GET", `/api/v1/audit?entityId=${created.id}`, undefined, k.t.admin)).body.items;
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual(["create", "update"]);
    expect((await k.call("DELETE", `/api/v1/change-blackouts/${created.id}`, undefined, k.t.admin)).status).toBe(204);
    expect((await k.call("GET", `/api/v1/change-blackouts/${created.id}`)).body.error).toBe("change_blackout.not_found");
  });
});
