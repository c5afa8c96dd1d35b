/** Factories for the module's tests: CIs, relationships, alerts pushed through the real API. */
import { expect } from "vitest";
import type { TestApp } from "../../../../test/helpers/test-app.js";
import { engineFor } from "./index.js";

/** Creates a CI through the API. */
export async function ci(t: TestApp, body: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const res = await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Links two CIs ("source <type> target"). */
export async function link(t: TestApp, sourceId: string, type: string, targetId: string): Promise<void> {
  const res = await t.app.inject({ method: "POST", url: "/api/v1/relationships", headers: t.admin.auth, payload: { sourceId, type, targetId } });
  expect(res.statusCode, res.body).toBe(201);
}

/** Pushes alerts to /api/v2/alerts and waits until they are correlated and their incidents updated. */
export async function push(t: TestApp, alerts: object[]): Promise<void> {
  const res = await t.app.inject({ method: "POST", url: "/api/v2/alerts", headers: t.admin.auth, payload: alerts });
  expect(res.statusCode, res.body).toBe(200);
  await engineFor(t.db).drain();
}

/** GET as the admin, JSON. */
export async function getJson(t: TestApp, url: string) {
  const res = await t.app.inject({ url, headers: t.admin.auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** A switch with `n` Linux servers behind it (each server depends on the switch). */
export async function switchWithServers(t: TestApp, n: number, supportGroupId?: string) {
  const sw = await ci(t, { class: "switch", name: "sw-core-1", criticality: "high", identifiers: { fqdn: "sw-core-1.dc1.example", serialNumber: "SW-1" }, ...(supportGroupId ? { supportGroupId } : {}) });
  const servers = [];
  for (let i = 1; i <= n; i++) {
    const s = await ci(t, { class: "linux_server", name: `srv-${i}`, identifiers: { fqdn: `srv-${i}.dc1.example`, hostname: `srv-${i}` } });
    await link(t, s.id, "depends_on", sw.id);
    servers.push(s);
  }
  return { sw, servers };
}
