import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { createGroup } from "../users/index.js";
import { slaKit, type SlaKit } from "./sla.test-helpers.js";

let k: SlaKit;
beforeEach(async () => {
  k = await slaKit();
});
afterEach(async () => k.t.close());

/** Hand-built clocks: [definition, group, priority, day, state, breached]. */
async function seed() {
  const net = await createGroup(k.t.db, SYSTEM_ACTOR, { name: "Network" });
  const desk = await createGroup(k.t.db, SYSTEM_ACTOR, { name: "Desk" });
  const svc = await k.post("/api/v1/cis", { class: "business_service", name: "Email" });
  expect(svc.statusCode, svc.body).toBe(201);
  const data: Array<[string, string | null, number, string, string, boolean, boolean]> = [
    // definition, group, priority, started, state, breached, on the Email service
    ["Response", net.id, 1, "2025-01-06T08:00:00.000Z", "achieved", false, true],
    ["Response", net.id, 1, "2025-01-06T09:00:00.000Z", "breached", true, true],
    ["Response", desk.id, 2, "2025-01-07T10:00:00.000Z", "achieved", false, false],
    ["Response", desk.id, 2, "2025-01-07T11:00:00.000Z", "achieved", false, false],
    ["Resolution", net.id, 1, "2025-01-06T08:00:00.000Z", "in_progress", false, true],
    ["Resolution", desk.id, 2, "2025-01-07T10:00:00.000Z", "breached", true, false],
    ["Resolution", null, 3, "2025-01-08T10:00:00.000Z", "cancelled", false, false],
    ["Resolution", null, 3, "2024-12-31T23:00:00.000Z", "achieved", false, false],
  ];
  for (const [name, group, priority, started, state, breached, email] of data) {
    const inc = await k.incident({ assignmentGroupId: group ?? undefined, ciId: email ? svc.json().id : undefined });
    await k.t.db
      .insertInto("ticket_slas")
      .values({ ticket_id: Number(inc.id), definition_id: name.toLowerCase(), cycle: 1, definition: "{}", name, type: "sla", target: name.toLowerCase(), target_ms: 3600_000, calendar_id: "24x7", state, breached, started_at: started, priority, ticket_kind: "incident", computed_at: started })
      .execute();
  }
}

describe("SLA compliance report", () => {
  it("counts met, breached and running clocks by definition, group, service, priority and period", async () => {
    await seed();
    const q = "from=2025-01-01T00:00:00.000Z&to=2025-02-01T00:00:00.000Z";
    const byDef = (await k.get(`/api/v1/slas/report?${q}`)).json();
    expect(byDef.totals).toMatchObject({ total: 6, met: 3, breached: 2, inProgress: 1, compliancePercent: 60 });
    expect(byDef.rows.map((r: any) => [r.label, r.total, r.met, r.breached, r.inProgress, r.compliancePercent])).toEqual([
      ["Response", 4, 3, 1, 0, 75],
      ["Resolution", 2, 0, 1, 1, 0],
    ]);
    const byGroup = (await k.get(`/api/v1/slas/report?${q}&groupBy=group`)).json();
    expect(byGroup.rows.map((r: any) => [r.label, r.total, r.compliancePercent])).toEqual([
      ["Desk", 3, 66.7],
      ["Network", 3, 50],
    ]);
    const byPriority = (await k.get(`/api/v1/slas/report?${q}&groupBy=priority`)).json();
    expect(byPriority.rows.map((r: any) => [r.label, r.met, r.breached])).toEqual([
      ["P1", 1, 1],
      ["P2", 2, 1],
    ]);
    const byService = (await k.get(`/api/v1/slas/report?${q}&groupBy=service`)).json();
    expect(byService.rows.map((r: any) => [r.label, r.total])).toEqual([
      ["Email", 3],
      ["No service", 3],
    ]);
    const byPeriod = (await k.get(`/api/v1/slas/report?${q}&groupBy=period`)).json();
    expect(byPeriod.rows.map((r: any) => [r.key, r.total])).toEqual([
      ["2025-01-06T00:00:00.000Z", 3],
      ["2025-01-07T00:00:00.000Z", 3],
    ]);
    const weekly = (await k.get(`/api/v1/slas/report?${q}&interval=week`)).json();
    expect(weekly.series.map((r: any) => [r.key, r.total])).toEqual([["2025-01-06T00:00:00.000Z", 6]]);
    const bad = await k.get("/api/v1/slas/report?from=2025-02-01T00:00:00.000Z&to=2025-01-01T00:00:00.000Z");
    expect([bad.statusCode, bad.json().details.field]).toEqual([400, "from"]);
  });
});
