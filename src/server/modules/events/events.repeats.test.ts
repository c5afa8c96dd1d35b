import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { engineFor } from "./index.js";
import { fingerprintOf } from "./events.fingerprint.js";

describe("repeats that change nothing but the counters", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());
  const post = async (body: unknown) => {
    const res = await t.app.inject({ method: "POST", url: "/api/v2/alerts", headers: { ...t.admin.auth, "content-type": "application/json" }, payload: JSON.stringify(body) });
    expect(res.statusCode, res.body).toBe(200);
    // Each post folded on its own, as a quiet server folds a request that arrives alone.
    await engineFor(t.db).fold();
  };
  // The stored row once the journal is folded (the API's reads fold it first too).
  const row = async (fp: string) => {
    await engineFor(t.db).fold();
    return t.db.selectFrom("alerts").selectAll().where("fingerprint", "=", fp).executeTakeFirstOrThrow();
  };
  const events = async (fp: string) => (await t.db.selectFrom("alert_history").select("event").where("fingerprint", "=", fp).orderBy("id").execute()).map((h) => h.event);
  const endsAt = new Date(Date.now() + 3600_000).toISOString();
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  const alert = { labels: { alertname: "Repeat", instance: "db-1:9100", severity: "warning" }, annotations: { summary: "s1" }, startsAt, endsAt };
  const fp = fingerprintOf(alert.labels);

  it("does not rewrite the row for an identical repeat, and persists its counters within a sweep", async () => {
    await post([alert]);
    const first = await row(fp);
    await new Promise((r) => setTimeout(r, 5));
    await post([alert]);
    await post([alert, alert]);
    // Not written by the ingest transaction: the row is as the first copy left it...
    expect(await row(fp)).toEqual(first);
    expect(engineFor(t.db).repeats.size).toBe(1);
    // ...until the counters are persisted (the sweep does it every second; drain and stop too).
    await engineFor(t.db).sweep();
    const after = await row(fp);
    expect(after.occurrences).toBe(4);
    expect(after.last_seen > first.last_seen).toBe(true);
    expect({ ...after, occurrences: first.occurrences, last_seen: first.last_seen }).toEqual(first);
    expect(engineFor(t.db).repeats.size).toBe(0);
    expect(await events(fp)).toEqual(["created"]);
  });

  it("writes a repeat that changes endsAt or annotations at once", async () => {
    await post([alert]);
    const later = new Date(Date.parse(endsAt) + 60_000).toISOString();
    await post([{ ...alert, endsAt: later }]);
    expect(await row(fp)).toMatchObject({ ends_at: later, occurrences: 2 });
    await post([{ ...alert, endsAt: later, annotations: { summary: "s2" } }]);
    expect(JSON.parse((await row(fp)).annotations)).toEqual({ summary: "s2" });
    expect((await row(fp)).occurrences).toBe(3);
    expect(engineFor(t.db).repeats.size).toBe(0);
  });

  it("never skips a state change: counted repeats, then a resolve, add up", async () => {
    await post([alert]);
    await post([alert]);
    await post([{ ...alert, endsAt: new Date(Date.now() - 1000).toISOString() }]);
    expect((await row(fp)).status).toBe("resolved");
    await engineFor(t.db).drain();
    expect((await row(fp)).occurrences).toBe(3);
    expect(await events(fp)).toEqual(["created", "resolved"]);
  });

  it("compares with the stored row, so a change made by another node (or the sweeper) is not masked", async () => {
    await post([alert]);
    // Another node resolved it (say, its sweeper ran with a different clock): the same payload again re-fires it.
    await t.db.updateTable("alerts").set({ status: "resolved" }).where("fingerprint", "=", fp).execute();
    await post([alert]);
    expect((await row(fp)).status).toBe("firing");
    expect(await events(fp)).toEqual(["created", "refired"]);
    // Another node stored other annotations: the payload differs from the row now, so it is written.
    await t.db.updateTable("alerts").set({ annotations: JSON.stringify({ summary: "edited elsewhere" }) }).where("fingerprint", "=", fp).execute();
    await post([alert]);
    expect(JSON.parse((await row(fp)).annotations)).toEqual({ summary: "s1" });
  });

  it("writes a repeat that a silence now covers", async () => {
    await post([alert]);
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v2/silences",
      headers: t.admin.auth,
      payload: { matchers: [{ name: "alertname", value: "Re.*", isRegex: true, isEqual: true }], startsAt: new Date().toISOString(), endsAt: endsAt, createdBy: "test", comment: "maintenance" },
    });
    expect(res.statusCode, res.body).toBe(200);
    await engineFor(t.db).drain();
    await post([alert]);
    expect((await row(fp)).status).toBe("suppressed");
  });
});
