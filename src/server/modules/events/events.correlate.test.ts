import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { engineFor } from "./index.js";
import { ci, getJson, link, push, switchWithServers } from "./events.test-helpers.js";

// On a file, as a server runs: on SQLite the journal is then folded on its thread
// (events.fold-thread.ts), with caches of its own that CMDB and silence changes must reach.
describe("CI binding and topology correlation", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({}, { fileDb: true });
  });
  afterEach(async () => t.close());

  it("binds alerts to CIs by instance (with port), fqdn, ip and service labels", async () => {
    const web = await ci(t, { class: "linux_server", name: "web01", identifiers: { fqdn: "web01.example.com", ipAddresses: ["10.0.0.5"] } });
    const app = await ci(t, { class: "application", name: "checkout", identifiers: { otelServiceName: "checkout-svc" } });
    await push(t, [
      { labels: { alertname: "NodeDown", instance: "web01.example.com:9100" } },
      { labels: { alertname: "Ping", ip: "10.0.0.5" } },
      { labels: { alertname: "Slow", "service_name": "checkout-svc" } },
      { labels: { alertname: "Short", instance: "web01:9100" } },
      { labels: { alertname: "Unknown", instance: "ghost:9100" } },
    ]);
    const alerts = (await getJson(t, "/api/v1/events/alerts?limit=10&sort=name")).items;
    const ciOf = Object.fromEntries(alerts.map((a: { name: string; ci: { id: string } | null }) => [a.name, a.ci?.id ?? null]));
    expect(ciOf).toEqual({ NodeDown: web.id, Ping: web.id, Slow: app.id, Short: web.id, Unknown: null });
    const onWeb = (await getJson(t, `/api/v1/events/alerts?ciId=${web.id}`)).items;
    expect(onWeb).toHaveLength(3);
  });

  it("groups a switch and the five servers behind it into one group whose root cause is the switch", async () => {
    const { sw, servers } = await switchWithServers(t, 5);
    await push(t, [
      ...servers.map((s) => ({ labels: { alertname: "HostUnreachable", instance: `${s.name}.dc1.example:9100`, severity: "critical" } })),
      { labels: { alertname: "SwitchDown", instance: "sw-core-1.dc1.example", severity: "critical" } },
    ]);
    const groups = (await getJson(t, "/api/v1/events/groups?status=open")).items;
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ kind: "topology", alertCount: 6, activeCount: 6, severity: "critical", rootCause: { id: sw.id, name: "sw-core-1" } });
    expect(groups[0].title).toContain("SwitchDown on sw-core-1");
    const detail = await getJson(t, `/api/v1/events/groups/${groups[0].id}`);
    expect(detail.cis).toHaveLength(6);
    expect(detail.edges).toHaveLength(5);
    expect(detail.edges.every((e: { targetId: string; type: string }) => e.targetId === sw.id && e.type === "depends_on")).toBe(true);
  });

  it("merges groups when the switch alert arrives after its servers' alerts", async () => {
    const { sw, servers } = await switchWithServers(t, 3);
    for (const s of servers) await push(t, [{ labels: { alertname: "HostUnreachable", instance: `${s.name}.dc1.example:9100`, severity: "major" } }]);
    expect((await getJson(t, "/api/v1/events/groups?status=open")).total).toBe(3);
    await push(t, [{ labels: { alertname: "SwitchDown", instance: "sw-core-1.dc1.example", severity: "critical" } }]);
    const open = (await getJson(t, "/api/v1/events/groups?status=open")).items;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ alertCount: 4, rootCause: { id: sw.id }, severity: "critical" });
    expect((await getJson(t, "/api/v1/events/groups?status=merged")).total).toBe(2);
  });

  it("keeps unrelated CIs apart, resolves a group when all its alerts resolve, and opens a new one when an alert fires again", async () => {
    const a = await ci(t, { class: "linux_server", name: "a1", identifiers: { hostname: "a1" } });
    await ci(t, { class: "linux_server", name: "b1", identifiers: { hostname: "b1" } });
    await push(t, [{ labels: { alertname: "X", instance: "a1:9100" } }, { labels: { alertname: "X", instance: "b1:9100" } }]);
    expect((await getJson(t, "/api/v1/events/groups?status=open")).total).toBe(2);
    await push(t, [{ labels: { alertname: "X", instance: "a1:9100" }, startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() - 1000).toISOString() }]);
    const ofA = (await getJson(t, `/api/v1/events/groups?ciId=${a.id}`)).items;
    expect(ofA.map((g: { status: string }) => g.status)).toEqual(["resolved"]);
    await push(t, [{ labels: { alertname: "X", instance: "a1:9100" } }]);
    const again = (await getJson(t, `/api/v1/events/groups?ciId=${a.id}`)).items;
    expect(again.map((g: { status: string }) => g.status)).toEqual(["open", "resolved"]);
  });

  it("groups by labels with a group_by rule, before topology", async () => {
    const put = await t.app.inject({ method: "PUT", url: "/api/v1/events/settings", headers: t.admin.auth, payload: { groupByRules: [{ name: "db team", matchers: ['team="db"'], groupBy: ["cluster"] }] } });
    expect(put.statusCode, put.body).toBe(200);
    await push(t, [
      { labels: { alertname: "Lag", team: "db", cluster: "c1", instance: "pg1" } },
      { labels: { alertname: "Conn", team: "db", cluster: "c1", instance: "pg2" } },
      { labels: { alertname: "Lag", team: "db", cluster: "c2", instance: "pg3" } },
      { labels: { alertname: "Lag", team: "web", cluster: "c1" } },
    ]);
    const groups = (await getJson(t, "/api/v1/events/groups")).items;
    expect(groups.map((g: { labels: { cluster: string }; alertCount: number }) => [g.labels, g.alertCount]).sort((a: [{ cluster: string }], b: [{ cluster: string }]) => a[0].cluster.localeCompare(b[0].cluster))).toEqual([
      [{ cluster: "c1" }, 2],
      [{ cluster: "c2" }, 1],
    ]);
    const bad = await t.app.inject({ method: "PUT", url: "/api/v1/events/settings", headers: t.admin.auth, payload: { groupByRules: [{ name: "x", matchers: ["nope"], groupBy: ["a"] }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.field).toBe("groupByRules.0.matchers");
  });

  it("creates an unidentified CI for an unknown host when configured", async () => {
    await t.app.inject({ method: "PUT", url: "/api/v1/events/settings", headers: t.admin.auth, payload: { createUnidentifiedCis: true } });
    await push(t, [{ labels: { alertname: "Down", instance: "mystery.example.org:9100" } }]);
    const alert = (await getJson(t, "/api/v1/events/alerts")).items[0];
    expect(alert.ci).toMatchObject({ class: "unidentified", name: "mystery.example.org" });
    // The next alert on that host binds to the same CI.
    await push(t, [{ labels: { alertname: "Disk", instance: "mystery.example.org:9100" } }]);
    const all = (await getJson(t, "/api/v1/events/alerts")).items;
    expect(new Set(all.map((a: { ci: { id: string } }) => a.ci.id)).size).toBe(1);
  });

  it("suppresses alerts on a CI in maintenance and on what depends on it, and keeps them", async () => {
    const { sw, servers } = await switchWithServers(t, 2);
    const other = await ci(t, { class: "linux_server", name: "elsewhere", identifiers: { hostname: "elsewhere" } });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/events/maintenance",
      headers: t.admin.auth,
      payload: { name: "Switch firmware", ciId: sw.id, startsAt: new Date(Date.now() - 1000).toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() },
    });
    expect(res.statusCode, res.body).toBe(201);
    await push(t, [
      { labels: { alertname: "Down", instance: "sw-core-1.dc1.example", severity: "critical" } },
      { labels: { alertname: "Down", instance: `${servers[0].name}.dc1.example`, severity: "critical" } },
      { labels: { alertname: "Down", instance: "elsewhere", severity: "critical" } },
    ]);
    const alerts = (await getJson(t, "/api/v1/events/alerts?sort=name&limit=10")).items;
    const byCi = Object.fromEntries(alerts.map((a: { ci: { id: string }; status: string; silencedBy: string[] }) => [a.ci.id, [a.status, a.silencedBy.length]]));
    expect(byCi[sw.id]).toEqual(["suppressed", 1]);
    expect(byCi[servers[0].id]).toEqual(["suppressed", 1]);
    expect(byCi[other.id]).toEqual(["firing", 0]);
    const end = await t.app.inject({ method: "DELETE", url: `/api/v1/events/maintenance/${res.json().id}`, headers: t.admin.auth });
    expect(end.statusCode).toBe(204);
    await engineFor(t.db).drain();
    const after = (await getJson(t, "/api/v1/events/alerts?status=suppressed")).total;
    expect(after).toBe(0);
    void link;
  });

  it("marks an alert flapping after repeated state changes within the window", async () => {
    await t.app.inject({ method: "PUT", url: "/api/v1/events/settings", headers: t.admin.auth, payload: { flappingChanges: 4 } });
    const labels = { alertname: "Flappy", instance: "f1" };
    const past = () => ({ startsAt: new Date(Date.now() - 10_000).toISOString(), endsAt: new Date(Date.now() - 1000).toISOString() });
    for (let i = 0; i < 3; i++) {
      await push(t, [{ labels }]);
      await push(t, [{ labels, ...past() }]);
    }
    const alert = (await getJson(t, "/api/v1/events/alerts")).items[0];
    expect(alert.flapping).toBe(true);
    const history = (await getJson(t, `/api/v1/events/history?fingerprint=${alert.fingerprint}`)).items.map((h: { event: string }) => h.event);
    expect(history).toContain("flapping");
  });
});
