import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, changeKit, type ChangeKit } from "./changes.fixtures.js";

describe("change risk, impact and standard templates", () => {
  let k: ChangeKit;
  beforeEach(async () => {
    k = await changeKit();
  });
  afterEach(async () => k.close());

  const template = async (body: Record<string, unknown>) => {
    const res = await k.call("POST", "/api/v1/change-templates", { name: "Restart web server", ...body }, k.t.admin);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  it("computes the risk from the criticality of the CIs and of the services they impact", async () => {
    expect((await k.change({ ciId: await k.ci("lab", "linux_server", "low") })).change.computedRisk).toBe("low");
    expect((await k.change({ ciId: await k.ci("unknown") })).change.computedRisk).toBe("moderate");
    const billing = await k.ci("Billing", "business_service", "critical");
    const host = await k.ci("bill-1", "linux_server", "low");
    await k.relate(billing, "depends_on", host);
    const c = await k.change({ ciId: host });
    expect(c.services).toEqual([{ id: billing, name: "Billing" }]);
    expect(c.change).toMatchObject({ computedRisk: "very_high", risk: "very_high", riskOverrideReason: null });
    const high = await k.change({ affectedCiIds: [await k.ci("erp", "linux_server", "high"), await k.ci("x", "linux_server", "low")] });
    expect(high.change.risk).toBe("high");
  });

  it("raises the risk one level when many services are impacted", async () => {
    const core = await k.ci("core-switch", "switch", "low");
    for (const name of ["Mail", "Web", "VPN"]) await k.relate(await k.ci(name, "business_service", "low"), "depends_on", core);
    const c = await k.change({ ciId: core });
    expect(c.services).toHaveLength(3);
    expect(c.change.computedRisk).toBe("moderate");
  });

  it("overrides the risk only with a reason, keeps the override over recomputation, and drops it back at the computed risk", async () => {
    const c = await k.change({ ciId: await k.ci("lab", "linux_server", "low") });
    const noReason = await k.call("PATCH", `/api/v1/tickets/${c.number}`, { change: { risk: "high" } });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ error: "change.risk_reason_required", details: { field: "change.riskOverrideReason" } });
    const createNoReason = await k.call("POST", "/api/v1/changes", { title: "x", change: { risk: "very_high" } });
    expect(createNoReason.body.details.field).toBe("change.riskOverrideReason");
    const overridden = await k.call("PATCH", `/api/v1/tickets/${c.number}`, { change: { risk: "high", riskOverrideReason: "Touches the payment path" } });
    expect(overridden.body.change).toMatchObject({ risk: "high", computedRisk: "low", riskOverrideReason: "Touches the payment path" });
    const moved = await k.call("PATCH", `/api/v1/tickets/${c.number}`, { ciId: await k.ci("prod", "linux_server", "critical") });
    expect(moved.body.change).toMatchObject({ risk: "high", computedRisk: "very_high" });
    const back = await k.call("PATCH", `/api/v1/tickets/${c.number}`, { change: { risk: "very_high" } });
    expect(back.body.change).toMatchObject({ risk: "very_high", riskOverrideReason: null });
    const audit = (await k.call("GET", `/api/v1/audit?entityId=${c.number}&action=update`, undefined, k.t.admin)).body.items;
    expect(audit.some((a: { after: Record<string, unknown> }) => a.after["change.risk"] === "high")).toBe(true);
  });

  it("refreshes the impacted services and the computed risk from the CMDB as it is now", async () => {
    const host = await k.ci("host-1", "linux_server", "low");
    const c = await k.change({ ciId: host });
    expect(c).toMatchObject({ services: [], change: { risk: "low" } });
    const payroll = await k.ci("Payroll", "business_service", "high");
    await k.relate(payroll, "depends_on", host);
    const res = await k.call("POST", `/api/v1/changes/${c.number}/impact/refresh`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ computedRisk: "high", risk: "high", cis: [{ id: host, name: "host-1" }], services: [{ id: payroll, name: "Payroll" }] });
    const after = (await k.call("GET", `/api/v1/tickets/${c.number}`)).body;
    expect(after).toMatchObject({ services: [{ id: payroll }], change: { risk: "high", computedRisk: "high" } });
    const viewer = await k.t.user("viewer");
    expect((await k.call("POST", `/api/v1/changes/${c.number}/impact/refresh`, undefined, viewer)).status).toBe(403);
  });

  it("creates standard changes from an active template: plans copied, end from the duration, no assessment or approval", async () => {
    const tpl = await template({ implementationPlan: "systemctl restart nginx", backoutPlan: "none needed", testPlan: "curl /health", risk: "low", durationMinutes: 30 });
    const noTemplate = await k.call("POST", "/api/v1/changes", { title: "x", change: { type: "standard" } });
    expect(noTemplate.status).toBe(400);
    expect(noTemplate.body.details.field).toBe("change.templateId");
    const unknown = await k.call("POST", "/api/v1/changes", { title: "x", change: { templateId: "nope" } });
    expect(unknown.body).toMatchObject({ error: "change.unknown_template", details: { field: "change.templateId" } });
    const c = await k.change({ title: "Restart web-1", change: { templateId: tpl.id, plannedStart: at(2) } });
    expect(c.change).toMatchObject({ type: "standard", templateId: tpl.id, implementationPlan: "systemctl restart nginx", testPlan: "curl /health", plannedEnd: at(2.5), risk: "low", approvalStatus: "not_required" });
    expect(c.change.riskOverrideReason).toContain("Restart web server");
    expect(c.allowedTransitions.map((a: { name: string }) => a.name).sort()).toEqual(["cancel", "schedule"]);
    expect((await k.move(c.number, "assess")).status).toBe(409);
    expect((await k.move(c.number, "request_approval")).status).toBe(409);
    const done = await k.walk(c.number, ["schedule", "implement", "review", ["close", { change: { outcome: "successful" } }]]);
    expect(done.state).toBe("closed");
    await k.call("PATCH", `/api/v1/change-templates/${tpl.id}`, { active: false }, k.t.admin);
    const inactive = await k.call("POST", "/api/v1/changes", { title: "x", change: { templateId: tpl.id } });
    expect(inactive.body).toMatchObject({ error: "change.template_inactive", details: { field: "change.templateId" } });
    const mixed = await k.call("POST", "/api/v1/changes", { title: "x", change: { type: "normal", templateId: tpl.id } });
    expect(mixed.status).toBe(400);
  });

  it("manages templates: admins configure, agents read, names are unique, bad input names the field", async () => {
    const tpl = await template({ description: "Safe restart", risk: "moderate" });
    expect(tpl).toMatchObject({ name: "Restart web server", title: "Restart web server", description: "Safe restart", risk: "moderate", active: true, durationMinutes: null });
    expect((await k.call("POST", "/api/v1/change-templates", { name: "x" })).status).toBe(403);
    expect((await k.call("GET", `/api/v1/change-templates/${tpl.id}`)).status).toBe(200);
    const dup = await k.call("POST", "/api/v1/change-templates", { name: "Restart web server" }, k.t.admin);
    expect(dup.status).toBe(409);
    expect(dup.body.details.field).toBe("name");
    const bad = await k.call("POST", "/api/v1/change-templates", { name: "y", durationMinutes: 0 }, k.t.admin);
    expect(bad.status).toBe(400);
    expect(bad.body.details.field).toBe("durationMinutes");
    await template({ name: "Rotate certificate", active: false });
    const active = (await k.call("GET", "/api/v1/change-templates?active=true")).body;
    expect(active.items.map((i: { name: string }) => i.name)).toEqual(["Restart web server"]);
    expect((await k.call("GET", "/api/v1/change-templates?q=rotate")).body.total).toBe(1);
    const edited = await k.call("PATCH", `/api/v1/change-templates/${tpl.id}`, { backoutPlan: "start again" }, k.t.admin);
    expect(edited.body.backoutPlan).toBe("start again");
    const audit = (await k.call("GET", `/api/v1/audit?entityId=${tpl.id}&action=update`, undefined, k.t.admin)).body.items;
    expect(audit[0]).toMatchObject({ before: { backoutPlan: null }, after: { backoutPlan: "start again" } });
    const c = await k.change({ change: { templateId: tpl.id, plannedStart: at(1), plannedEnd: at(2) } });
    expect((await k.call("DELETE", `/api/v1/change-templates/${tpl.id}`, undefined, k.t.admin)).status).toBe(204);
    const kept = (await k.call("GET", `/api/v1/tickets/${c.number}`)).body;
    expect(kept.change).toMatchObject({ type: "standard", templateId: null });
    expect((await k.call("PATCH", `/api/v1/tickets/${c.number}`, { change: { testPlan: "check" } })).status).toBe(200);
  });
});
