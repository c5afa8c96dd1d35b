import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Worker } from "../../platform/jobs.js";
import { suggestOnIncidents } from "./problems.suggest.js";
import { isoIn } from "../../platform/time.js";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";

describe("problem suggestions", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const ci = async (name: string) => (await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: "linux_server", name } })).json();
  const incident = async (body: Record<string, unknown>) => {
    const res = await t.app.inject({ method: "POST", url: "/api/v1/incidents", headers: t.admin.auth, payload: { title: "Slow", ...body } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const suggestions = async () => (await t.app.inject({ url: "/api/v1/problems/suggestions", headers: t.admin.auth })).json();
  /** Dispatches the outbox the way a worker does, until nothing is left. */
  const drain = async () => {
    const worker = new Worker({ db: t.db, jobs: t.built.ctx.jobs, events: t.built.ctx.events });
    while ((await worker.tick()) > 0);
  };
  const suggested = async () => (await t.db.selectFrom("outbox").select("payload").where("type", "=", "problem.suggested").orderBy("id").execute()).map((r) => JSON.parse(r.payload));

  it("suggests a problem for a CI and a category once enough recent incidents share them", async () => {
    const db = await ci("db-01");
    await incident({ ciId: db.id, category: "database" });
    await incident({ ciId: db.id });
    expect((await suggestions()).items).toEqual([]);
    const third = await incident({ ciId: db.id, category: "database" });
    await incident({ category: "database" });
    const list = await suggestions();
    expect(list).toMatchObject({ threshold: 3, windowHours: 24 });
    expect(list.items).toEqual([
      expect.objectContaining({ basis: "ci", ci: { id: db.id, name: "db-01" }, category: null, incidents: 3 }),
      expect.objectContaining({ basis: "category", ci: null, category: "database", incidents: 3 }),
    ]);
    expect(list.items[0].numbers[0]).toBe(third.number);
    expect(list.items[0].numbers).toHaveLength(3);
  });

  it("leaves out old, canceled and already attributed incidents, and CIs with an open problem", async () => {
    const web = await ci("web-01");
    const old = await incident({ ciId: web.id });
    await t.db.updateTable("tickets").set({ created_at: isoIn(-25 * 3600_000) }).where("id", "=", Number(old.id)).execute();
    const canceled = await incident({ ciId: web.id });
    await t.app.inject({ method: "POST", url: `/api/v1/tickets/${canceled.number}/transitions`, headers: t.admin.auth, payload: { transition: "cancel", reason: "test" } });
    await incident({ ciId: web.id });
    await incident({ ciId: web.id });
    expect((await suggestions()).items).toEqual([]);
    const third = await incident({ ciId: web.id });
    expect((await suggestions()).items).toHaveLength(1);

    const problem = (await t.app.inject({ method: "POST", url: "/api/v1/problems", headers: t.admin.auth, payload: { title: "web-01 slow" } })).json();
    await t.app.inject({ method: "POST", url: `/api/v1/problems/${problem.number}/incidents`, headers: t.admin.auth, payload: { incidents: [third.number] } });
    expect((await suggestions()).items).toEqual([]);
    await incident({ ciId: web.id });
    expect((await suggestions()).items).toHaveLength(1);
    await t.app.inject({ method: "PATCH", url: `/api/v1/tickets/${problem.number}`, headers: t.admin.auth, payload: { ciId: web.id } });
    expect((await suggestions()).items).toEqual([]);
  });

  it("follows the threshold and window of the ticket settings", async () => {
    const host = await ci("host-9");
    await incident({ ciId: host.id });
    await incident({ ciId: host.id });
    const res = await t.app.inject({ method: "PATCH", url: "/api/v1/tickets/settings", headers: t.admin.auth, payload: { problemSuggestion: { threshold: 2, windowHours: 1 } } });
    expect(res.statusCode, res.body).toBe(200);
    const list = await suggestions();
    expect(list).toMatchObject({ threshold: 2, windowHours: 1, items: [expect.objectContaining({ incidents: 2 })] });
  });

  it("emits problem.suggested once per window when a new incident crosses the threshold", async () => {
    const db = await ci("db-02");
    await incident({ ciId: db.id });
    await incident({ ciId: db.id });
    await drain();
    expect(await suggested()).toEqual([]);
    // Two incidents cross the threshold before the worker runs: their handlers race, one event comes out.
    const third = await incident({ ciId: db.id });
    const fourth = await incident({ ciId: db.id });
    await drain();
    const events = await suggested();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ basis: "ci", ci: { id: db.id }, threshold: 3, windowHours: 24 });
    expect([third.id, fourth.id]).toContain(events[0].incidentId);
    await incident({ ciId: db.id });
    await drain();
    expect(await suggested()).toHaveLength(1);
    // A new window may suggest again.
    await t.db.updateTable("problem_suggestions").set({ suggested_at: isoIn(-25 * 3600_000) }).execute();
    await incident({ ciId: db.id });
    await drain();
    expect(await suggested()).toHaveLength(2);
  });

  it("handles a run of new incidents on several CIs and categories in one pass, each key once", async () => {
    const [a, b, c] = [await ci("run-a"), await ci("run-b"), await ci("run-c")];
    await incident({ ciId: c.id, category: "storage" });
    await incident({ ciId: c.id, category: "storage" });
    await incident({ ciId: c.id, category: "storage" });
    await drain();
    expect((await suggested()).map((e) => e.basis).sort()).toEqual(["category", "ci"]);
    // One run: a crosses the threshold, b stays below it, c and storage were suggested already.
    const run = [];
    for (const ciId of [a.id, b.id, a.id, c.id, a.id, b.id]) run.push(await incident({ ciId, category: "storage" }));
    await drain();
    const events = await suggested();
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({ basis: "ci", ci: { id: a.id }, incidents: 3, incidentId: run[0].id });
  });

  it("claims every key a run brings to the threshold together, each once even when two handlers race, events in the run's order", async () => {
    const [x, y] = [await ci("race-x"), await ci("race-y")];
    for (let i = 0; i < 2; i++) {
      await incident({ ciId: y.id, category: "network" });
      await incident({ ciId: x.id, category: "network" });
    }
    await drain();
    expect(await suggested()).toEqual([expect.objectContaining({ basis: "category", category: "network" })]);
    // One run brings both CIs to the threshold: both are claimed in the round, the first CI of the run first.
    const run = [await incident({ ciId: y.id, category: "network" }), await incident({ ciId: x.id, category: "network" })];
    const events = (await t.db.selectFrom("outbox").selectAll().where("type", "=", "ticket.created").where("dispatched_at", "is", null).orderBy("id").execute()).map((r) => ({
      id: Number(r.id), type: r.type, payload: JSON.parse(r.payload), createdAt: r.created_at,
    }));
    expect(events).toHaveLength(2);
    // Two workers handling the same run at once: one event per CI comes out.
    await Promise.all([suggestOnIncidents(t.db, events), suggestOnIncidents(t.db, events)]);
    const out = await suggested();
    expect(out.slice(1).map((e) => [e.ci.id, e.incidents, e.incidentId])).toEqual([
      [y.id, 3, run[0].id],
      [x.id, 3, run[1].id],
    ]);
    await drain();
    expect(await suggested()).toHaveLength(3);
  });

  it("does not suggest when the incidents that count stay below the threshold, however many the CI has", async () => {
    const host = await ci("bound-1");
    const canceled = await incident({ ciId: host.id });
    await t.app.inject({ method: "POST", url: `/api/v1/tickets/${canceled.number}/transitions`, headers: t.admin.auth, payload: { transition: "cancel", reason: "test" } });
    await incident({ ciId: host.id });
    await incident({ ciId: host.id });
    await drain();
    expect(await suggested()).toEqual([]);
    await incident({ ciId: host.id });
    await drain();
    expect(await suggested()).toEqual([expect.objectContaining({ basis: "ci", incidents: 3 })]);
  });

  it("emits at the threshold of the ticket settings, also after it changed", async () => {
    const [a, b] = [await ci("th-a"), await ci("th-b")];
    for (let i = 0; i < 3; i++) await incident({ ciId: a.id });
    await drain();
    expect((await suggested()).map((e) => [e.ci.id, e.incidents, e.threshold])).toEqual([[a.id, 3, 3]]);
    const res = await t.app.inject({ method: "PATCH", url: "/api/v1/tickets/settings", headers: t.admin.auth, payload: { problemSuggestion: { threshold: 2, windowHours: 24 } } });
    expect(res.statusCode, res.body).toBe(200);
    await incident({ ciId: b.id });
    await drain();
    expect(await suggested()).toHaveLength(1);
    await incident({ ciId: b.id });
    await drain();
    expect((await suggested()).map((e) => [e.ci.id, e.incidents, e.threshold])).toEqual([
      [a.id, 3, 3],
      [b.id, 2, 2],
    ]);
  });

  it("is for agents and viewers only", async () => {
    const requester = await t.user("requester");
    const viewer = await t.user("viewer");
    expect((await t.app.inject({ url: "/api/v1/problems/suggestions", headers: requester.auth })).statusCode).toBe(403);
    expect((await t.app.inject({ url: "/api/v1/problems/suggestions", headers: viewer.auth })).statusCode).toBe(200);
  });
});
