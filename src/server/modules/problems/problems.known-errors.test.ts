import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Worker } from "../../platform/jobs.js";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { noteKnownErrors } from "./problems.events.js";

describe("known error database", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const open = async (kind: "incidents" | "problems", body: Record<string, unknown>) => {
    const res = await t.app.inject({ method: "POST", url: `/api/v1/${kind}`, headers: t.admin.auth, payload: body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const search = async (query = "") => {
    const res = await t.app.inject({ url: `/api/v1/problems/known-errors${query}`, headers: t.admin.auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it("lists known errors only, newest first, with root cause, workaround and linked incidents", async () => {
    const vpn = await open("problems", { title: "VPN drops every hour", category: "network", problem: { knownError: true, workaround: "Reconnect with the legacy profile", rootCause: "Rekey timer mismatch" } });
    const printer = await open("problems", { title: "Printer queue stalls", problem: { knownError: true, workaround: "Restart the spooler service" } });
    await open("problems", { title: "Not yet known", problem: { workaround: "Reboot" } });
    const i = await open("incidents", { title: "VPN down" });
    await t.app.inject({ method: "POST", url: `/api/v1/problems/${vpn.number}/incidents`, headers: t.admin.auth, payload: { incidents: [i.number] } });
    const list = await search();
    expect(list.total).toBe(2);
    expect(list.items.map((k: { number: string }) => k.number)).toEqual([printer.number, vpn.number]);
    expect(list.items[1]).toMatchObject({
      title: "VPN drops every hour",
      rootCause: "Rekey timer mismatch",
      workaround: "Reconnect with the legacy profile",
      knownErrorAt: expect.any(String),
      category: "network",
      open: true,
      incidents: 1,
    });
  });

  it("searches every word in title, description, root cause and workaround, and filters by CI, category and openness", async () => {
    const ci = (await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: "linux_server", name: "mail-01" } })).json();
    const mail = await open("problems", { title: "Mail delayed", ciId: ci.id, problem: { knownError: true, workaround: "Flush the 100% full queue_dir", rootCause: "Disk quota" } });
    await open("problems", { title: "Disk alarms", category: "storage", problem: { knownError: true, workaround: "Ignore" } });
    expect((await search("?q=quota%20mail")).items.map((k: { number: string }) => k.number)).toEqual([mail.number]);
    expect((await search("?q=disk")).total).toBe(2);
    // LIKE wildcards are searched for literally.
    expect((await search("?q=100%25")).total).toBe(1);
    expect((await search("?q=queue_dir")).total).toBe(1);
    expect((await search("?q=queue%25dir")).total).toBe(0);
    expect((await search(`?ciId=${ci.id}`)).total).toBe(1);
    expect((await search("?category=storage")).total).toBe(1);
    await t.app.inject({ method: "POST", url: `/api/v1/tickets/${mail.number}/transitions`, headers: t.admin.auth, payload: { transition: "analyse" } });
    await t.app.inject({ method: "POST", url: `/api/v1/tickets/${mail.number}/transitions`, headers: t.admin.auth, payload: { transition: "resolve", resolutionCode: "fixed", resolutionNotes: "Quota raised" } });
    expect((await search("?open=true")).total).toBe(1);
    expect((await search("?open=false")).items.map((k: { number: string }) => k.number)).toEqual([mail.number]);
    expect((await search("?limit=1")).items).toHaveLength(1);
  });

  it("finds the known errors that match an incident: linked to it, on its CI or in its category", async () => {
    const ci = (await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: "linux_server", name: "app-01" } })).json();
    const onCi = await open("problems", { title: "a", ciId: ci.id, problem: { knownError: true, workaround: "w" } });
    const inCategory = await open("problems", { title: "b", category: "email", problem: { knownError: true, workaround: "w" } });
    const linked = await open("problems", { title: "c", problem: { knownError: true, workaround: "w" } });
    await open("problems", { title: "unrelated", category: "other", problem: { knownError: true, workaround: "w" } });
    const incident = await open("incidents", { title: "x", ciId: ci.id, category: "email" });
    await t.app.inject({ method: "POST", url: `/api/v1/problems/${linked.number}/incidents`, headers: t.admin.auth, payload: { incidents: [incident.number] } });
    const found = await search(`?incident=${incident.number}`);
    expect(found.items.map((k: { number: string }) => k.number).sort()).toEqual([onCi.number, inCategory.number, linked.number].sort());
    const bare = await open("incidents", { title: "nothing in common" });
    expect((await search(`?incident=${bare.number}`)).total).toBe(0);
    const bad = await t.app.inject({ url: `/api/v1/problems/known-errors?incident=${onCi.number}`, headers: t.admin.auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.field).toBe("incident");
  });

  it("notes the open known errors on a new incident's CI or category, for agents only, once", async () => {
    const ci = (await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: "linux_server", name: "vpn-gw" } })).json();
    const onCi = await open("problems", { title: "VPN drops hourly", ciId: ci.id, problem: { knownError: true, workaround: "Reconnect with the legacy profile" } });
    const inCategory = await open("problems", { title: "Tunnel MTU", category: "vpn", problem: { knownError: true, rootCause: "MTU 1500 on the tunnel" } });
    await open("problems", { title: "Not known", ciId: ci.id, problem: { workaround: "w" } });
    const fixed = await open("problems", { title: "Fixed already", ciId: ci.id, problem: { knownError: true, workaround: "old", rootCause: "r" } });
    await t.app.inject({ method: "POST", url: `/api/v1/tickets/${fixed.number}/transitions`, headers: t.admin.auth, payload: { transition: "analyse" } });
    await t.app.inject({ method: "POST", url: `/api/v1/tickets/${fixed.number}/transitions`, headers: t.admin.auth, payload: { transition: "resolve", resolutionCode: "fixed", resolutionNotes: "n" } });
    const requester = await t.user("requester");
    const reported = await t.app.inject({ method: "POST", url: "/api/v1/incidents", headers: requester.auth, payload: { title: "VPN keeps dropping", ciId: ci.id, category: "vpn" } });
    expect(reported.statusCode, reported.body).toBe(201);
    const incident = reported.json();
    const plain = await open("incidents", { title: "Unrelated" });
    const worker = new Worker({ db: t.db, jobs: t.built.ctx.jobs, events: t.built.ctx.events });
    while ((await worker.tick()) > 0);

    const notes = async (ref: string, who = t.admin) =>
      (await t.app.inject({ url: `/api/v1/tickets/${ref}/timeline`, headers: who.auth })).json().items.filter((e: { actorName: string }) => e.actorName === "Known error database");
    const [note] = await notes(incident.number);
    expect(note).toMatchObject({ type: "system", public: false });
    expect(note.body).toContain(`${onCi.number} VPN drops hourly`);
    expect(note.body).toContain("Workaround: Reconnect with the legacy profile");
    expect(note.body).toContain(`${inCategory.number} Tunnel MTU`);
    expect(note.body).toContain("Root cause: MTU 1500 on the tunnel");
    expect(note.body).not.toContain(fixed.number);
    expect(note.data.knownErrors.map((k: { number: string }) => k.number).sort()).toEqual([onCi.number, inCategory.number].sort());
    expect(await notes(incident.number, requester)).toEqual([]);
    expect(await notes(plain.number)).toEqual([]);
    // A retried event adds nothing.
    await noteKnownErrors(t.db, { id: 0, type: "ticket.created", payload: { id: incident.id, kind: "incident" }, createdAt: new Date().toISOString() });
    expect(await notes(incident.number)).toHaveLength(1);
  });

  it("refuses requesters and bad queries", async () => {
    const requester = await t.user("requester");
    expect((await t.app.inject({ url: "/api/v1/problems/known-errors", headers: requester.auth })).statusCode).toBe(403);
    const bad = await t.app.inject({ url: "/api/v1/problems/known-errors?limit=0", headers: t.admin.auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.field).toBe("limit");
    expect((await t.app.inject({ url: "/api/v1/problems/known-errors?surprise=1", headers: t.admin.auth })).statusCode).toBe(400);
  });
});
