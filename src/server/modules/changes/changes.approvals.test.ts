import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TestUser } from "../../../../test/helpers/test-app.js";
import { at, changeKit, type ChangeKit } from "./changes.fixtures.js";

describe("change approvals", () => {
  let k: ChangeKit;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  beforeEach(async () => {
    k = await changeKit();
    alice = await k.t.user("agent");
    bob = await k.t.user("agent");
    carol = await k.t.user("agent");
  });
  afterEach(async () => k.close());

  /** A normal change with a window, moved to Authorize. */
  const authorizing = async (extra: Record<string, unknown> = {}) => {
    const c = await k.change({ change: { plannedStart: at(1), plannedEnd: at(2) }, ...extra });
    const moved = await k.walk(c.number, ["assess", "request_approval"]);
    expect(moved.state).toBe("authorize");
    return c.number as string;
  };
  const approvals = async (ref: string) => (await k.call("GET", `/api/v1/changes/${ref}/approvals`)).body;
  const approve = (ref: string, who: TestUser, comment?: string) => k.call("POST", `/api/v1/changes/${ref}/approvals/approve`, comment ? { comment } : {}, who);
  const reject = (ref: string, who: TestUser, comment?: string) => k.call("POST", `/api/v1/changes/${ref}/approvals/reject`, comment ? { comment } : {}, who);

  it("needs every member under an `all` rule before the change can be scheduled", async () => {
    const cab = await k.group("CAB", [alice, bob]);
    await k.rule({ name: "CAB", groupId: cab, rule: "all" });
    const ref = await authorizing();
    const started = await approvals(ref);
    expect(started).toMatchObject({ status: "pending", round: 1, rules: [{ ruleName: "CAB", rule: "all", required: 2, approved: 0, met: false }] });
    expect(started.items.map((i: { approver: { id: string } }) => i.approver.id).sort()).toEqual([alice.user.id, bob.user.id].sort());
    const early = await k.move(ref, "schedule");
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: "change.approval_pending", details: { rules: [{ approved: 0, required: 2 }] } });
    const outsider = await approve(ref, carol);
    expect(outsider.status).toBe(403);
    expect(outsider.body.error).toBe("change.not_an_approver");
    const first = await approve(ref, alice, "Fine by me");
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.rules[0]).toMatchObject({ approved: 1, met: false });
    expect(first.body.items.find((i: { approver: { id: string } }) => i.approver.id === alice.user.id)).toMatchObject({ decision: "approved", comment: "Fine by me" });
    const twice = await approve(ref, alice);
    expect(twice.status).toBe(409);
    expect(twice.body.error).toBe("change.already_decided");
    expect((await k.move(ref, "schedule")).status).toBe(409);
    expect((await approve(ref, bob)).body.status).toBe("approved");
    const scheduled = await k.walk(ref, ["schedule"]);
    expect(scheduled).toMatchObject({ state: "scheduled", change: { approvalStatus: "approved" } });
    const late = await approve(ref, carol);
    expect(late.status).toBe(409);
    expect(late.body.error).toBe("change.not_authorizing");
  });

  it("is met by one member under `any` and by N members under `n_of`", async () => {
    const cab = await k.group("CAB", [alice, bob, carol]);
    await k.rule({ name: "Any", groupId: cab, rule: "any", risks: ["moderate"] });
    await k.rule({ name: "Two of three", groupId: cab, rule: "n_of", required: 2, risks: ["moderate"] });
    const ref = await authorizing();
    await approve(ref, alice);
    const progress = await approvals(ref);
    expect(progress.rules.map((r: { ruleName: string; met: boolean }) => [r.ruleName, r.met])).toEqual([["Any", true], ["Two of three", false]]);
    expect(progress.status).toBe("pending");
    expect((await approve(ref, carol)).body.status).toBe("approved");
    expect((await k.move(ref, "schedule")).status).toBe(200);
  });

  it("returns a rejected change to New with the reason, ends the round, and starts a fresh one on the next request", async () => {
    const cab = await k.group("CAB", [alice, bob]);
    await k.rule({ name: "CAB", groupId: cab, rule: "all" });
    const ref = await authorizing();
    await approve(ref, alice);
    const noComment = await reject(ref, bob);
    expect(noComment.status).toBe(400);
    expect(noComment.body.details.field).toBe("comment");
    expect((await reject(ref, carol, "no")).status).toBe(403);
    const rejected = await reject(ref, bob, "Backout plan is missing");
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body.status).toBe("rejected");
    const change = (await k.call("GET", `/api/v1/tickets/${ref}`)).body;
    expect(change).toMatchObject({ state: "new", change: { approvalStatus: "rejected" } });
    const timeline = (await k.call("GET", `/api/v1/tickets/${ref}/timeline`)).body.items;
    expect(timeline.find((e: { type: string; data: { to?: string } }) => e.type === "state_change" && e.data.to === "new")).toMatchObject({ body: "Backout plan is missing", actor: { id: bob.user.id } });
    expect((await approve(ref, alice)).status).toBe(409);
    await k.walk(ref, ["assess", "request_approval"]);
    const again = await approvals(ref);
    expect(again).toMatchObject({ status: "pending", round: 2, rules: [{ approved: 0, required: 2 }] });
    expect(again.items.filter((i: { round: number }) => i.round === 1).map((i: { decision: string }) => i.decision).sort()).toEqual(["approved", "rejected"]);
    expect((await k.move(ref, "schedule")).status).toBe(409);
  });

  it("lets an approver reject through the flow's reject transition too, and nobody else", async () => {
    const cab = await k.group("CAB", [alice]);
    await k.rule({ name: "CAB", groupId: cab, rule: "any" });
    const ref = await authorizing();
    const notApprover = await k.move(ref, "reject", { reason: "no" });
    expect(notApprover.status).toBe(403);
    expect(notApprover.body.error).toBe("change.not_an_approver");
    expect((await k.move(ref, "reject", { reason: "Wrong window" }, alice)).body.state).toBe("new");
  });

  it("lets approvers outside the change's assignment group decide under the group edit policy", async () => {
    expect((await k.call("PATCH", "/api/v1/tickets/settings", { editPolicy: "group_members" }, k.t.admin)).status).toBe(200);
    const owners = await k.group("DBA", [k.agent]);
    const cab = await k.group("CAB", [alice]);
    await k.rule({ name: "CAB", groupId: cab, rule: "any" });
    const ref = await authorizing({ assignmentGroupId: owners });
    expect((await k.move(ref, "schedule", {}, alice)).status).toBe(403);
    const rejected = await reject(ref, alice, "Not this week");
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect((await k.call("GET", `/api/v1/tickets/${ref}`)).body.state).toBe("new");
  });

  it("applies rules by change type and risk, and needs none when no rule matches", async () => {
    const cab = await k.group("CAB", [alice]);
    const ecab = await k.group("ECAB", [bob]);
    await k.rule({ name: "CAB high", groupId: cab, rule: "any", changeTypes: ["normal"], risks: ["high", "very_high"] });
    await k.rule({ name: "ECAB", groupId: ecab, rule: "any", changeTypes: ["emergency"] });
    const moderate = await authorizing();
    expect((await approvals(moderate)).status).toBe("not_required");
    expect((await k.move(moderate, "schedule")).status).toBe(200);
    const high = await authorizing({ change: { plannedStart: at(1), plannedEnd: at(2), risk: "high", riskOverrideReason: "Payment path" } });
    expect((await approvals(high)).rules.map((r: { ruleName: string }) => r.ruleName)).toEqual(["CAB high"]);
    const emergency = await k.change({ change: { type: "emergency", plannedStart: at(1), plannedEnd: at(2) } });
    await k.walk(emergency.number, ["request_approval"]);
    expect((await approvals(emergency.number)).rules.map((r: { ruleName: string }) => r.ruleName)).toEqual(["ECAB"]);
    expect((await approve(emergency.number, alice)).status).toBe(403);
    await approve(emergency.number, bob);
    expect((await k.move(emergency.number, "schedule")).status).toBe(200);
  });

  it("refuses to request approval from a group too small for its rule, leaving the change where it was", async () => {
    const empty = await k.group("Empty board", []);
    await k.rule({ name: "Empty", groupId: empty, rule: "any" });
    const c = await k.change();
    await k.walk(c.number, ["assess"]);
    const res = await k.move(c.number, "request_approval");
    expect(res.status).toBe(409);
    expect(res.body.error).toBe("change.approver_group_too_small");
    expect((await k.call("GET", `/api/v1/tickets/${c.number}`)).body.state).toBe("assess");
  });

  it("ends the round when a change awaiting approval is canceled", async () => {
    const cab = await k.group("CAB", [alice, bob]);
    await k.rule({ name: "CAB", groupId: cab, rule: "all" });
    const ref = await authorizing();
    await k.walk(ref, [["cancel", { reason: "Superseded" }]]);
    expect(await approvals(ref)).toMatchObject({ status: "not_requested", items: [{ decision: "canceled" }, { decision: "canceled" }] });
    expect((await approve(ref, alice)).status).toBe(409);
  });

  it("lets exactly one of two concurrent decisions by one approver count", async () => {
    const cab = await k.group("CAB", [alice, bob]);
    await k.rule({ name: "CAB", groupId: cab, rule: "all" });
    const ref = await authorizing();
    const [a, b] = await Promise.all([approve(ref, alice), reject(ref, alice, "changed my mind")]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const decided = (await approvals(ref)).items.filter((i: { approver: { id: string } }) => i.approver.id === alice.user.id);
    expect(decided).toHaveLength(1);
    expect(["approved", "rejected"]).toContain(decided[0].decision);
  });

  it("completes an `all` round exactly once when the last two approvals arrive together", async () => {
    const cab = await k.group("CAB", [alice, bob]);
    await k.rule({ name: "CAB", groupId: cab, rule: "all" });
    const ref = await authorizing();
    const both = await Promise.all([approve(ref, alice), approve(ref, bob)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect((await approvals(ref)).status).toBe("approved");
    const events = await k.t.db.selectFrom("outbox").select("payload").where("type", "=", "change.approved").execute();
    expect(events.filter((e) => JSON.parse(e.payload).number === ref)).toHaveLength(1);
  });

  it("manages approval rules: admins configure, agents read, bad input is refused", async () => {
    const cab = await k.group("CAB", [alice]);
    const created = await k.rule({ name: "CAB", groupId: cab, rule: "n_of", required: 1, risks: ["high"] });
    expect(created).toMatchObject({ name: "CAB", group: { id: cab, name: "CAB" }, rule: "n_of", required: 1, risks: ["high"], changeTypes: [], active: true });
    expect((await k.call("POST", "/api/v1/change-approval-rules", { name: "X", groupId: cab, rule: "any" })).status).toBe(403);
    expect((await k.call("GET", "/api/v1/change-approval-rules")).body.items).toHaveLength(1);
    const noN = await k.call("POST", "/api/v1/change-approval-rules", { name: "X", groupId: cab, rule: "n_of" }, k.t.admin);
    expect(noN.status).toBe(400);
    expect(noN.body.details.field).toBe("required");
    const noGroup = await k.call("POST", "/api/v1/change-approval-rules", { name: "X", groupId: "nope", rule: "any" }, k.t.admin);
    expect(noGroup.body.details.field).toBe("groupId");
    const dup = await k.call("POST", "/api/v1/change-approval-rules", { name: "CAB", groupId: cab, rule: "any" }, k.t.admin);
    expect(dup.status).toBe(409);
    const updated = await k.call("PATCH", `/api/v1/change-approval-rules/${created.id}`, { rule: "all", active: false }, k.t.admin);
    expect(updated.body).toMatchObject({ rule: "all", active: false });
    const audit = (await k.call("GET", `/api/v1/audit?entityId=${created.id}&action=update`, undefined, k.t.admin)).body.items;
    expect(audit[0].after).toMatchObject({ rule: "all", active: false });
    expect((await k.call("DELETE", `/api/v1/change-approval-rules/${created.id}`, undefined, k.t.admin)).status).toBe(204);
    expect((await k.call("GET", `/api/v1/change-approval-rules/${created.id}`)).body.error).toBe("change_approval_rule.not_found");
  });
});
