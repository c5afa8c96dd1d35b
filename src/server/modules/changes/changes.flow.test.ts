import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, changeKit, type ChangeKit } from "./changes.fixtures.js";

const names = (c: Record<string, any>) => (c.allowedTransitions as Array<{ name: string }>).map((a) => a.name).sort();

describe("change flow", () => {
  let k: ChangeKit;
  beforeEach(async () => {
    k = await changeKit();
  });
  afterEach(async () => k.close());

  it("creates a normal change in New with a CHG number and its change fields", async () => {
    const c = await k.change({ change: { justification: "EOL version", implementationPlan: "apt upgrade", backoutPlan: "restore snapshot" } });
    expect(c.number).toMatch(/^CHG\d{7}$/);
    expect(c.state).toBe("new");
    expect(c.change).toMatchObject({ type: "normal", justification: "EOL version", backoutPlan: "restore snapshot", risk: "moderate", computedRisk: "moderate", approvalStatus: "not_requested", conflicts: [] });
    expect(names(c)).toEqual(["assess", "cancel"]);
  });

  it("takes a normal change from New to Closed, asking for the window, filling actual times and needing the outcome", async () => {
    const c = await k.change();
    await k.walk(c.number, ["assess", "request_approval"]);
    const noWindow = await k.move(c.number, "schedule");
    expect(noWindow.status).toBe(400);
    expect(noWindow.body).toMatchObject({ error: "change.field_required", details: { field: "change.plannedStart" } });
    const onlyStart = await k.move(c.number, "schedule", { change: { plannedStart: at(1) } });
    expect(onlyStart.body.details.field).toBe("change.plannedEnd");
    const scheduled = await k.walk(c.number, [["schedule", { change: { plannedStart: at(1), plannedEnd: at(3) } }]]);
    expect(scheduled.state).toBe("scheduled");
    expect(scheduled.change).toMatchObject({ plannedStart: at(1), plannedEnd: at(3), approvalStatus: "not_required" });
    const implementing = await k.walk(c.number, ["implement"]);
    expect(implementing.change.actualStart).toEqual(expect.any(String));
    const reviewing = await k.walk(c.number, ["review"]);
    expect(reviewing.change.actualEnd).toEqual(expect.any(String));
    const noOutcome = await k.move(c.number, "close");
    expect(noOutcome.status).toBe(400);
    expect(noOutcome.body).toMatchObject({ error: "change.field_required", details: { field: "change.outcome" } });
    const closed = await k.walk(c.number, [["close", { change: { outcome: "successful_with_issues", review: "Slow restart" } }]]);
    expect(closed).toMatchObject({ state: "closed", open: false, change: { outcome: "successful_with_issues", review: "Slow restart" } });
    expect(closed.closedAt).toEqual(expect.any(String));
    const timeline = (await k.call("GET", `/api/v1/tickets/${c.number}/timeline`)).body.items;
    expect(timeline.filter((e: { type: string }) => e.type === "state_change")).toHaveLength(6);
    expect(timeline.some((e: { type: string; data: { changes?: Array<{ field: string }> } }) => e.type === "field_change" && e.data.changes?.some((x) => x.field === "change.outcome"))).toBe(true);
  });

  it("an outcome recorded earlier (PATCH during implementation) lets the change close", async () => {
    const c = await k.change({ change: { plannedStart: at(1), plannedEnd: at(2) } });
    await k.walk(c.number, ["assess", "request_approval", "schedule", "implement"]);
    const patched = await k.call("PATCH", `/api/v1/tickets/${c.number}`, { change: { outcome: "backed_out" } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((await k.walk(c.number, ["review", "close"])).change.outcome).toBe("backed_out");
  });

  it("refuses transitions the state or the type does not allow, saying what is allowed", async () => {
    const c = await k.change();
    const skip = await k.move(c.number, "schedule", { change: { plannedStart: at(1), plannedEnd: at(2) } });
    expect(skip.status).toBe(409);
    expect(skip.body).toMatchObject({ error: "ticket.invalid_transition", details: { allowed: expect.arrayContaining(["assess", "cancel"]) } });
    expect((await k.move(c.number, "request_approval")).status).toBe(409);
    expect((await k.move(c.number, "implement")).status).toBe(409);
    const unknown = await k.move(c.number, "deploy");
    expect(unknown.status).toBe(400);
    expect(unknown.body.details.field).toBe("transition");
    expect((await k.call("GET", `/api/v1/tickets/${c.number}`)).body.state).toBe("new");
  });

  it("sends emergency changes straight to approval, without assessment", async () => {
    const c = await k.change({ change: { type: "emergency" } });
    expect(names(c)).toEqual(["cancel", "request_approval"]);
    expect((await k.move(c.number, "assess")).status).toBe(409);
    const authorizing = await k.walk(c.number, ["request_approval"]);
    expect(authorizing.state).toBe("authorize");
    expect(names(authorizing)).toEqual(["cancel", "reject", "schedule"]);
  });

  it("cancels with a reason only, and not once implementation has started", async () => {
    const c = await k.change({ change: { plannedStart: at(1), plannedEnd: at(2) } });
    const noReason = await k.move(c.number, "cancel");
    expect(noReason.status).toBe(400);
    expect(noReason.body.details.field).toBe("reason");
    const other = await k.change({ change: { plannedStart: at(1), plannedEnd: at(2) } });
    await k.walk(other.number, ["assess", "request_approval", "schedule", "implement"]);
    expect((await k.move(other.number, "cancel", { reason: "too late" })).status).toBe(409);
    const canceled = await k.walk(c.number, [["cancel", { reason: "not needed" }]]);
    expect(canceled).toMatchObject({ state: "canceled", open: false, allowedTransitions: [] });
  });

  it("checks change fields: the window's order, the type once past New, the outcome before implementation", async () => {
    const bad = await k.call("POST", "/api/v1/changes", { title: "x", change: { plannedStart: at(5), plannedEnd: at(4) } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.field).toBe("change.plannedEnd");
    const badType = await k.call("POST", "/api/v1/changes", { title: "x", change: { type: "nope" } });
    expect(badType.status).toBe(400);
    expect(badType.body.details.field).toBe("change.type");
    const c = await k.change();
    const early = await k.call("PATCH", `/api/v1/tickets/${c.number}`, { change: { outcome: "successful" } });
    expect(early.status).toBe(409);
    expect(early.body.error).toBe("change.outcome_too_early");
    expect((await k.call("PATCH", `/api/v1/tickets/${c.number}`, { change: { type: "emergency" } })).body.change.type).toBe("emergency");
    await k.walk(c.number, ["request_approval"]);
    const locked = await k.call("PATCH", `/api/v1/tickets/${c.number}`, { change: { type: "normal" } });
    expect(locked.status).toBe(409);
    expect(locked.body).toMatchObject({ error: "change.type_locked", details: { field: "change.type" } });
  });

  it("lets exactly one of two concurrent transitions on one change win", async () => {
    for (let i = 0; i < 3; i++) {
      const c = await k.change({ change: { plannedStart: at(1), plannedEnd: at(2) } });
      await k.walk(c.number, ["assess", "request_approval", "schedule"]);
      const [a, b] = await Promise.all([k.move(c.number, "implement"), k.move(c.number, "cancel", { reason: "race" })]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const loser = a.status === 409 ? a : b;
      expect(loser.body.error).toBe("ticket.invalid_transition");
      const final = (await k.call("GET", `/api/v1/tickets/${c.number}`)).body;
      expect(final.state).toBe(a.status === 200 ? "implement" : "canceled");
      const history = (await k.call("GET", `/api/v1/tickets/${c.number}/timeline`)).body.items.filter((e: { type: string }) => e.type === "state_change");
      expect(history).toHaveLength(4);
    }
    const d = await k.change();
    const same = await Promise.all([k.move(d.number, "assess"), k.move(d.number, "assess")]);
    expect(same.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it("lets agents act, viewers read, and requesters neither open nor see changes", async () => {
    const viewer = await k.t.user("viewer");
    const requester = await k.t.user("requester");
    const c = await k.change();
    expect((await k.move(c.number, "assess", {}, viewer)).status).toBe(403);
    expect((await k.call("GET", `/api/v1/tickets/${c.number}`, undefined, viewer)).status).toBe(200);
    expect((await k.call("POST", "/api/v1/changes", { title: "mine" }, requester)).status).toBe(403);
    expect((await k.call("GET", `/api/v1/tickets/${c.number}`, undefined, requester)).status).toBe(404);
  });

  it("publishes the change flow with every state and transition", async () => {
    const flows = (await k.call("GET", "/api/v1/tickets/flows")).body.items;
    const change = flows.find((f: { kind: string }) => f.kind === "change");
    expect(change.states.map((s: { name: string }) => s.name)).toEqual(["new", "assess", "authorize", "scheduled", "implement", "review", "closed", "canceled"]);
    expect(change.transitions.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(["assess", "request_approval", "reject", "schedule", "implement", "review", "close", "cancel"]));
  });
});
