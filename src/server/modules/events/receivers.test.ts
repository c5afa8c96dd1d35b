import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { getJson } from "./events.test-helpers.js";
import { engineFor } from "./index.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8"));

describe("webhook receivers and the native alert API", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());
  const post = async (url: string, payload: unknown) => {
    const res = await t.app.inject({ method: "POST", url, headers: t.admin.auth, payload: payload as object });
    await engineFor(t.db).drain();
    return res;
  };

  it("takes Alertmanager's version-4 webhook: firing stays firing until Alertmanager says resolved", async () => {
    const firing = fixture("alertmanager-webhook-firing.json").body;
    const res = await post("/api/v1/events/webhooks/alertmanager", firing);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().fingerprints).toEqual([firing.alerts[0].fingerprint]);
    const alert = (await getJson(t, "/api/v1/events/alerts")).items[0];
    expect(alert).toMatchObject({ fingerprint: "6d46845d03f21afb", status: "firing", severity: "critical", source: "alertmanager_webhook", endsAt: null });
    const resolved = fixture("alertmanager-webhook-resolved.json").body;
    expect((await post("/api/v1/events/webhooks/alertmanager", resolved)).statusCode).toBe(200);
    expect((await getJson(t, "/api/v1/events/alerts")).items[0].status).toBe("resolved");
    const bad = await post("/api/v1/events/webhooks/alertmanager", { ...firing, version: "3" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.field).toBe("version");
  });

  it("takes PagerDuty Events API v2: trigger, acknowledge and resolve by dedup_key", async () => {
    const trigger = { routing_key: "R1", event_action: "trigger", payload: { summary: "DB down", source: "db01.example.com", severity: "error", custom_details: { ping: "timeout" } } };
    const res = await post("/api/v1/events/webhooks/pagerduty", trigger);
    expect(res.statusCode, res.body).toBe(202);
    const key = res.json().dedup_key;
    expect(res.json()).toMatchObject({ status: "success", message: "Event processed" });
    let alert = (await getJson(t, "/api/v1/events/alerts")).items[0];
    expect(alert).toMatchObject({ name: "DB down", severity: "major", status: "firing", source: "pagerduty" });
    expect(alert.labels.host).toBe("db01.example.com");
    expect((await post("/api/v1/events/webhooks/pagerduty", { routing_key: "R1", event_action: "acknowledge", dedup_key: key })).statusCode).toBe(202);
    alert = (await getJson(t, "/api/v1/events/alerts")).items[0];
    expect(alert.status).toBe("acknowledged");
    expect((await post("/api/v1/events/webhooks/pagerduty", { routing_key: "R1", event_action: "resolve", dedup_key: key })).statusCode).toBe(202);
    alert = (await getJson(t, "/api/v1/events/alerts")).items[0];
    expect(alert.status).toBe("resolved");
    expect((await getJson(t, "/api/v1/events/alerts")).total).toBe(1);
    const noKey = await post("/api/v1/events/webhooks/pagerduty", { routing_key: "R1", event_action: "resolve" });
    expect(noKey.json().details.field).toBe("dedup_key");
    const badSeverity = await post("/api/v1/events/webhooks/pagerduty", { ...trigger, payload: { ...trigger.payload, severity: "apocalyptic" } });
    expect(badSeverity.statusCode).toBe(400);
    expect(badSeverity.json().details.field).toBe("payload.severity");
  });

  it("reads generic JSON webhooks through a per-source mapping", async () => {
    const source = await t.app.inject({
      method: "POST",
      url: "/api/v1/events/sources",
      headers: t.admin.auth,
      payload: {
        name: "zabbix",
        mapping: { itemsPath: "events", name: "trigger.name", host: "host.name", severity: "trigger.priority", severityMap: { Disaster: "critical", High: "major" }, status: "value", resolvedValues: ["OK"], summary: "message", labels: { zone: "host.zone" } },
      },
    });
    expect(source.statusCode, source.body).toBe(201);
    const payload = { events: [{ trigger: { name: "CPU hot", priority: "Disaster" }, host: { name: "app7", zone: "eu" }, value: "PROBLEM", message: "CPU at 99%" }] };
    const res = await post("/api/v1/events/webhooks/generic?source=zabbix", payload);
    expect(res.statusCode, res.body).toBe(200);
    let alert = (await getJson(t, "/api/v1/events/alerts")).items[0];
    expect(alert).toMatchObject({ name: "CPU hot", severity: "critical", status: "firing", source: "generic:zabbix", labels: { alertname: "CPU hot", host: "app7", zone: "eu" }, annotations: { summary: "CPU at 99%" } });
    payload.events[0].value = "OK";
    await post("/api/v1/events/webhooks/generic?source=zabbix", payload);
    alert = (await getJson(t, "/api/v1/events/alerts")).items[0];
    expect(alert.status).toBe("resolved");
    const missing = await post("/api/v1/events/webhooks/generic?source=zabbix", { events: [{ host: { name: "x" } }] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details.field).toBe("events.0.trigger.name");
    const unknown = await post("/api/v1/events/webhooks/generic?source=nope", payload);
    expect(unknown.json()).toMatchObject({ error: "event_source.unknown", details: { field: "source" } });
  });

  it("acknowledges alerts, answers history by CI, counts by severity, and refuses acknowledging resolved ones", async () => {
    const server = (await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: "linux_server", name: "h1", identifiers: { hostname: "h1" } } })).json();
    await t.app.inject({ method: "POST", url: "/api/v2/alerts", headers: t.admin.auth, payload: [{ labels: { alertname: "A", instance: "h1:9100", severity: "critical" } }, { labels: { alertname: "B", instance: "h1:9100", severity: "info" } }] });
    await engineFor(t.db).drain();
    const [a] = (await getJson(t, "/api/v1/events/alerts?q=a&severity=critical")).items;
    const ack = await t.app.inject({ method: "POST", url: `/api/v1/events/alerts/${a.fingerprint}/acknowledge`, headers: t.admin.auth, payload: { comment: "on it" } });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json().status).toBe("acknowledged");
    const history = (await getJson(t, `/api/v1/events/history?ciId=${server.id}&since=${new Date(Date.now() - 30 * 86400_000).toISOString()}`)).items;
    expect(history.map((h: { name: string; event: string }) => `${h.name}:${h.event}`).sort()).toEqual(["A:acknowledged", "A:created", "A:grouped", "B:created", "B:grouped"]);
    const counts = await getJson(t, "/api/v1/events/alerts/counts");
    expect(counts.bySeverity).toEqual({ critical: 1, info: 1 });
    expect(counts.byCi).toEqual([{ ciId: server.id, count: 2, severity: "critical" }]);
    await t.app.inject({ method: "POST", url: "/api/v2/alerts", headers: t.admin.auth, payload: [{ labels: { alertname: "B", instance: "h1:9100", severity: "info" }, startsAt: new Date(Date.now() - 5000).toISOString(), endsAt: new Date(Date.now() - 1000).toISOString() }] });
    const b = (await getJson(t, "/api/v1/events/alerts?q=b")).items[0];
    const refused = await t.app.inject({ method: "POST", url: `/api/v1/events/alerts/${b.fingerprint}/acknowledge`, headers: t.admin.auth, payload: {} });
    expect(refused.statusCode).toBe(409);
    expect((await t.app.inject({ url: "/api/v1/events/alerts/nope", headers: t.admin.auth })).statusCode).toBe(404);
    const viewer = await t.user("viewer");
    expect((await t.app.inject({ method: "POST", url: `/api/v1/events/alerts/${a.fingerprint}/acknowledge`, headers: viewer.auth, payload: {} })).statusCode).toBe(403);
  });
});
