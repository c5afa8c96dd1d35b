import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, type TestUser } from "../../../../test/helpers/test-app.js";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { addMember, createGroup } from "../users/index.js";
import { listTickets } from "./tickets.list.js";

// The list routes answer on SQLite with items SQLite serialises itself (ticketJsonSqlite) and
// pick the page's ids before joining the names: the answer must stay exactly what the
// object path (toTicket, kind fields, the route's serializer) gives, on either database.
let t: TestApp;
let agent: TestUser;
let requester: TestUser;
let groupId: string;

beforeEach(async () => {
  t = await createTestApp();
  agent = await t.user("agent");
  requester = await t.user("requester");
  groupId = (await createGroup(t.db, SYSTEM_ACTOR, { name: "Service Desk" })).id;
  await addMember(t.db, SYSTEM_ACTOR, groupId, agent.user.id);
});
afterEach(async () => t.close());

const call = async (who: TestUser, method: "GET" | "POST", url: string, payload?: object) => {
  const res = await t.app.inject({ method, url, headers: who.auth, ...(payload ? { payload } : {}) });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res;
};

describe("ticket lists", () => {
  it("answer every field as the ticket object does, for every kind, page and sort", async () => {
    const ci = (await call(t.admin, "POST", "/api/v1/cis", { class: "linux_server", name: "mail-01 \"primary\"" })).json();
    await call(agent, "POST", "/api/v1/incidents", { title: "Mail is down", description: "Line 1\nLine \"2\" \\ é 🚀", ciId: ci.id, assignmentGroupId: groupId, assigneeId: agent.user.id, tags: ["mail", "p1"], impact: 1, urgency: 1 });
    await call(requester, "POST", "/api/v1/incidents", { title: "My laptop", callerContact: "+49 30 1234" });
    await call(agent, "POST", "/api/v1/problems", { title: "Disk fills up", problem: { workaround: "Rotate logs" } });
    await call(agent, "POST", "/api/v1/changes", { title: "Patch mail" });
    await call(agent, "POST", "/api/v1/requests", { title: "New laptop", category: "hardware", subcategory: "laptop" });
    const inc = (await call(agent, "POST", "/api/v1/incidents", { title: "Printer jam" })).json();
    await call(agent, "POST", `/api/v1/tickets/${inc.number}/transitions`, { transition: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "Cleared" });

    const queries = ["limit=50", "limit=2&offset=2", "limit=2&offset=4&sort=priority", "sort=-number&limit=3", "q=mail&limit=50", "open=true&limit=50", "limit=3&offset=30"];
    for (const query of queries) {
      const res = await call(agent, "GET", `/api/v1/tickets?${query}`);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      const params = Object.fromEntries(new URLSearchParams(query));
      const expected = await listTickets(t.db, SYSTEM_ACTOR, {
        ...params,
        ...(params.limit ? { limit: Number(params.limit) } : {}),
        ...(params.offset ? { offset: Number(params.offset) } : {}),
        ...(params.open ? { open: params.open === "true" } : {}),
      });
      expect(res.json(), query).toEqual(JSON.parse(JSON.stringify(expected)));
    }
    const all = (await call(agent, "GET", "/api/v1/tickets?limit=50")).json();
    expect(all.total).toBe(6);
    const mail = all.items.find((x: { title: string }) => x.title === "Mail is down");
    expect(mail).toMatchObject({ ci: { id: ci.id, name: ci.name }, assignee: { id: agent.user.id }, tags: ["mail", "p1"], open: true, major: false, priority: 1 });
    expect(mail.description).toBe("Line 1\nLine \"2\" \\ é 🚀");
    expect(all.items.find((x: { kind: string }) => x.kind === "problem").problem).toMatchObject({ workaround: "Rotate logs", knownError: false });
    expect(all.items.find((x: { kind: string }) => x.kind === "change").change).toBeDefined();
    expect(all.items.find((x: { title: string }) => x.title === "Printer jam")).toMatchObject({ open: false, state: "resolved", resolutionNotes: "Cleared" });
    // Pages follow one another without gaps or overlaps, and the total stays right on a deep page.
    const paged = [];
    for (let offset = 0; offset < 6; offset += 2) paged.push(...(await call(agent, "GET", `/api/v1/tickets?limit=2&offset=${offset}`)).json().items);
    expect(paged.map((x: { id: string }) => x.id)).toEqual(all.items.map((x: { id: string }) => x.id));
    expect((await call(agent, "GET", "/api/v1/incidents?limit=1&offset=1")).json().total).toBe(3);
  });

  it("page a word search newest first, with filters and other sorts", async () => {
    const made: Array<{ number: string; title: string; open: boolean }> = [];
    for (let i = 0; i < 10; i++) {
      const title = i % 3 === 2 ? `Scanner offline ${i}` : `Printer jam ${i}`;
      const inc = (await call(agent, "POST", "/api/v1/incidents", { title, description: i === 4 ? "paper everywhere" : "" })).json();
      if (i % 4 === 1) await call(agent, "POST", `/api/v1/tickets/${inc.number}/transitions`, { transition: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "Fixed" });
      made.push({ number: inc.number, title, open: i % 4 !== 1 });
    }
    const printers = made.filter((m) => m.title.startsWith("Printer")).reverse();
    const numbers = async (query: string) => {
      const page = (await call(agent, "GET", `/api/v1/tickets?${query}`)).json();
      return { numbers: page.items.map((x: { number: string }) => x.number), total: page.total };
    };
    const pages = [];
    for (let offset = 0; offset < printers.length; offset += 3) pages.push(...(await numbers(`q=print&limit=3&offset=${offset}`)).numbers);
    expect(pages).toEqual(printers.map((m) => m.number));
    expect((await numbers("q=print&limit=3&offset=3")).total).toBe(printers.length);
    expect(await numbers("q=print%20ja&open=true&limit=50")).toEqual({ numbers: printers.filter((m) => m.open).map((m) => m.number), total: printers.filter((m) => m.open).length });
    expect((await numbers("q=print&sort=number&limit=50")).numbers).toEqual([...printers].reverse().map((m) => m.number));
    expect((await numbers("q=printer%20paper&limit=50")).numbers).toEqual([made[4].number]);
    expect((await numbers("q=nothing%20matches&limit=50")).total).toBe(0);
  });

  it("show requesters only their own tickets", async () => {
    await call(agent, "POST", "/api/v1/incidents", { title: "Agent's" });
    await call(requester, "POST", "/api/v1/incidents", { title: "Mine" });
    const res = (await call(requester, "GET", "/api/v1/incidents?limit=1")).json();
    expect(res.items.map((x: { title: string }) => x.title)).toEqual(["Mine"]);
    expect(res.total).toBe(1);
    expect((await call(requester, "GET", "/api/v1/tickets?q=Agent")).json().items).toEqual([]);
  });

  it("answer only the fields asked for, on every kind, and refuse unknown ones", async () => {
    const ci = (await call(t.admin, "POST", "/api/v1/cis", { class: "linux_server", name: "db-01" })).json();
    await call(agent, "POST", "/api/v1/incidents", { title: "DB slow", description: "long text", ciId: ci.id, assignmentGroupId: groupId, assigneeId: agent.user.id });
    await call(agent, "POST", "/api/v1/problems", { title: "Slow queries", problem: { workaround: "Restart" } });
    await call(agent, "POST", "/api/v1/changes", { title: "Add index" });
    const full = (await call(agent, "GET", "/api/v1/tickets?limit=50")).json();
    const byId = new Map(full.items.map((x: { id: string }) => [x.id, x]));
    const only = (item: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(item).filter(([k]) => keys.includes(k)));

    const slim = (await call(agent, "GET", "/api/v1/tickets?limit=50&fields=number,title,state,priority,assignee,ci,updatedAt")).json();
    expect(slim.total).toBe(3);
    expect(slim.items.map((x: { id: string }) => x.id)).toEqual(full.items.map((x: { id: string }) => x.id));
    for (const item of slim.items) {
      // id always; the rest exactly as the full item has them, in the same order.
      expect(Object.keys(item)).toEqual(["id", "number", "title", "state", "priority", "assignee", "ci", "updatedAt"]);
      expect(item).toEqual(only(byId.get(item.id) as Record<string, unknown>, Object.keys(item)));
    }
    expect(slim.items.find((x: { title: string }) => x.title === "DB slow")).toMatchObject({ ci: { id: ci.id, name: "db-01" }, assignee: { id: agent.user.id } });
    // Kind fields only when asked for, and then only on their kind.
    const kinds = (await call(agent, "GET", "/api/v1/tickets?limit=50&fields=kind,problem,change")).json().items;
    expect(kinds.find((x: { kind: string }) => x.kind === "problem")).toEqual({ id: expect.any(String), kind: "problem", problem: (full.items.find((x: { kind: string }) => x.kind === "problem") as { problem: object }).problem });
    expect(Object.keys(kinds.find((x: { kind: string }) => x.kind === "change"))).toEqual(["id", "kind", "change"]);
    expect(kinds.find((x: { kind: string }) => x.kind === "incident")).toEqual({ id: expect.any(String), kind: "incident" });
    // A word search and a per-kind list take fields too; the cache keeps the two shapes apart.
    expect((await call(agent, "GET", "/api/v1/incidents?q=slow&fields=title")).json().items).toEqual([{ id: expect.any(String), title: "DB slow" }]);
    expect((await call(agent, "GET", "/api/v1/incidents?q=slow")).json().items[0].description).toBe("long text");

    for (const [query, named] of [["fields=title,services", "'services'"], ["fields=titel,bogus", "'titel', 'bogus'"]]) {
      const res = await t.app.inject({ method: "GET", url: `/api/v1/tickets?${query}`, headers: agent.auth });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: "request.invalid", details: { field: "fields" } });
      expect(res.json().message).toContain(named);
    }
    const spaced = await t.app.inject({ method: "GET", url: "/api/v1/tickets?fields=title,%20state", headers: agent.auth });
    expect(spaced.statusCode).toBe(400);
    expect(spaced.json().details.field).toBe("fields");
  });
});
