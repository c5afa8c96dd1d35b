import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { engineFor } from "./index.js";
import { fingerprintOf } from "./events.fingerprint.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8"));
const amtool = () =>
  fs
    .readFileSync(path.join(FIXTURES, "amtool-requests.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** Moves every RFC 3339 time in a captured body by the same amount, so "in 5 minutes" stays in 5 minutes from now. */
function shiftTimes<T>(body: T, deltaMs: number): T {
  return JSON.parse(JSON.stringify(body), (_k, v) =>
    typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(v) && !v.startsWith("0001") ? new Date(Date.parse(v) + deltaMs).toISOString() : v,
  );
}

/** The shape of a JSON value: keys and types all the way down (arrays by their first element). */
function shape(v: unknown, key = ""): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  // Label sets and annotations are maps: their keys are data, not shape.
  if (key === "labels" || key === "annotations") return "map";
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).sort().map(([k, x]) => [k, shape(x, k)]));
  return typeof v;
}

describe("Alertmanager API v2", () => {
  let t: TestApp;
  const basic = (token: string) => ({ authorization: `Basic ${Buffer.from(`prometheus:${token}`).toString("base64")}` });
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());
  const post = (body: unknown, headers: Record<string, string> = t.admin.auth) =>
    t.app.inject({ method: "POST", url: "/api/v2/alerts", headers: { ...headers, "content-type": "application/json" }, payload: JSON.stringify(body) });
  const get = (url: string) => t.app.inject({ url, headers: t.admin.auth });
  // The stored row once the journal is folded (the API's reads fold it first too).
  const row = async (fp: string) => {
    await engineFor(t.db).fold();
    return t.db.selectFrom("alerts").selectAll().where("fingerprint", "=", fp).executeTakeFirst();
  };

  it("computes fingerprints exactly as Alertmanager does", () => {
    const captured = fixture("alertmanager-webhook-firing.json").body.alerts[0];
    expect(fingerprintOf(captured.labels)).toBe(captured.fingerprint);
    expect(fingerprintOf({ b: "2", a: "1" })).toBe(fingerprintOf({ a: "1", b: "2" }));
    expect(fingerprintOf({ a: "é" })).not.toBe(fingerprintOf({ a: "e" }));
  });

  it("fingerprints like a plain 64-bit FNV-1a (BigInt reference) on random label sets, and like Alertmanager on every captured alert", () => {
    const reference = (labels: Record<string, string>) => {
      let h = 0xcbf29ce484222325n;
      const feed = (bytes: Iterable<number>) => {
        for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
      };
      for (const name of Object.keys(labels).sort()) {
        feed(Buffer.from(name, "utf8"));
        feed([0xff]);
        feed(Buffer.from(labels[name], "utf8"));
        feed([0xff]);
      }
      return h.toString(16).padStart(16, "0");
    };
    const alphabet = "abcXYZ_019:./-é€🙂\u0000\u00ff";
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    const text = () => Array.from({ length: rnd(40) }, () => alphabet[rnd(alphabet.length)]).join("");
    for (let i = 0; i < 500; i++) {
      const labels = Object.fromEntries(Array.from({ length: 1 + rnd(8) }, () => [`l${text()}`, text()]));
      expect(fingerprintOf(labels)).toBe(reference(labels));
    }
    for (const name of ["alertmanager-webhook-firing.json", "alertmanager-webhook-resolved.json"]) {
      for (const a of fixture(name).body.alerts) expect(fingerprintOf(a.labels)).toBe(a.fingerprint);
    }
  });

  it("replays Prometheus's firing and resolved pushes: 200 with an empty body, then listed, then gone", async () => {
    const firing = fixture("prometheus-push-firing.json");
    const delta = Date.now() - Date.parse(firing.body[0].startsAt);
    const headers = Object.fromEntries(firing.headers.filter(([k]: string[]) => !/^(host|content-length)$/i.test(k)).map(([k, v]: string[]) => [k.toLowerCase(), v]));
    const res = await t.app.inject({ method: "POST", url: firing.path, headers: { ...headers, ...basic(t.admin.token) }, payload: JSON.stringify(shiftTimes(firing.body, delta)) });
    expect(res.statusCode, res.body).toBe(firing.response.status);
    expect(res.body).toBe("");
    const listed = (await get("/api/v2/alerts")).json();
    expect(listed).toHaveLength(1);
    expect(listed[0].labels).toEqual(firing.body[0].labels);
    expect(listed[0].status).toEqual({ state: "active", silencedBy: [], inhibitedBy: [] });
    const captured = amtool().find((r) => r.path.startsWith("/api/v2/alerts?"))!.response.body;
    expect(shape(listed)).toEqual(shape(captured));

    // The resolved push (a different rule) was sent just after its endsAt: it arrives resolved.
    const resolved = fixture("prometheus-push-resolved.json");
    const delta2 = Date.now() - 1000 - Date.parse(resolved.body[0].endsAt);
    const res2 = await t.app.inject({ method: "POST", url: resolved.path, headers: { ...headers, ...basic(t.admin.token) }, payload: JSON.stringify(shiftTimes(resolved.body, delta2)) });
    expect(res2.statusCode).toBe(200);
    expect((await get("/api/v2/alerts")).json().map((a: { fingerprint: string }) => a.fingerprint)).toEqual([listed[0].fingerprint]);
    const stored = await row(fingerprintOf(resolved.body[0].labels));
    expect(stored).toMatchObject({ status: "resolved", occurrences: 1, severity: "info", source: "alertmanager" });
    // The firing one, re-sent by Prometheus with its endsAt now past, resolves.
    const again = shiftTimes(firing.body, delta);
    again[0].startsAt = new Date(Date.now() - 60_000).toISOString();
    again[0].endsAt = new Date(Date.now() - 500).toISOString();
    expect((await post(again)).statusCode).toBe(200);
    expect(await get("/api/v2/alerts").then((r) => r.json())).toEqual([]);
    expect(await row(listed[0].fingerprint)).toMatchObject({ status: "resolved", occurrences: 2 });
    const history = await t.db.selectFrom("alert_history").select("event").where("fingerprint", "=", listed[0].fingerprint).orderBy("id").execute();
    expect(history.map((h) => h.event)).toEqual(["created", "resolved"]);
  });

  it("replays amtool's requests with answers of the shape amtool expects", async () => {
    const requests = amtool();
    const delta = Date.now() - Date.parse(requests.find((r) => r.method === "POST" && r.path === "/api/v2/silences")!.body.startsAt);
    // The alert amtool queried had been pushed before; push it again so the queries find it.
    await post([{ labels: { alertname: "DiskFull", instance: "host-1", severity: "critical" }, annotations: { summary: "Disk full on host-1" }, generatorURL: "http://127.0.0.1:19090/graph?g0.expr=up" }]);
    let silenceId = "";
    for (const r of requests) {
      let url = r.path as string;
      if (url.startsWith("/api/v2/silence/")) url = `/api/v2/silence/${silenceId}`;
      const headers = { ...Object.fromEntries(r.headers.filter(([k]: string[]) => !/^(host|content-length)$/i.test(k)).map(([k, v]: string[]) => [k.toLowerCase(), v])), ...t.admin.auth };
      const res = await t.app.inject({ method: r.method, url, headers, ...(r.body ? { payload: JSON.stringify(shiftTimes(r.body, delta)) } : {}) });
      expect(res.statusCode, `${r.method} ${url}: ${res.body}`).toBe(r.response.status);
      if (r.response.body === "") {
        expect(res.body).toBe("");
        continue;
      }
      const body = res.json();
      if (r.method === "POST" && url === "/api/v2/silences") silenceId = body.silenceID;
      if (url.includes("filter=alertname")) expect(body.map((a: { labels: { alertname: string } }) => a.labels.alertname)).toEqual(["DiskFull"]);
      expect(shape(body), `${r.method} ${url}`).toEqual(shape(r.response.body));
    }
    const silence = (await get(`/api/v2/silence/${silenceId}`)).json();
    expect(silence.status.state).toBe("expired");
  });

  it("deduplicates by fingerprint and counts occurrences, within one batch and across batches", async () => {
    const a = { labels: { alertname: "Dup", instance: "x:9100" } };
    expect((await post([a, a])).statusCode).toBe(200);
    expect((await post([a])).statusCode).toBe(200);
    // The repeats changed nothing but the counters, which reach the row within a second (or at drain).
    await engineFor(t.db).drain();
    const rows = await t.db.selectFrom("alerts").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].occurrences).toBe(3);
    expect(await t.db.selectFrom("alert_history").select("event").execute()).toEqual([{ event: "created" }]);
  });

  it("treats an unset endsAt as 'expires after resolve_timeout' and resolves alerts whose endsAt passed without a refresh", async () => {
    await post([{ labels: { alertname: "Expiring" }, endsAt: "0001-01-01T00:00:00Z" }]);
    const fp = fingerprintOf({ alertname: "Expiring" });
    const stored = (await row(fp))!;
    expect(Date.parse(stored.ends_at!) - Date.parse(stored.last_seen)).toBeGreaterThanOrEqual(299_000);
    // Let the time pass: move the expiry into the past instead of waiting five minutes.
    await t.db.updateTable("alerts").set({ ends_at: new Date(Date.now() - 1000).toISOString() }).where("fingerprint", "=", fp).execute();
    expect(await get("/api/v2/alerts").then((r) => r.json())).toEqual([]);
    await engineFor(t.db).sweep();
    expect((await row(fp))!.status).toBe("resolved");
    const events = await t.db.selectFrom("alert_history").select("event").where("fingerprint", "=", fp).orderBy("id").execute();
    expect(events.map((e) => e.event)).toEqual(["created", "expired"]);
    // A refresh after expiry fires it again.
    await post([{ labels: { alertname: "Expiring" } }]);
    expect((await row(fp))!.status).toBe("firing");
  });

  it("stores alerts matching a regex silence as suppressed, filters them, and un-suppresses on expiry", async () => {
    const silence = await t.app.inject({
      method: "POST",
      url: "/api/v2/silences",
      headers: t.admin.auth,
      payload: {
        matchers: [
          { name: "instance", value: "db-.*", isRegex: true, isEqual: true },
          { name: "env", value: "test", isRegex: false, isEqual: false },
        ],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3600_000).toISOString(),
        createdBy: "ops",
        comment: "patching",
      },
    });
    expect(silence.statusCode, silence.body).toBe(200);
    const id = silence.json().silenceID;
    await post([
      { labels: { alertname: "Down", instance: "db-1", env: "prod" } },
      { labels: { alertname: "Down", instance: "db-2", env: "test" } },
      { labels: { alertname: "Down", instance: "web-1", env: "prod" } },
    ]);
    const all = (await get("/api/v2/alerts")).json();
    const byInstance = Object.fromEntries(all.map((a: { labels: { instance: string }; status: unknown }) => [a.labels.instance, a.status]));
    expect(byInstance["db-1"]).toEqual({ state: "suppressed", silencedBy: [id], inhibitedBy: [] });
    expect(byInstance["db-2"].state).toBe("active");
    expect(byInstance["web-1"].state).toBe("active");
    const unsilenced = (await get("/api/v2/alerts?silenced=false")).json();
    expect(unsilenced.map((a: { labels: { instance: string } }) => a.labels.instance).sort()).toEqual(["db-2", "web-1"]);
    const filtered = (await get(`/api/v2/alerts?filter=${encodeURIComponent('instance=~"db-.*"')}&filter=${encodeURIComponent('env!="test"')}`)).json();
    expect(filtered.map((a: { labels: { instance: string } }) => a.labels.instance)).toEqual(["db-1"]);
    expect((await t.app.inject({ method: "DELETE", url: `/api/v2/silence/${id}`, headers: t.admin.auth })).statusCode).toBe(200);
    const after = (await get("/api/v2/alerts?silenced=false")).json();
    expect(after).toHaveLength(3);
    const events = await t.db.selectFrom("alert_history").select("event").where("fingerprint", "=", fingerprintOf({ alertname: "Down", instance: "db-1", env: "prod" })).orderBy("id").execute();
    expect(events.map((e) => e.event)).toEqual(["created", "unsuppressed"]);
  });

  it("refuses bad silences with 400 naming the field", async () => {
    const base = { matchers: [{ name: "a", value: "b", isRegex: false }], startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 60_000).toISOString(), createdBy: "x", comment: "y" };
    const cases: Array<[object, string]> = [
      [{ ...base, matchers: [{ name: "a", value: "(", isRegex: true }] }, "matchers.0.value"],
      [{ ...base, matchers: [{ name: "a", value: ".*", isRegex: true }] }, "matchers"],
      [{ ...base, endsAt: base.startsAt, startsAt: base.endsAt }, "endsAt"],
      [{ ...base, matchers: [] }, "matchers"],
    ];
    for (const [payload, field] of cases) {
      const res = await t.app.inject({ method: "POST", url: "/api/v2/silences", headers: t.admin.auth, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().details.field).toBe(field);
    }
    expect((await get("/api/v2/silences")).json()).toEqual([]);
    expect((await get("/api/v2/silence/nope")).statusCode).toBe(404);
  });

  it("refuses bad batches with a 400 naming the problem and stores nothing of them", async () => {
    const good = { labels: { alertname: "Fine" } };
    const cases: Array<[string, string | RegExp]> = [
      ['[{"labels": {"alertname": "x"}', "body"],
      [JSON.stringify([good, { annotations: {} }]), "1.labels"],
      [JSON.stringify([good, { labels: {} }]), /^1\.labels/],
      [JSON.stringify([good, { labels: { alertname: 5 } }]), "1.labels.alertname"],
      [JSON.stringify([good, { labels: { "bad-name": "x" } }]), /^1\.labels/],
      [JSON.stringify([good, { labels: { alertname: "x".repeat(3000) } }]), "1.labels.alertname"],
      [JSON.stringify([good, { labels: { alertname: "t" }, startsAt: "yesterday" }]), "[1].startsAt"],
      [JSON.stringify([good, { labels: { alertname: "t" }, startsAt: "2030-01-02T00:00:00Z", endsAt: "2030-01-01T00:00:00Z" }]), "[1].endsAt"],
      [JSON.stringify(Array.from({ length: 5001 }, () => good)), "body"],
      ["[]", "body"],
      ['{"labels": {"alertname": "x"}}', "body"],
    ];
    for (const [payload, field] of cases) {
      const res = await t.app.inject({ method: "POST", url: "/api/v2/alerts", headers: { ...t.admin.auth, "content-type": "application/json" }, payload });
      expect(res.statusCode, payload.slice(0, 80)).toBe(400);
      expect(res.json().details.field, payload.slice(0, 80)).toMatch(field);
      expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(await t.db.selectFrom("alerts").select("fingerprint").execute()).toEqual([]);
  });

  it("takes an API token as Bearer or as the Basic password, and refuses anything else", async () => {
    const agent = await t.user("agent");
    const viewer = await t.user("viewer");
    expect((await post([{ labels: { alertname: "A" } }], basic(agent.token))).statusCode).toBe(200);
    expect((await post([{ labels: { alertname: "B" } }], agent.auth)).statusCode).toBe(200);
    expect((await post([{ labels: { alertname: "C" } }], basic("wrong"))).statusCode).toBe(401);
    expect((await post([{ labels: { alertname: "D" } }], {})).statusCode).toBe(401);
    expect((await post([{ labels: { alertname: "E" } }], viewer.auth)).statusCode).toBe(403);
    expect((await t.app.inject({ url: "/api/v2/alerts", headers: basic(viewer.token) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: "/api/v2/status" })).statusCode).toBe(401);
  });

  it("groups active alerts for /api/v2/alerts/groups and lists its one receiver", async () => {
    await post([{ labels: { alertname: "G1", instance: "a" } }, { labels: { alertname: "G1", instance: "b" } }, { labels: { alertname: "G2" } }]);
    const groups = (await get("/api/v2/alerts/groups")).json();
    expect(groups.map((g: { labels: object; alerts: unknown[] }) => [g.labels, g.alerts.length])).toEqual([
      [{ alertname: "G1" }, 2],
      [{ alertname: "G2" }, 1],
    ]);
    expect((await get("/api/v2/receivers")).json()).toEqual([{ name: "opsdesk" }]);
  });
});
