import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { sql } from "kysely";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { isPostgres } from "../../platform/db/dialect.js";
import "../incidents/index.js";
import { createTicket, getTicket } from "./index.js";
import { graphStatus, warmGraph } from "../cmdb/index.js";
import { addMember } from "../users/index.js";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

async function serviceGraph() {
  const post = async (url: string, payload: object) => {
    const res = await t.app.inject({ method: "POST", url, headers: t.admin.auth, payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const vm = await post("/api/v1/cis", { class: "linux_server", name: "app01" });
  const app = await post("/api/v1/cis", { class: "application", name: "Shop backend" });
  const shop = await post("/api/v1/cis", { class: "business_service", name: "Shop" });
  const mail = await post("/api/v1/cis", { class: "business_service", name: "E-mail" });
  await post("/api/v1/relationships", { sourceId: app.id, targetId: vm.id, type: "runs_on" });
  await post("/api/v1/relationships", { sourceId: shop.id, targetId: app.id, type: "depends_on" });
  const group = await post("/api/v1/groups", { name: "Ops" });
  return { vm, app, shop, mail, group };
}

describe("creating tickets", () => {
  it("answers a creation exactly as the ticket reads back afterwards", async () => {
    const g = await serviceGraph();
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/incidents",
      headers: t.admin.auth,
      payload: { title: "Shop slow", ciId: g.vm.id, assignmentGroupId: g.group.id, impact: 1, urgency: 2, tags: ["web"], category: "software", channel: "phone" },
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created.services).toEqual([{ id: g.shop.id, name: "Shop" }]);
    const read = (await t.app.inject({ method: "GET", url: `/api/v1/tickets/${created.number}`, headers: t.admin.auth })).json();
    expect(created).toEqual(read);
    const timeline = (await t.app.inject({ method: "GET", url: `/api/v1/tickets/${created.number}/timeline`, headers: t.admin.auth })).json();
    expect(timeline.items.map((e: { type: string }) => e.type)).toEqual(["created"]);
  });

  it("writes concurrent creations together, refusing only the bad one, with every number once", async () => {
    const g = await serviceGraph();
    const bodies = Array.from({ length: 30 }, (_, i) => ({ title: `Incident ${i}`, ciId: i === 7 ? "no-such-ci" : i % 2 ? g.vm.id : g.mail.id, assignmentGroupId: g.group.id }));
    const outcomes = await Promise.allSettled(bodies.map((b) => createTicket(t.db, SYSTEM_ACTOR, "incident", b)));
    const refused = outcomes.flatMap((o, i) => (o.status === "rejected" ? [{ i, error: (o.reason as { code?: string; details?: unknown }).code, details: (o.reason as { details?: unknown }).details }] : []));
    expect(refused).toEqual([{ i: 7, error: "ticket.unknown_ci", details: { field: "ciId" } }]);
    const created = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    expect(new Set(created.map((c) => c.number)).size).toBe(29);
    // The batch takes its numbers in one step, and the refused creation takes none.
    if (!isPostgres(t.db)) expect(created.map((c) => c.number).sort()).toEqual(Array.from({ length: 29 }, (_, i) => `INC${String(1001 + i).padStart(7, "0")}`));
    for (const c of created) {
      const read = await getTicket(t.db, SYSTEM_ACTOR, c.number);
      expect(read).toEqual(c);
      expect(read.services).toEqual(c.ci?.id === g.vm.id ? [{ id: g.shop.id, name: "Shop" }] : [{ id: g.mail.id, name: "E-mail" }]);
    }
    const events = await t.db.selectFrom("outbox").select("payload").where("type", "=", "ticket.created").execute();
    expect(events).toHaveLength(29);
    // Their timeline entries and services are written with a few multi-row statements (16 + 8 + 4 + 1): one entry each.
    const entries = await t.db.selectFrom("ticket_timeline").select(["ticket_id", "type", "data"]).execute();
    expect(entries.map((e) => String(e.ticket_id)).sort()).toEqual(created.map((c) => c.id).sort());
    for (const e of entries) expect({ type: e.type, data: JSON.parse(e.data ?? "null") }).toEqual({ type: "created", data: { state: "new", priority: created.find((c) => c.id === String(e.ticket_id))!.priority } });
    const audit = await t.db.selectFrom("audit_log").select("entity_id").where("entity", "=", "ticket").where("action", "=", "create").execute();
    expect(audit.map((a) => a.entity_id).sort()).toEqual(created.map((c) => c.number).sort());
    const list = (await t.app.inject({ method: "GET", url: "/api/v1/tickets?kind=incident&limit=100", headers: t.admin.auth })).json();
    expect(list.total).toBe(29);
  });

  it("finds every ticket of a large batch by quick search, by its own word and by a shared prefix", async () => {
    const g = await serviceGraph();
    // 45 is no power of two: the batch's tickets rows go in one statement of 45 rows.
    const words = Array.from({ length: 45 }, (_, i) => `zebra${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
    const created = await Promise.all(words.map((w, i) => createTicket(t.db, SYSTEM_ACTOR, "incident", { title: `Printer ${w} jammed`, description: `Tray ${i} empty`, ciId: g.vm.id, assignmentGroupId: g.group.id })));
    expect(new Set(created.map((c) => c.id)).size).toBe(45);
    for (const c of created) expect(await getTicket(t.db, SYSTEM_ACTOR, c.number)).toEqual(c);
    const search = async (q: string) => (await t.app.inject({ method: "GET", url: `/api/v1/tickets?q=${encodeURIComponent(q)}&limit=100`, headers: t.admin.auth })).json();
    const all = await search("zeb");
    expect(all.total).toBe(45);
    expect(all.items.map((i: { number: string }) => i.number).sort()).toEqual(created.map((c) => c.number).sort());
    for (const [i, w] of words.entries()) expect((await search(`${w} jam`)).items.map((x: { number: string }) => x.number)).toEqual([created[i].number]);
  });

  it("writes a lone creation after a batch, and creations that trickle in one by one, each once and in order", async () => {
    const g = await serviceGraph();
    const body = (i: number) => ({ title: `Trickle ${i}`, ciId: g.vm.id, assignmentGroupId: g.group.id });
    const create = (i: number) => createTicket(t.db, SYSTEM_ACTOR, "incident", body(i));
    const batch = await Promise.all([0, 1, 2, 3].map(create));
    // Alone after a batch of four: the three others the batch expects never come.
    const lone = await create(4);
    // One per turn of the event loop, while a batch of one expects one.
    const trickle: Array<Promise<Awaited<ReturnType<typeof create>>>> = [];
    for (let i = 5; i < 9; i++) {
      trickle.push(create(i));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const all = [...batch, lone, ...(await Promise.all(trickle))];
    expect(all.map((c) => c.title)).toEqual(Array.from({ length: 9 }, (_, i) => `Trickle ${i}`));
    expect(new Set(all.map((c) => c.number)).size).toBe(9);
    if (!isPostgres(t.db)) expect(all.slice(4).map((c) => c.number)).toEqual(Array.from({ length: 5 }, (_, i) => `INC${String(1005 + i).padStart(7, "0")}`));
    for (const c of all) expect(await getTicket(t.db, SYSTEM_ACTOR, c.number)).toEqual(c);
    const events = await t.db.selectFrom("outbox").select("payload").where("type", "=", "ticket.created").execute();
    expect(events).toHaveLength(9);
  });

  it("names the missing group or requester like any other reference check", async () => {
    const noGroup = await t.app.inject({ method: "POST", url: "/api/v1/incidents", headers: t.admin.auth, payload: { title: "x", assignmentGroupId: "nope" } });
    expect(noGroup.statusCode).toBe(400);
    expect(noGroup.json()).toMatchObject({ error: "ticket.unknown_group", details: { field: "assignmentGroupId" } });
    const noUser = await t.app.inject({ method: "POST", url: "/api/v1/incidents", headers: t.admin.auth, payload: { title: "x", requesterId: "nope" } });
    expect(noUser.json()).toMatchObject({ error: "ticket.unknown_user", details: { field: "requesterId" } });
    const count = await t.db.selectFrom("tickets").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it("checks and names a batch's references together, refusing what a lone creation refuses", async () => {
    const g = await serviceGraph();
    const agent = await t.user("agent");
    const requester = await t.user("requester");
    await addMember(t.db, SYSTEM_ACTOR, g.group.id, agent.user.id);
    const good = { ciId: g.vm.id, assignmentGroupId: g.group.id, assigneeId: agent.user.id, requesterId: requester.user.id };
    const bodies = [
      { title: "All named", ...good },
      { title: "No requester", ...good, requesterId: "nope" },
      { title: "No group", ...good, assignmentGroupId: "nope" },
      { title: "No CI", ...good, ciId: "nope" },
      { title: "No assignee", ...good, assigneeId: "nope" },
      { title: "Neither requester nor group", ...good, requesterId: "nope", assignmentGroupId: "nope" },
      { title: "Service only", ciId: g.mail.id },
      { title: "Nothing named" },
    ];
    const outcome = (o: PromiseSettledResult<Awaited<ReturnType<typeof createTicket>>>) =>
      o.status === "fulfilled" ? { ok: o.value.title } : { error: (o.reason as { code?: string }).code, details: (o.reason as { details?: unknown }).details };
    // One at a time (each its own batch, the per-creation lookup), then all at once (one batch, one lookup).
    const alone = [];
    for (const b of bodies) alone.push(outcome((await Promise.allSettled([createTicket(t.db, SYSTEM_ACTOR, "incident", b)]))[0]));
    const together = await Promise.allSettled(bodies.map((b) => createTicket(t.db, SYSTEM_ACTOR, "incident", b)));
    expect(together.map(outcome)).toEqual(alone);
    expect(alone.filter((o) => "ok" in o)).toHaveLength(3);
    for (const o of together) if (o.status === "fulfilled") expect(await getTicket(t.db, SYSTEM_ACTOR, o.value.number)).toEqual(o.value);
    const named = together[0].status === "fulfilled" ? together[0].value : null;
    expect(named).toMatchObject({ requester: { id: requester.user.id, name: requester.user.name }, assignee: { id: agent.user.id, name: agent.user.name }, assignmentGroup: { name: "Ops" }, ci: { name: "app01" } });
  });

  it("counts a new service class on creations once the class cache's two seconds have passed", async () => {
    const g = await serviceGraph();
    await warmGraph(t.db);
    const post = async (url: string, payload: object) => {
      const res = await t.app.inject({ method: "POST", url, headers: t.admin.auth, payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    expect((await createTicket(t.db, SYSTEM_ACTOR, "incident", { title: "Before", ciId: g.vm.id })).services).toEqual([{ id: g.shop.id, name: "Shop" }]);
    await post("/api/v1/ci-classes", { name: "payment_service", label: "Payment service", parent: "business_service" });
    const payments = await post("/api/v1/cis", { class: "payment_service", name: "Payments" });
    await post("/api/v1/relationships", { sourceId: payments.id, targetId: g.app.id, type: "depends_on" });
    await new Promise((r) => setTimeout(r, 2100));
    const after = await createTicket(t.db, SYSTEM_ACTOR, "incident", { title: "After", ciId: g.vm.id });
    expect(after.services).toEqual([{ id: payments.id, name: "Payments" }, { id: g.shop.id, name: "Shop" }]);
    expect(await getTicket(t.db, SYSTEM_ACTOR, after.number)).toEqual(after);
  });

  it("keeps the rest of a batch when one creation fails after its checks passed, and skips no number", async () => {
    const g = await serviceGraph();
    // A write that fails after every check passed (as a lost CI or a full disk would): the
    // batch, written without savepoints, is rolled back and written again one savepoint each.
    if (isPostgres(t.db)) {
      await sql`create function refuse_boom() returns trigger language plpgsql as $$ begin if new.title = 'boom' then raise exception 'boom refused'; end if; return new; end $$`.execute(t.db);
      await sql`create trigger tickets_boom before insert on tickets for each row execute function refuse_boom()`.execute(t.db);
    } else {
      await sql`create trigger tickets_boom before insert on tickets when new.title = 'boom' begin select raise(abort, 'boom refused'); end`.execute(t.db);
    }
    const bodies = Array.from({ length: 12 }, (_, i) => ({ title: i === 4 ? "boom" : `Incident ${i}`, ciId: g.vm.id, assignmentGroupId: g.group.id }));
    const outcomes = await Promise.allSettled(bodies.map((b) => createTicket(t.db, SYSTEM_ACTOR, "incident", b)));
    expect(outcomes.map((o) => o.status)).toEqual(bodies.map((b) => (b.title === "boom" ? "rejected" : "fulfilled")));
    const created = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    for (const c of created) expect(await getTicket(t.db, SYSTEM_ACTOR, c.number)).toEqual(c);
    const events = await t.db.selectFrom("outbox").select("payload").where("type", "=", "ticket.created").execute();
    expect(events.map((e) => JSON.parse(e.payload).number).sort()).toEqual(created.map((c) => c.number).sort());
    const audit = await t.db.selectFrom("audit_log").select("entity_id").where("entity", "=", "ticket").execute();
    expect(audit.map((a) => a.entity_id).sort()).toEqual(created.map((c) => c.number).sort());
    // SQLite's counter rolls back with the failed creation; PostgreSQL's sequences may leave a gap.
    if (!isPostgres(t.db)) expect(created.map((c) => c.number).sort()).toEqual(Array.from({ length: 11 }, (_, i) => `INC${String(1001 + i).padStart(7, "0")}`));
  });

  it("takes the impacted services from the CMDB graph once it is ready, in step with new relationships", async () => {
    const g = await serviceGraph();
    await warmGraph(t.db);
    expect(graphStatus(t.db).state).toBe("ready");
    const first = await createTicket(t.db, SYSTEM_ACTOR, "incident", { title: "Slow", ciId: g.vm.id });
    expect(first.services).toEqual([{ id: g.shop.id, name: "Shop" }]);
    const link = await t.app.inject({ method: "POST", url: "/api/v1/relationships", headers: t.admin.auth, payload: { sourceId: g.mail.id, targetId: g.app.id, type: "depends_on" } });
    expect(link.statusCode, link.body).toBe(201);
    const second = await createTicket(t.db, SYSTEM_ACTOR, "incident", { title: "Slower", ciId: g.vm.id });
    expect(second.services).toEqual([{ id: g.mail.id, name: "E-mail" }, { id: g.shop.id, name: "Shop" }]);
    expect(await getTicket(t.db, SYSTEM_ACTOR, second.number)).toEqual(second);
    // A service itself impacts itself, as the SQL walk says.
    const onService = await createTicket(t.db, SYSTEM_ACTOR, "incident", { title: "Mail down", ciId: g.mail.id });
    expect(onService.services).toEqual([{ id: g.mail.id, name: "E-mail" }]);
    // A batch walks its CIs together (one catch-up of the graph, the service classes read once).
    const batch = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createTicket(t.db, SYSTEM_ACTOR, "incident", { title: `Batch ${i}`, ...(i % 3 === 2 ? {} : { ciId: i % 3 ? g.mail.id : g.vm.id }) })),
    );
    batch.forEach((c, i) => expect(c.services).toEqual(i % 3 === 2 ? [] : i % 3 ? [{ id: g.mail.id, name: "E-mail" }] : [{ id: g.mail.id, name: "E-mail" }, { id: g.shop.id, name: "Shop" }]));
    for (const c of batch) expect(await getTicket(t.db, SYSTEM_ACTOR, c.number)).toEqual(c);
  });
});
