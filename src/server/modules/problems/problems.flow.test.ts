import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, type TestUser } from "../../../../test/helpers/test-app.js";
import { PROBLEM_FLOW, PROBLEM_STATES } from "./problems.flow.js";

describe("problem flow", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const create = async (body: Record<string, unknown> = {}, who: TestUser = t.admin) => {
    const res = await t.app.inject({ method: "POST", url: "/api/v1/problems", headers: who.auth, payload: { title: "Disk fills up", ...body } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const move = (ref: string, body: Record<string, unknown>, who: TestUser = t.admin) =>
    t.app.inject({ method: "POST", url: `/api/v1/tickets/${ref}/transitions`, headers: who.auth, payload: body });
  const get = async (ref: string) => (await t.app.inject({ url: `/api/v1/tickets/${ref}`, headers: t.admin.auth })).json();
  const forceState = async (id: string, state: string) =>
    t.db.updateTable("tickets").set({ state, is_open: PROBLEM_FLOW.states[state as keyof typeof PROBLEM_FLOW.states].open }).where("id", "=", Number(id)).execute();

  it("opens problems as PRB numbers in New with empty problem fields", async () => {
    const p = await create();
    expect(p.number).toMatch(/^PRB[0-9]{7}$/);
    expect(p).toMatchObject({ kind: "problem", state: "new", open: true });
    expect(p.problem).toEqual({ rootCause: null, workaround: null, knownError: false, knownErrorAt: null });
    expect(p.allowedTransitions.map((a: { name: string }) => a.name).sort()).toEqual(["analyse", "assess", "cancel"]);
  });

  it("offers exactly the flow's transitions in every state, and refuses the others with 409 listing what is allowed", async () => {
    for (const state of PROBLEM_STATES) {
      const p = await create({ problem: { rootCause: "known" } });
      await forceState(p.id, state);
      const expected = Object.entries(PROBLEM_FLOW.transitions).filter(([, d]) => (d.from as readonly string[]).includes(state)).map(([n]) => n).sort();
      const got = await get(p.number);
      expect(got.allowedTransitions.map((a: { name: string }) => a.name).sort(), state).toEqual(expected);
      for (const name of Object.keys(PROBLEM_FLOW.transitions).filter((n) => !expected.includes(n))) {
        const res = await move(p.number, { transition: name, reason: "r", resolutionCode: "fixed", resolutionNotes: "n" });
        expect(res.statusCode, `${state} ${name}`).toBe(409);
        expect(res.json()).toMatchObject({ error: "ticket.invalid_transition", details: { allowed: expected.length ? expect.arrayContaining(expected) : [] } });
      }
      expect((await get(p.number)).state).toBe(state);
    }
  });

  it("walks new -> assess -> analysis -> fix -> resolved -> closed with the required fields", async () => {
    const p = await create();
    expect((await move(p.number, { transition: "assess" })).json().state).toBe("assess");
    expect((await move(p.number, { transition: "analyse", workNote: "Looking at the logs" })).json().state).toBe("root_cause_analysis");

    const noCause = await move(p.number, { transition: "start_fix" });
    expect(noCause.statusCode).toBe(400);
    expect(noCause.json()).toMatchObject({ error: "problem.root_cause_required", details: { field: "problem.rootCause" } });
    const blankCause = await move(p.number, { transition: "start_fix", problem: { rootCause: "   " } });
    expect(blankCause.statusCode).toBe(400);

    const fixing = await move(p.number, { transition: "start_fix", problem: { rootCause: "Log rotation is off on the app servers", workaround: "Delete old logs" } });
    expect(fixing.statusCode, fixing.body).toBe(200);
    expect(fixing.json()).toMatchObject({ state: "fix_in_progress", problem: { rootCause: "Log rotation is off on the app servers", workaround: "Delete old logs" } });

    const noCode = await move(p.number, { transition: "resolve", resolutionNotes: "Rotation enabled" });
    expect(noCode.statusCode).toBe(400);
    expect(noCode.json()).toMatchObject({ error: "ticket.field_required", details: { field: "resolutionCode" } });
    const noNotes = await move(p.number, { transition: "resolve", resolutionCode: "fixed" });
    expect(noNotes.json().details.field).toBe("resolutionNotes");

    const resolved = await move(p.number, { transition: "resolve", resolutionCode: "fixed", resolutionNotes: "Rotation enabled everywhere" });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ state: "resolved", open: false, resolutionCode: "fixed", resolvedAt: expect.any(String) });
    const closed = await move(p.number, { transition: "close" });
    expect(closed.json()).toMatchObject({ state: "closed", closedAt: expect.any(String), allowedTransitions: [] });

    const timeline = (await t.app.inject({ url: `/api/v1/tickets/${p.number}/timeline`, headers: t.admin.auth })).json().items;
    const moves = timeline.filter((e: { type: string }) => e.type === "state_change").map((e: { data: { to: string } }) => e.data.to);
    expect(moves).toEqual(["assess", "root_cause_analysis", "fix_in_progress", "resolved", "closed"]);
    expect(timeline.some((e: { type: string; data: { changes?: Array<{ field: string }> } }) => e.type === "field_change" && e.data.changes?.some((c) => c.field === "problem.rootCause"))).toBe(true);
    const audit = await t.db.selectFrom("audit_log").selectAll().where("entity", "=", "problem").where("entity_id", "=", p.id).execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].after!)).toMatchObject({ "problem.rootCause": "Log rotation is off on the app servers" });
  });

  it("resolves straight from analysis only with a root cause, stored or sent", async () => {
    const p = await create({ problem: { rootCause: "Expired certificate" } });
    await move(p.number, { transition: "analyse" });
    const res = await move(p.number, { transition: "resolve", resolutionCode: "fixed", resolutionNotes: "Renewed" });
    expect(res.statusCode, res.body).toBe(200);
    const q = await create();
    await move(q.number, { transition: "analyse" });
    expect((await move(q.number, { transition: "resolve", resolutionCode: "fixed", resolutionNotes: "n" })).statusCode).toBe(400);
    const cleared = await move(q.number, { transition: "resolve", resolutionCode: "fixed", resolutionNotes: "n", problem: { rootCause: null } });
    expect(cleared.json().error).toBe("problem.root_cause_required");
  });

  it("needs a reason to cancel, go back to analysis or reopen; reopening clears the resolution", async () => {
    const p = await create({ problem: { rootCause: "c" } });
    await move(p.number, { transition: "analyse" });
    await move(p.number, { transition: "start_fix" });
    expect((await move(p.number, { transition: "back_to_analysis" })).json().details.field).toBe("reason");
    expect((await move(p.number, { transition: "back_to_analysis", reason: "Fix did not hold" })).json().state).toBe("root_cause_analysis");
    await move(p.number, { transition: "resolve", resolutionCode: "fixed", resolutionNotes: "n" });
    expect((await move(p.number, { transition: "reopen" })).json().details.field).toBe("reason");
    const reopened = (await move(p.number, { transition: "reopen", reason: "It happened again" })).json();
    expect(reopened).toMatchObject({ state: "root_cause_analysis", open: true, resolutionCode: null, resolvedAt: null });
    expect((await move(p.number, { transition: "cancel" })).json().details.field).toBe("reason");
    expect((await move(p.number, { transition: "cancel", reason: "Duplicate of another problem" })).json()).toMatchObject({ state: "canceled", open: false });
  });

  it("keeps the root cause through close, and refuses change fields on problems", async () => {
    const p = await create({ problem: { rootCause: "c" } });
    await move(p.number, { transition: "analyse" });
    await move(p.number, { transition: "resolve", resolutionCode: "fixed", resolutionNotes: "n" });
    const res = await move(p.number, { transition: "close", problem: { rootCause: null } });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.field).toBe("problem.rootCause");
    expect((await get(p.number)).state).toBe("resolved");
    const withChange = await t.app.inject({ method: "POST", url: "/api/v1/problems", headers: t.admin.auth, payload: { title: "x", change: { type: "normal" } } });
    expect(withChange.statusCode).toBe(400);
    expect(withChange.json()).toMatchObject({ error: "ticket.fields_of_other_kind", details: { field: "change" } });
    const patched = await t.app.inject({ method: "PATCH", url: `/api/v1/tickets/${p.number}`, headers: t.admin.auth, payload: { change: { risk: "low" } } });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().details.field).toBe("change");
  });

  it("refuses unknown transitions with 400 naming the field", async () => {
    const p = await create();
    const res = await move(p.number, { transition: "fly" });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: "ticket.unknown_transition", details: { field: "transition" } });
  });

  it("lets exactly one of several concurrent transitions on one problem win", async () => {
    const p = await create({ problem: { rootCause: "c" } });
    await move(p.number, { transition: "analyse" });
    await move(p.number, { transition: "start_fix" });
    const bodies = [
      { transition: "resolve", resolutionCode: "fixed", resolutionNotes: "a" },
      { transition: "cancel", reason: "b" },
      { transition: "back_to_analysis", reason: "c" },
      { transition: "resolve", resolutionCode: "fixed", resolutionNotes: "d" },
    ];
    const results = await Promise.all(bodies.map((b) => move(p.number, b)));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 409, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json().error).toBe("ticket.invalid_transition");
    const winner = results.find((r) => r.statusCode === 200)!.json();
    const after = await get(p.number);
    expect(after.state).toBe(winner.state);
    expect(after.version).toBe(winner.version);
    const changes = await t.db.selectFrom("ticket_timeline").select("id").where("ticket_id", "=", Number(p.id)).where("type", "=", "state_change").execute();
    expect(changes).toHaveLength(3);
  });

  it("keeps the known error flag, its date and the root cause consistent on edits", async () => {
    const p = await create();
    const patch = (body: Record<string, unknown>) => t.app.inject({ method: "PATCH", url: `/api/v1/tickets/${p.number}`, headers: t.admin.auth, payload: body });
    const bare = await patch({ problem: { knownError: true } });
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toMatchObject({ error: "problem.known_error_incomplete", details: { field: "problem.workaround" } });
    const known = (await patch({ problem: { knownError: true, workaround: "Restart the spooler" } })).json();
    expect(known.problem).toMatchObject({ knownError: true, workaround: "Restart the spooler", knownErrorAt: expect.any(String) });
    const again = (await patch({ problem: { workaround: "Restart the print spooler" } })).json();
    expect(again.problem.knownErrorAt).toBe(known.problem.knownErrorAt);
    expect((await patch({ problem: { workaround: null } })).json().error).toBe("problem.known_error_incomplete");
    const announced = await t.db.selectFrom("outbox").select("payload").where("type", "=", "problem.known_error").execute();
    expect(announced.map((r) => JSON.parse(r.payload))).toEqual([{ id: p.id, number: p.number, ciId: null, category: null }]);
    const off = (await patch({ problem: { knownError: false } })).json();
    expect(off.problem).toMatchObject({ knownError: false, knownErrorAt: null });
    const timeline = (await t.app.inject({ url: `/api/v1/tickets/${p.number}/timeline`, headers: t.admin.auth })).json().items;
    const fields = timeline.filter((e: { type: string }) => e.type === "field_change").flatMap((e: { data: { changes: Array<{ field: string }> } }) => e.data.changes.map((c) => c.field));
    expect(fields).toEqual(["problem.workaround", "problem.knownError", "problem.workaround", "problem.knownError"]);

    await move(p.number, { transition: "analyse" });
    await move(p.number, { transition: "start_fix", problem: { rootCause: "Driver leak" } });
    const clear = await patch({ problem: { rootCause: "" } });
    expect(clear.statusCode).toBe(400);
    expect(clear.json()).toMatchObject({ error: "problem.root_cause_required", details: { field: "problem.rootCause" } });
  });

  it("refuses an incomplete known error on create, and problems to requesters and viewers", async () => {
    const res = await t.app.inject({ method: "POST", url: "/api/v1/problems", headers: t.admin.auth, payload: { title: "x", problem: { knownError: true } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.field).toBe("problem.workaround");
    expect(await t.db.selectFrom("tickets").select("id").where("kind", "=", "problem").execute()).toHaveLength(0);
    const requester = await t.user("requester");
    const viewer = await t.user("viewer");
    expect((await t.app.inject({ method: "POST", url: "/api/v1/problems", headers: requester.auth, payload: { title: "x" } })).statusCode).toBe(403);
    const p = await create();
    expect((await move(p.number, { transition: "assess" }, viewer)).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/v1/tickets/${p.number}`, headers: requester.auth })).statusCode).toBe(404);
  });
});
