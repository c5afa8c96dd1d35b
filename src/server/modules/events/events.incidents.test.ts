import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { getJson, push, switchWithServers } from "./events.test-helpers.js";
import { engineFor } from "./index.js";
import { forgetEventSettings, getEventSettings, SETTINGS_KEY } from "./events.settings.js";

describe("incidents from alert groups", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ roles: ["api", "worker"] });
  });
  afterEach(async () => t.close());
  const timeline = async (id: string) => (await getJson(t, `/api/v1/tickets/${id}/timeline`)).items ?? (await getJson(t, `/api/v1/tickets/${id}/timeline`));

  it("opens one incident on the root cause for a switch and five servers, updates it, and resolves it when every alert resolves", async () => {
    const group = (await t.app.inject({ method: "POST", url: "/api/v1/groups", headers: t.admin.auth, payload: { name: "Network" } })).json();
    const { sw, servers } = await switchWithServers(t, 5, group.id);
    const alerts = [
      ...servers.map((s) => ({ labels: { alertname: "HostUnreachable", instance: `${s.name}.dc1.example:9100`, severity: "critical" } })),
      { labels: { alertname: "SwitchDown", instance: "sw-core-1.dc1.example", severity: "critical" }, annotations: { summary: "core switch not answering" } },
    ];
    await push(t, alerts);
    const groups = (await getJson(t, "/api/v1/events/groups?status=open")).items;
    expect(groups).toHaveLength(1);
    const incidentId = groups[0].incidentId;
    expect(incidentId).toBeTruthy();
    const incident = await getJson(t, `/api/v1/tickets/${incidentId}`);
    expect(incident).toMatchObject({ kind: "incident", channel: "event", ci: { id: sw.id }, assignmentGroup: { id: group.id }, impact: 1, urgency: 1, priority: 1 });
    expect(incident.description).toContain("SwitchDown on sw-core-1");
    expect(incident.description.match(/fingerprint/g)).toHaveLength(6);
    expect((await getJson(t, "/api/v1/tickets?kind=incident")).total).toBe(1);
    // Every alert lists the incident.
    expect((await getJson(t, "/api/v1/events/alerts?limit=10")).items.every((a: { incidentId: string }) => a.incidentId === incidentId)).toBe(true);

    // A new alert on a server of the group updates the same incident.
    await push(t, [{ labels: { alertname: "DiskFull", instance: `${servers[0].name}.dc1.example:9100`, severity: "critical" } }]);
    expect((await getJson(t, "/api/v1/tickets?kind=incident")).total).toBe(1);
    const notes = JSON.stringify(await timeline(incidentId));
    expect(notes).toContain("1 more alert joined");
    expect(notes).toContain("DiskFull");

    // Resolution of all seven resolves the incident with a timeline entry.
    const past = { startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() - 1000).toISOString() };
    await push(t, [...alerts, { labels: { alertname: "DiskFull", instance: `${servers[0].name}.dc1.example:9100`, severity: "critical" } }].map((a) => ({ ...a, ...past })));
    const resolved = await getJson(t, `/api/v1/tickets/${incidentId}`);
    expect(resolved.state).toBe("resolved");
    expect(JSON.stringify(await timeline(incidentId))).toContain("resolved automatically by event management");
    expect((await getJson(t, `/api/v1/events/groups/${groups[0].id}`)).group.status).toBe("resolved");
  });

  it("opens no incident below the severity threshold, for suppressed alerts, or for alerts without a CI", async () => {
    const { servers } = await switchWithServers(t, 2);
    await push(t, [{ labels: { alertname: "Slow", instance: `${servers[0].name}.dc1.example`, severity: "warning" } }]);
    await t.app.inject({
      method: "POST",
      url: "/api/v2/silences",
      headers: t.admin.auth,
      payload: { matchers: [{ name: "alertname", value: "Quiet", isRegex: false }], startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: "t", comment: "c" },
    });
    await push(t, [{ labels: { alertname: "Quiet", instance: `${servers[1].name}.dc1.example`, severity: "critical" } }]);
    await push(t, [{ labels: { alertname: "Nowhere", instance: "unknown-host", severity: "critical" } }]);
    expect((await getJson(t, "/api/v1/tickets?kind=incident")).total).toBe(0);
    // The threshold is a setting; unbound alerts can open incidents too.
    const put = await t.app.inject({ method: "PUT", url: "/api/v1/events/settings", headers: t.admin.auth, payload: { incidentsForUnboundAlerts: true } });
    expect(put.statusCode, put.body).toBe(200);
    await push(t, [{ labels: { alertname: "Elsewhere", instance: "other-unknown", severity: "critical" } }]);
    const incidents = (await getJson(t, "/api/v1/tickets?kind=incident")).items;
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ ci: null, channel: "event" });
  });

  it("acknowledges the group's alerts when its incident is resolved by hand", async () => {
    const { servers } = await switchWithServers(t, 1);
    await push(t, [{ labels: { alertname: "Down", instance: `${servers[0].name}.dc1.example`, severity: "critical" } }]);
    const group = (await getJson(t, "/api/v1/events/groups")).items[0];
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${group.incidentId}/transitions`,
      headers: t.admin.auth,
      payload: { transition: "resolve", resolutionCode: "solved_workaround", resolutionNotes: "rebooted" },
    });
    expect(res.statusCode, res.body).toBe(200);
    await t.built.ctx.worker!.tick();
    await engineFor(t.db).drain();
    const alert = (await getJson(t, "/api/v1/events/alerts")).items[0];
    expect(alert.status).toBe("acknowledged");
  });
});

describe("a settings change", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ roles: ["api", "worker"] });
  });
  afterEach(async () => t.close());

  it("is answered only once no correlation that read the old settings is still running", async () => {
    const engine = engineFor(t.db);
    await engine.drain();
    // The next correlation run reads the settings, then waits here before it correlates.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let armed = true;
    let reached!: () => void;
    const atGate = new Promise<void>((resolve) => (reached = resolve));
    const rules = engine.rules.bind(engine);
    engine.rules = async () => {
      const r = await rules();
      if (armed) {
        armed = false;
        reached();
        await gate;
      }
      return r;
    };
    engine.kick();
    await atGate;
    let answered = false;
    const put = t.app.inject({ method: "PUT", url: "/api/v1/events/settings", headers: t.admin.auth, payload: { incidentsForUnboundAlerts: true } }).then((res) => {
      answered = true;
      return res;
    });
    try {
      // Committed (a read sees it), yet not answered while the run with the old settings goes on.
      await expect.poll(async () => (await getJson(t, "/api/v1/events/settings")).incidentsForUnboundAlerts).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(answered).toBe(false);
    } finally {
      open();
    }
    expect((await put).statusCode).toBe(200);
    // From the answer on, alerts are handled under the new settings.
    await push(t, [{ labels: { alertname: "Elsewhere", instance: "other-unknown", severity: "critical" } }]);
    expect((await getJson(t, "/api/v1/tickets?kind=incident")).total).toBe(1);
  });

  it("is not hidden by a read of the old settings that ends after it (the cache keeps no such read)", async () => {
    const before = await getEventSettings(t.db);
    expect(before.incidentsForUnboundAlerts).toBe(false);
    forgetEventSettings(t.db);
    // A read begins; the settings change (and are forgotten) before it ends.
    const reading = getEventSettings(t.db);
    forgetEventSettings(t.db);
    await reading;
    const value = JSON.stringify({ incidentsForUnboundAlerts: true });
    await t.db.insertInto("settings").values({ key: SETTINGS_KEY, value, updated_at: new Date().toISOString() }).onConflict((oc) => oc.column("key").doUpdateSet({ value })).execute();
    expect((await getEventSettings(t.db)).incidentsForUnboundAlerts).toBe(true);
  });
});
