import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, type TestUser } from "../../../../test/helpers/test-app.js";

describe("incidents of a problem", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const open = async (kind: "incidents" | "problems" | "requests", body: Record<string, unknown> = {}) => {
    const res = await t.app.inject({ method: "POST", url: `/api/v1/${kind}`, headers: t.admin.auth, payload: { title: `${kind} ${Math.random()}`, ...body } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const link = (ref: string, incidents: string[], who: TestUser = t.admin) =>
    t.app.inject({ method: "POST", url: `/api/v1/problems/${ref}/incidents`, headers: who.auth, payload: { incidents } });
  const linked = async (ref: string) => (await t.app.inject({ url: `/api/v1/problems/${ref}/incidents`, headers: t.admin.auth })).json();
  const move = (ref: string, body: Record<string, unknown>) => t.app.inject({ method: "POST", url: `/api/v1/tickets/${ref}/transitions`, headers: t.admin.auth, payload: body });
  const resolveAll = (ref: string, body: Record<string, unknown> = {}, who: TestUser = t.admin) =>
    t.app.inject({ method: "POST", url: `/api/v1/problems/${ref}/resolve-incidents`, headers: who.auth, payload: body });
  const resolveProblem = async (ref: string) => {
    await move(ref, { transition: "analyse" });
    const res = await move(ref, { transition: "resolve", resolutionCode: "fixed", resolutionNotes: "Patched the driver", problem: { rootCause: "Driver bug" } });
    expect(res.statusCode, res.body).toBe(200);
  };

  it("links several incidents at once and answers per incident", async () => {
    const p = await open("problems");
    const [a, b] = [await open("incidents"), await open("incidents")];
    const req = await open("requests");
    const res = await link(p.number, [a.number, b.id, "INC9999999", req.number, p.number]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items).toEqual([
      { ref: a.number, ok: true, number: a.number, state: "new" },
      { ref: b.id, ok: true, number: b.number, state: "new" },
      expect.objectContaining({ ref: "INC9999999", ok: false, error: "ticket.not_found" }),
      expect.objectContaining({ ref: req.number, ok: false, error: "problem.not_an_incident" }),
      expect.objectContaining({ ref: p.number, ok: false, error: "problem.not_an_incident" }),
    ]);
    const again = (await link(p.number, [a.number])).json().items[0];
    expect(again).toMatchObject({ ok: false, error: "ticket.duplicate_link" });

    const list = await linked(p.number);
    expect(list.open).toBe(2);
    expect(list.items.map((i: { number: string }) => i.number).sort()).toEqual([a.number, b.number].sort());
    // The core sees the same links from both sides.
    const fromIncident = (await t.app.inject({ url: `/api/v1/tickets/${a.number}/links`, headers: t.admin.auth })).json().items;
    expect(fromIncident).toEqual([expect.objectContaining({ type: "caused_by", ticket: expect.objectContaining({ number: p.number }) })]);
    const fromProblem = (await t.app.inject({ url: `/api/v1/tickets/${p.number}/links`, headers: t.admin.auth })).json().items;
    expect(fromProblem.map((l: { type: string }) => l.type)).toEqual(["causes", "causes"]);
  });

  it("refuses linking to a closed problem, by viewers, and to tickets that are not problems", async () => {
    const p = await open("problems");
    const i = await open("incidents");
    const viewer = await t.user("viewer");
    expect((await link(p.number, [i.number], viewer)).statusCode).toBe(403);
    expect((await link(i.number, [i.number])).json().error).toBe("problem.not_found");
    expect((await link(p.number, [])).statusCode).toBe(400);
    await move(p.number, { transition: "cancel", reason: "dup" });
    const res = await link(p.number, [i.number]);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe("problem.finished");
  });

  it("resolves the open incidents of a resolved problem with its resolution, each through the incident flow", async () => {
    const p = await open("problems");
    const [a, b, c] = [await open("incidents"), await open("incidents"), await open("incidents")];
    await move(b.number, { transition: "start" });
    await move(c.number, { transition: "resolve", resolutionCode: "user_error", resolutionNotes: "Was the user" });
    await link(p.number, [a.number, b.number, c.number]);

    const early = await resolveAll(p.number);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ error: "problem.not_resolved", details: { state: "new" } });

    await resolveProblem(p.number);
    const res = await resolveAll(p.number);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items;
    expect(items).toHaveLength(2);
    expect(items).toEqual(expect.arrayContaining([{ ref: a.number, ok: true, number: a.number, state: "resolved" }, { ref: b.number, ok: true, number: b.number, state: "resolved" }]));
    const incident = (await t.app.inject({ url: `/api/v1/tickets/${a.number}`, headers: t.admin.auth })).json();
    expect(incident).toMatchObject({ state: "resolved", resolutionCode: "resolved_by_problem", resolutionNotes: `Resolved by problem ${p.number}: Patched the driver` });
    const untouched = (await t.app.inject({ url: `/api/v1/tickets/${c.number}`, headers: t.admin.auth })).json();
    expect(untouched.resolutionCode).toBe("user_error");
    const timeline = (await t.app.inject({ url: `/api/v1/tickets/${a.number}/timeline`, headers: t.admin.auth })).json().items;
    expect(timeline.some((e: { type: string; data: { to?: string } }) => e.type === "state_change" && e.data.to === "resolved")).toBe(true);
    const problemNotes = (await t.app.inject({ url: `/api/v1/tickets/${p.number}/timeline`, headers: t.admin.auth })).json().items.filter((e: { type: string }) => e.type === "system");
    expect(problemNotes.at(-1).body).toBe("Resolved 2 of 2 open incidents with the problem's resolution");
    const event = await t.db.selectFrom("outbox").select("payload").where("type", "=", "problem.incidents_resolved").executeTakeFirstOrThrow();
    expect(JSON.parse(event.payload)).toMatchObject({ number: p.number, failed: [] });
    expect((await linked(p.number)).open).toBe(0);
    // Nothing left to do: an empty answer, not an error.
    expect((await resolveAll(p.number)).json().items).toEqual([]);
  });

  it("takes the caller's resolution, and answers per incident when one may not be resolved", async () => {
    const group = (await t.app.inject({ method: "POST", url: "/api/v1/groups", headers: t.admin.auth, payload: { name: "Network" } })).json();
    const agent = await t.user("agent");
    const p = await open("problems");
    const mine = await open("incidents");
    const theirs = await open("incidents", { assignmentGroupId: group.id });
    await link(p.number, [mine.number, theirs.number]);
    await resolveProblem(p.number);
    const res = await resolveAll(p.number, { resolutionCode: "solved_permanently", resolutionNotes: "Firmware upgraded" }, agent);
    expect(res.statusCode, res.body).toBe(200);
    const byRef = Object.fromEntries(res.json().items.map((i: { ref: string }) => [i.ref, i]));
    expect(byRef[mine.number]).toMatchObject({ ok: true, state: "resolved" });
    expect(byRef[theirs.number]).toMatchObject({ ok: false, error: "ticket.not_in_group" });
    const got = (await t.app.inject({ url: `/api/v1/tickets/${mine.number}`, headers: t.admin.auth })).json();
    expect(got).toMatchObject({ resolutionCode: "solved_permanently", resolutionNotes: "Firmware upgraded" });
    expect((await t.app.inject({ url: `/api/v1/tickets/${theirs.number}`, headers: t.admin.auth })).json().state).toBe("new");
    const viewer = await t.user("viewer");
    expect((await resolveAll(p.number, {}, viewer)).statusCode).toBe(403);
    expect((await resolveAll(p.number, { resolutionCode: "" })).json().details.field).toBe("resolutionCode");
  });
});
