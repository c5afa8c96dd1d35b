import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HOUR, slaKit, type SlaKit } from "./sla.test-helpers.js";

let k: SlaKit;
beforeEach(async () => {
  k = await slaKit();
});
afterEach(async () => k.t.close());

const office = { name: "Office", timeZone: "Europe/Berlin", hours: { mon: [{ start: "09:00", end: "17:00" }] } };

describe("definitions and calendars", () => {
  it("creates, reads, edits with a version check, and refuses bad input naming the field", async () => {
    const def = await k.definition({ name: "P1 resolution", type: "sla", target: "resolution", durationMinutes: 240, appliesTo: { kinds: ["incident"], priorities: [1] } });
    expect(def).toMatchObject({ calendarId: "24x7", warnings: [50, 75, 90], resetOn: ["priority"], pauseWhen: [{ states: ["on_hold"], onHoldReasons: ["awaiting_caller", "awaiting_vendor"] }], stopWhen: [{ states: ["resolved", "closed", "completed"] }], active: true, version: 1 });
    const edited = await k.patch(`/api/v1/sla-definitions/${def.id}`, { durationMinutes: 120, version: 1 });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ durationMinutes: 120, version: 2 });
    expect((await k.patch(`/api/v1/sla-definitions/${def.id}`, { durationMinutes: 60, version: 1 })).json().error).toBe("sla.stale");
    const dup = await k.post("/api/v1/sla-definitions", { name: "P1 resolution", target: "resolution", durationMinutes: 1 });
    expect([dup.statusCode, dup.json().error, dup.json().details.field]).toEqual([409, "sla.definition_name_taken", "name"]);
    const badCal = await k.post("/api/v1/sla-definitions", { name: "X", target: "resolution", durationMinutes: 5, calendarId: "nope" });
    expect([badCal.statusCode, badCal.json().details.field]).toEqual([400, "calendarId"]);
    const badTarget = await k.post("/api/v1/sla-definitions", { name: "X", target: "lunch", durationMinutes: 5 });
    expect(badTarget.statusCode).toBe(400);
    const zero = await k.post("/api/v1/sla-definitions", { name: "X", target: "response", durationMinutes: 0 });
    expect(zero.statusCode).toBe(400);
    expect((await k.get("/api/v1/sla-definitions/unknown")).json().error).toBe("sla.definition_not_found");
  });

  it("lets viewers read and only admins write", async () => {
    const viewer = await k.t.user("viewer");
    const agent = await k.t.user("agent");
    expect((await k.get("/api/v1/sla-definitions", viewer)).statusCode).toBe(200);
    expect((await k.post("/api/v1/sla-definitions", { name: "X", target: "response", durationMinutes: 5 }, agent)).statusCode).toBe(403);
    const requester = await k.t.user("requester");
    expect((await k.get("/api/v1/slas", requester)).statusCode).toBe(403);
  });

  it("refuses deleting a definition that measured tickets, and deletes an unused one", async () => {
    const used = await k.definition({ name: "Used", target: "resolution", durationMinutes: 60 });
    const unused = await k.definition({ name: "Unused", target: "resolution", durationMinutes: 60, appliesTo: { kinds: ["change"] } });
    await k.incident();
    await k.drain();
    const refused = await k.t.app.inject({ method: "DELETE", url: `/api/v1/sla-definitions/${used.id}`, headers: k.t.admin.auth });
    expect([refused.statusCode, refused.json().error]).toEqual([409, "sla.definition_in_use"]);
    const ok = await k.t.app.inject({ method: "DELETE", url: `/api/v1/sla-definitions/${unused.id}`, headers: k.t.admin.auth });
    expect(ok.statusCode).toBe(204);
  });

  it("keeps a running clock on the definition it started with, and inactive definitions attach to nothing new", async () => {
    const def = await k.definition({ name: "Resolution", target: "resolution", durationMinutes: 60 });
    const a = await k.incident();
    await k.drain();
    await k.patch(`/api/v1/sla-definitions/${def.id}`, { durationMinutes: 600, active: false });
    const b = await k.incident();
    await k.patch(`/api/v1/tickets/${a.number}`, { category: "email" });
    await k.drain();
    const slaA = (await k.get(`/api/v1/tickets/${a.number}/slas`)).json().items;
    const slaB = (await k.get(`/api/v1/tickets/${b.number}/slas`)).json().items;
    expect(slaA.map((s: any) => s.targetMs)).toEqual([HOUR]);
    expect(slaB).toEqual([]);
  });

  it("validates calendars, protects the built-in 24x7 one and calendars in use", async () => {
    const bad = await k.post("/api/v1/sla-calendars", { ...office, hours: { mon: [{ start: "10:00", end: "09:00" }] } });
    expect([bad.statusCode, bad.json().error, bad.json().details.field]).toEqual([400, "sla.calendar_invalid", "hours.mon[0].end"]);
    const zone = await k.post("/api/v1/sla-calendars", { ...office, timeZone: "Mars/Olympus" });
    expect([zone.statusCode, zone.json().details.field]).toEqual([400, "timeZone"]);
    const builtIn = await k.patch("/api/v1/sla-calendars/24x7", { name: "Always" });
    expect([builtIn.statusCode, builtIn.json().error]).toEqual([409, "sla.calendar_built_in"]);
    const cal = (await k.post("/api/v1/sla-calendars", office)).json();
    await k.definition({ name: "Office", target: "resolution", durationMinutes: 60, calendarId: cal.id });
    const del = await k.t.app.inject({ method: "DELETE", url: `/api/v1/sla-calendars/${cal.id}`, headers: k.t.admin.auth });
    expect([del.statusCode, del.json().error]).toEqual([409, "sla.calendar_in_use"]);
    const list = (await k.get("/api/v1/sla-calendars")).json().items.map((c: any) => c.name);
    expect(list).toEqual(["24x7", "Office"]);
  });

  it("previews a definition against a ticket without saving anything", async () => {
    const inc = await k.incident({ impact: 2, urgency: 2 });
    await k.transition(inc.number, { transition: "hold", onHoldReason: "awaiting_caller" });
    const t0 = Date.now() - 3 * HOUR;
    await k.backdate(inc.id, [t0, t0 + HOUR]);
    const res = await k.post("/api/v1/sla-definitions/preview", { ticket: inc.number, definition: { name: "Try", target: "resolution", durationMinutes: 120 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ applies: true, reasons: [], items: [{ state: "paused", elapsedMs: HOUR, startedAt: new Date(t0).toISOString() }] });
    const no = await k.post("/api/v1/sla-definitions/preview", { ticket: inc.number, definition: { name: "Try", target: "resolution", durationMinutes: 120, appliesTo: { priorities: [1] } } });
    expect(no.json()).toMatchObject({ applies: false, reasons: ["priority is P3, not P1"], items: [] });
    expect(await k.t.db.selectFrom("ticket_slas").select("id").execute()).toEqual([]);
    const badCal = await k.post("/api/v1/sla-definitions/preview", { ticket: inc.number, definition: { name: "Try", target: "resolution", durationMinutes: 1, calendarId: "nope" } });
    expect([badCal.statusCode, badCal.json().details.field]).toEqual([400, "calendarId"]);
    expect((await k.post("/api/v1/sla-definitions/preview", { ticket: "INC9999999", definition: { name: "Try", target: "resolution", durationMinutes: 1 } })).statusCode).toBe(404);
  });
});
