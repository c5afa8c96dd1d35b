import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { createIncident, closeResolvedTickets } from "./index.js";
import { transitionTicket, getTicket } from "../tickets/index.js";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

describe("incidents", () => {
  it("close automatically the configured number of days after resolution", async () => {
    const inc = await createIncident(t.db, SYSTEM_ACTOR, { title: "Printer offline", channel: "event" });
    expect(inc.channel).toBe("event");
    await transitionTicket(t.db, SYSTEM_ACTOR, inc.number, { transition: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "Power cycled" });
    expect(await closeResolvedTickets(t.db, new Date(Date.now() + 6 * 86_400_000))).toBe(0);
    expect(await closeResolvedTickets(t.db, new Date(Date.now() + 8 * 86_400_000))).toBe(1);
    const closed = await getTicket(t.db, SYSTEM_ACTOR, inc.number);
    expect(closed.state).toBe("closed");
    expect(closed.closedAt).toBeTruthy();
    expect(closed.allowedTransitions).toEqual([]);
  });

  it("lists a CI's open incidents and the business services it impacts", async () => {
    const ci = (await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: "linux_server", name: "mail01" } })).json();
    const svc = (await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: "business_service", name: "E-mail" } })).json();
    const rel = await t.app.inject({ method: "POST", url: "/api/v1/relationships", headers: t.admin.auth, payload: { sourceId: svc.id, targetId: ci.id, type: "depends_on" } });
    expect(rel.statusCode, rel.body).toBe(201);
    const inc = (await t.app.inject({ method: "POST", url: "/api/v1/incidents", headers: t.admin.auth, payload: { title: "Mail down", ciId: ci.id } })).json();
    expect(inc.services).toEqual([{ id: svc.id, name: "E-mail" }]);
    const list = (await t.app.inject({ method: "GET", url: `/api/v1/tickets?ciId=${ci.id}&kind=incident&open=true`, headers: t.admin.auth })).json();
    expect(list.items.map((i: { number: string }) => i.number)).toEqual([inc.number]);
  });
});
