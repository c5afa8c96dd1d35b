import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

describe("health, readiness, metrics and API docs", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it("reports liveness and readiness (database reachable, migrations done)", async () => {
    expect((await t.app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = await t.app.inject({ url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ database: "ok", migrations: "ok" });
  });

  it("is not ready while shutting down", async () => {
    t.built.setShuttingDown();
    const ready = await t.app.inject({ url: "/readyz" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.process).toBe("shutting down");
  });

  it("exposes request counts, latencies and job queue depth in Prometheus format", async () => {
    await t.app.inject({ url: "/api/v1/users", headers: t.admin.auth });
    await t.db
      .insertInto("jobs")
      .values({ id: "j1", type: "x", payload: "{}", state: "queued", run_at: new Date().toISOString(), attempts: 0, max_attempts: 1, locked_by: null, locked_until: null, last_error: null, dedupe_key: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString(), finished_at: null })
      .execute();
    const res = await t.app.inject({ url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/plain");
    expect(res.body).toMatch(/opsdesk_http_requests_total\{method="GET",route="\/api\/v1\/users",status="200"\} 1/);
    expect(res.body).toContain("opsdesk_http_request_duration_seconds_bucket");
    expect(res.body).toMatch(/opsdesk_jobs\{state="queued"\} 1/);
    expect(res.body).toContain("opsdesk_outbox_pending");
    // SQLite's WAL restarts and how long they held writes off (0 without a checkpointer: in memory, PostgreSQL).
    expect(res.body).toMatch(/^opsdesk_sqlite_wal_restarts_total \d+$/m);
    expect(res.body).toMatch(/^opsdesk_sqlite_wal_restart_hold_seconds_total [\d.e-]+$/m);
    // and each hold's length, as a histogram.
    expect(res.body).toMatch(/^opsdesk_sqlite_wal_restart_hold_seconds_bucket\{le="0.025"\} \d+$/m);
    expect(res.body).toMatch(/^opsdesk_sqlite_wal_restart_hold_seconds_count \d+$/m);
  });

  it("protects /metrics with a token when OPSDESK_METRICS_TOKEN is set", async () => {
    const locked = await createTestApp({ metricsToken: "scrape-secret" });
    try {
      expect((await locked.app.inject({ url: "/metrics" })).statusCode).toBe(401);
      expect((await locked.app.inject({ url: "/metrics", headers: { authorization: "Bearer scrape-secret" } })).statusCode).toBe(200);
    } finally {
      await locked.close();
    }
  });

  it("serves the OpenAPI 3 document with schemas, security and permissions", async () => {
    const doc = (await t.app.inject({ url: "/api/openapi.json" })).json();
    expect(doc.openapi).toMatch(/^3\./);
    const list = doc.paths["/api/v1/users"].get;
    expect(list["x-permission"]).toBe("users.read");
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["q", "role", "sort", "limit", "offset"]));
    expect(doc.paths["/api/v1/users"].post.requestBody.content["application/json"].schema.required).toEqual(expect.arrayContaining(["email", "name", "role"]));
    expect(doc.components.securitySchemes.bearer.scheme).toBe("bearer");
    expect(doc.paths["/healthz"]).toBeUndefined();
  });

  it("serves the interactive API viewer at /api/docs", async () => {
    const res = await t.app.inject({ url: "/api/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("swagger");
  });

  it("sets security headers", async () => {
    const res = await t.app.inject({ url: "/api/v1/setup" });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBe("DENY");
  });
});
