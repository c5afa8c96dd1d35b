import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reconcileNewTickets, reconcileTicket } from "./sla.reconcile.js";
import { HOUR, MIN, slaKit, type SlaKit } from "./sla.test-helpers.js";

let k: SlaKit;
beforeEach(async () => {
  k = await slaKit();
});
afterEach(async () => {
  await k.worker.stop();
  await k.t.close();
});

const slasOf = async (ref: string) => {
  const res = await k.get(`/api/v1/tickets/${ref}/slas`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as any[];
};
const outbox = async (type: string) => (await k.t.db.selectFrom("outbox").select("payload").where("type", "=", type).orderBy("id").execute()).map((r) => JSON.parse(r.payload));

describe("SLA clocks on tickets", () => {
  it("pauses while On hold awaiting the caller, resumes, and explains the pause", async () => {
    await k.definition({ name: "Resolution 8h", target: "resolution", durationMinutes: 480 });
    const inc = await k.incident({ impact: 2, urgency: 2 });
    await k.transition(inc.number, { transition: "start" });
    await k.transition(inc.number, { transition: "hold", onHoldReason: "awaiting_caller" });
    await k.transition(inc.number, { transition: "start" });
    const t0 = Date.now() - 5 * HOUR;
    await k.backdate(inc.id, [t0, t0 + 10 * MIN, t0 + HOUR, t0 + 3 * HOUR + 10 * MIN]);
    await k.drain();
    const [sla] = await slasOf(inc.number);
    expect(sla).toMatchObject({ name: "Resolution 8h", state: "in_progress", breached: false, startedAt: new Date(t0).toISOString(), pausedMs: 130 * MIN });
    expect(sla.elapsedMs).toBeGreaterThanOrEqual(170 * MIN);
    expect(sla.elapsedMs).toBeLessThan(172 * MIN);
    expect(sla.dueAt).toBe(new Date(t0 + 8 * HOUR + 130 * MIN).toISOString());
    expect(sla.pauses).toEqual([expect.objectContaining({ reason: "On hold (awaiting caller)", businessMs: 130 * MIN, text: "paused 2h 10m while On hold (awaiting caller)" })]);
    expect(sla.explanation).toContain("paused 2h 10m while On hold (awaiting caller)");
    expect(sla.history.map((h: any) => h.type)).toEqual(["started", "paused", "resumed"]);
    // The timer job for the 50% warning is scheduled at its exact instant.
    const job = await k.t.db.selectFrom("jobs").select(["run_at", "payload"]).where("type", "=", "sla.timer").orderBy("run_at", "desc").executeTakeFirstOrThrow();
    expect(job.run_at).toBe(new Date(t0 + 4 * HOUR + 130 * MIN).toISOString());
    expect(JSON.parse(job.payload)).toEqual({ ticketId: inc.id });
  });

  it("keeps counting while On hold awaiting a change (not a pause reason by default) and shows a running pause", async () => {
    await k.definition({ name: "Resolution 8h", target: "resolution", durationMinutes: 480 });
    const a = await k.incident({ impact: 2, urgency: 2 });
    await k.transition(a.number, { transition: "hold", onHoldReason: "awaiting_change" });
    const b = await k.incident({ impact: 2, urgency: 2 });
    await k.transition(b.number, { transition: "hold", onHoldReason: "awaiting_vendor" });
    const t0 = Date.now() - 2 * HOUR;
    await k.backdate(a.id, [t0, t0 + HOUR]);
    await k.backdate(b.id, [t0, t0 + HOUR]);
    await k.drain();
    const [sa] = await slasOf(a.number);
    const [sb] = await slasOf(b.number);
    expect(sa).toMatchObject({ state: "in_progress", pausedMs: 0 });
    expect(sb).toMatchObject({ state: "paused", dueAt: null });
    expect(sb.pauses[0]).toMatchObject({ reason: "On hold (awaiting vendor)", resumedAt: null });
    expect(sb.explanation).toMatch(/paused 1h so far while On hold \(awaiting vendor\)/);
  });

  it("resumes the resolution clock when a resolved incident is reopened, counting the resolved time as a pause", async () => {
    await k.definition({ name: "Resolution 8h", target: "resolution", durationMinutes: 480 });
    const inc = await k.incident({ impact: 2, urgency: 2 });
    await k.transition(inc.number, { transition: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "Restarted" });
    await k.transition(inc.number, { transition: "reopen", reason: "Still failing" });
    const t0 = Date.now() - 5 * HOUR;
    await k.backdate(inc.id, [t0, t0 + HOUR, t0 + 3 * HOUR]);
    await k.drain();
    const slas = await slasOf(inc.number);
    expect(slas).toHaveLength(1);
    const [sla] = slas;
    expect(sla).toMatchObject({ name: "Resolution 8h", state: "in_progress", startedAt: new Date(t0).toISOString(), stoppedAt: null, pausedMs: 2 * HOUR });
    expect(sla.dueAt).toBe(new Date(t0 + 10 * HOUR).toISOString());
    expect(sla.pauses).toEqual([expect.objectContaining({ businessMs: 2 * HOUR })]);
    expect(sla.pauses[0].reason).toMatch(/Resolved/);
  });

  it("stops the response clock at the first assignment and the resolution clock at Resolved", async () => {
    await k.definition({ name: "Response 1h", target: "response", durationMinutes: 60 });
    await k.definition({ name: "Resolution 4h", target: "resolution", durationMinutes: 240 });
    const inc = await k.incident({ impact: 2, urgency: 2 });
    expect((await k.patch(`/api/v1/tickets/${inc.number}`, { assigneeId: k.t.admin.user.id })).statusCode).toBe(200);
    await k.transition(inc.number, { transition: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "Restarted" });
    const t0 = Date.now() - 6 * HOUR;
    await k.backdate(inc.id, [t0, t0 + 20 * MIN, t0 + 5 * HOUR]);
    await k.drain();
    const slas = await slasOf(inc.number);
    const response = slas.find((s) => s.name === "Response 1h");
    const resolution = slas.find((s) => s.name === "Resolution 4h");
    expect(response).toMatchObject({ state: "achieved", elapsedMs: 20 * MIN, stoppedAt: new Date(t0 + 20 * MIN).toISOString() });
    expect(resolution).toMatchObject({ state: "breached", breached: true, elapsedMs: 5 * HOUR, dueAt: new Date(t0 + 4 * HOUR).toISOString() });
    expect(resolution.history.map((h: any) => h.type)).toEqual(["started", "warning", "warning", "warning", "breached", "achieved"]);
    // Nothing is left to check on stopped clocks.
    const rows = await k.t.db.selectFrom("ticket_slas").select("next_check_at").execute();
    expect(rows.every((r) => r.next_check_at === null)).toBe(true);
  });

  it("cancels the P3 clock and starts the P1 clock when the priority is raised; resets a clock configured to", async () => {
    await k.definition({ name: "P3 resolution", target: "resolution", durationMinutes: 1440, appliesTo: { priorities: [3] } });
    await k.definition({ name: "P1 resolution", target: "resolution", durationMinutes: 240, appliesTo: { priorities: [1] } });
    await k.definition({ name: "Any response", target: "response", durationMinutes: 600, stopWhen: [{ states: ["resolved"] }], resetOn: ["priority"] });
    const inc = await k.incident({ impact: 2, urgency: 2 });
    expect(inc.priority).toBe(3);
    const up = await k.patch(`/api/v1/tickets/${inc.number}`, { impact: 1, urgency: 1 });
    expect(up.json().priority).toBe(1);
    const t0 = Date.now() - 3 * HOUR;
    await k.backdate(inc.id, [t0, t0 + HOUR]);
    await k.drain();
    const slas = await slasOf(inc.number);
    const p3 = slas.find((s) => s.name === "P3 resolution");
    const p1 = slas.find((s) => s.name === "P1 resolution");
    const any = slas.filter((s) => s.name === "Any response");
    expect(p3).toMatchObject({ state: "cancelled", stoppedAt: new Date(t0 + HOUR).toISOString(), elapsedMs: HOUR });
    expect(p3.cancelReason).toMatch(/no longer applies: priority is P1, not P3/);
    expect(p1).toMatchObject({ state: "in_progress", startedAt: new Date(t0 + HOUR).toISOString(), dueAt: new Date(t0 + 5 * HOUR).toISOString() });
    expect(any.map((s) => [s.cycle, s.state])).toEqual([
      [1, "cancelled"],
      [2, "in_progress"],
    ]);
    expect(any[0].cancelReason).toBe("reset: priority changed from P3 to P1");
    expect(any[1].startedAt).toBe(new Date(t0 + HOUR).toISOString());
  });

  it("starts a later-applying clock from the ticket's creation when the definition says retroactive", async () => {
    await k.definition({ name: "P1 retro", target: "resolution", durationMinutes: 240, appliesTo: { priorities: [1] }, retroactiveStart: true });
    const inc = await k.incident({ impact: 2, urgency: 2 });
    await k.patch(`/api/v1/tickets/${inc.number}`, { impact: 1, urgency: 1 });
    const t0 = Date.now() - 3 * HOUR;
    await k.backdate(inc.id, [t0, t0 + HOUR]);
    await k.drain();
    const [sla] = await slasOf(inc.number);
    expect(sla).toMatchObject({ startedAt: new Date(t0).toISOString(), dueAt: new Date(t0 + 4 * HOUR).toISOString() });
  });

  it("counts business hours only in the definition's calendar", async () => {
    const cal = await k.post("/api/v1/sla-calendars", { name: "Berlin office", timeZone: "Europe/Berlin", hours: { mon: [{ start: "09:00", end: "17:00" }], tue: [{ start: "09:00", end: "17:00" }], wed: [{ start: "09:00", end: "17:00" }], thu: [{ start: "09:00", end: "17:00" }], fri: [{ start: "09:00", end: "17:00" }] }, holidays: [{ kind: "yearly", monthDay: "12-25" }] });
    expect(cal.statusCode, cal.body).toBe(201);
    await k.definition({ name: "Office 4h", target: "resolution", durationMinutes: 240, calendarId: cal.json().id }, Date.parse("2020-01-01T00:00:00Z"));
    const inc = await k.incident({ impact: 2, urgency: 2 });
    await k.transition(inc.number, { transition: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "ok" });
    // Friday 15:00 Berlin (14:00 UTC) to Monday 12:00 Berlin: 2 h on Friday + 3 h on Monday.
    await k.backdate(inc.id, [Date.parse("2024-03-01T14:00:00Z"), Date.parse("2024-03-04T11:00:00Z")]);
    await k.drain();
    const [sla] = await slasOf(inc.number);
    expect(sla).toMatchObject({ state: "breached", elapsedMs: 5 * HOUR, dueAt: "2024-03-04T10:00:00.000Z" });
  });
});

describe("warnings and breaches", () => {
  it("fires each warning and the breach exactly once, stamped with when they were due (catch-up after downtime)", async () => {
    const def = await k.definition({ name: "Resolution 1h", target: "resolution", durationMinutes: 60 });
    const inc = await k.incident({ impact: 2, urgency: 2 });
    const t0 = Date.now() - 3 * HOUR;
    await k.backdate(inc.id, [t0]);
    // Nobody processed anything while "down"; the first worker round catches up.
    await k.drain();
    await reconcileTicket(k.t.db, inc.id);
    await reconcileTicket(k.t.db, inc.id);
    const breaches = await outbox("sla.breached");
    expect(breaches).toEqual([expect.objectContaining({ ticketId: inc.id, number: inc.number, definitionId: def.id, at: new Date(t0 + HOUR).toISOString(), percent: 100 })]);
    expect(Date.parse(breaches[0].firedAt)).toBeGreaterThan(t0 + 2 * HOUR);
    const warnings = await outbox("sla.warning");
    expect(warnings.map((w) => [w.percent, w.at])).toEqual([
      [50, new Date(t0 + 30 * MIN).toISOString()],
      [75, new Date(t0 + 45 * MIN).toISOString()],
      [90, new Date(t0 + 54 * MIN).toISOString()],
    ]);
    const timeline = await k.get(`/api/v1/tickets/${inc.number}/timeline`);
    const system = timeline.json().items.filter((e: any) => e.type === "system");
    expect(system).toHaveLength(4);
    expect(system[3].body).toBe(`SLA "Resolution 1h" breached at ${new Date(t0 + HOUR).toISOString()} (target 1h)`);
    const [sla] = await slasOf(inc.number);
    expect(sla).toMatchObject({ state: "breached", breached: true });
  });

  it("runs the timer job at the due instant and fires then, not before", async () => {
    await k.definition({ name: "Resolution 1h", target: "resolution", durationMinutes: 60, warnings: [] });
    const inc = await k.incident({ impact: 2, urgency: 2 });
    const t0 = Date.now() - 30 * MIN;
    await k.backdate(inc.id, [t0]);
    await k.drain();
    expect(await outbox("sla.breached")).toEqual([]);
    const job = await k.t.db.selectFrom("jobs").select(["id", "run_at", "state"]).where("type", "=", "sla.timer").executeTakeFirstOrThrow();
    expect(job).toMatchObject({ run_at: new Date(t0 + HOUR).toISOString(), state: "queued" });
    // Time passes: the ticket is an hour older (moved back rather than waiting).
    await k.backdate(inc.id, [t0 - HOUR]);
    await k.t.db.updateTable("jobs").set({ run_at: new Date(Date.now() - 1).toISOString() }).where("id", "=", job.id).execute();
    await k.drain();
    expect((await outbox("sla.breached")).map((b) => b.at)).toEqual([new Date(t0).toISOString()]);
  });

  it("lists clocks for list indicators by ticket ids, and by state", async () => {
    await k.definition({ name: "Resolution 1h", target: "resolution", durationMinutes: 60 });
    const a = await k.incident();
    const b = await k.incident();
    await k.backdate(a.id, [Date.now() - 2 * HOUR]);
    await k.drain();
    const byTickets = await k.get(`/api/v1/slas?ticketIds=${a.id},${b.id}`);
    expect(byTickets.statusCode, byTickets.body).toBe(200);
    expect(byTickets.json().items.map((s: any) => [s.ticketNumber, s.state])).toEqual([
      [a.number, "breached"],
      [b.number, "in_progress"],
    ]);
    const breached = await k.get("/api/v1/slas?breached=true");
    expect(breached.json()).toMatchObject({ total: 1, items: [{ ticketNumber: a.number }] });
    expect((await k.get("/api/v1/slas?ticketIds=1,x")).statusCode).toBe(400);
  });
  it("reconciles a run of new tickets: all of them while a definition is active, else only those with clocks (a redelivered event)", async () => {
    const a = await k.incident();
    await reconcileNewTickets(k.t.db, [Number(a.id)]);
    expect(await slasOf(a.number)).toEqual([]);
    const def = await k.definition({ name: "Resolution 1h", target: "resolution", durationMinutes: 60 });
    const b = await k.incident();
    // Every ticket of the run is looked at while a definition is active, also one created before it.
    await reconcileNewTickets(k.t.db, [Number(a.id), Number(b.id)]);
    expect((await slasOf(a.number)).map((s) => s.name)).toEqual(["Resolution 1h"]);
    expect((await slasOf(b.number)).map((s) => s.name)).toEqual(["Resolution 1h"]);
    await k.patch(`/api/v1/sla-definitions/${def.id}`, { active: false });
    const c = await k.incident();
    const computed = async () => (await k.t.db.selectFrom("ticket_slas").select("computed_at").where("ticket_id", "=", Number(b.id)).executeTakeFirstOrThrow()).computed_at;
    const before = await computed();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // No active definition: the ticket with clocks is brought up to date, the one without gets none.
    await reconcileNewTickets(k.t.db, [Number(b.id), Number(c.id)]);
    expect(await computed()).not.toBe(before);
    expect(await slasOf(c.number)).toEqual([]);
  });
});
