import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { Binder, bindingSignature, bindKeys } from "./events.binding.js";
import { ci } from "./events.test-helpers.js";

const settings = { ciLabels: [] };

describe("binding signature", () => {
  it("differs whenever the keys differ: every label bindKeys reads is in it", () => {
    const ciLabels = [{ label: "asset", kind: "serial_number" as const }];
    const names = ["alertname", "severity", "instance", "fqdn", "host", "hostname", "host_name", "nodename", "node", "ip", "ip_address", "address", "service.name", "service_name", "job", "service", "asset", "team", "pod"];
    const values = ["", "web01", "web01.example.com:9100", "10.0.0.1", "[::1]:80", "http://db.example.com/x", "checkout"];
    let seed = 3;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let i = 0; i < 2000; i++) {
      const base: Record<string, string> = {};
      for (const n of names) if (rnd(3) === 0) base[n] = values[rnd(values.length)];
      const other = { ...base, [names[rnd(names.length)]]: values[rnd(values.length)] };
      const sameKeys = JSON.stringify(bindKeys(base, { ciLabels })) === JSON.stringify(bindKeys(other, { ciLabels }));
      if (bindingSignature(base, ciLabels) === bindingSignature(other, ciLabels)) expect(sameKeys).toBe(true);
    }
  });
});

describe("CI binding cache", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const alert = (fingerprint: string, labels: Record<string, string>) => ({ fingerprint, labels });

  it("binds a new alert on a known host from the host's earlier answer, until the cache is cleared", async () => {
    const web = await ci(t, { class: "linux_server", name: "frontend-1", identifiers: { fqdn: "web01.example.com" } });
    const binder = new Binder();
    expect(await binder.bindAlerts(t.db, [alert("a1", { alertname: "HighCpu", instance: "web01.example.com:9100" })], settings)).toEqual([web.id]);
    // The identifier goes away behind the binder's back: a new alert with the same host labels
    // (another alertname, another fingerprint) still gets the cached answer ...
    await t.db.deleteFrom("ci_identifiers").where("ci_id", "=", web.id).execute();
    expect(await binder.bindAlerts(t.db, [alert("b2", { alertname: "DiskFull", severity: "critical", instance: "web01.example.com:9100" })], settings)).toEqual([web.id]);
    // ... but not one on another host,
    expect(await binder.bindAlerts(t.db, [alert("c3", { alertname: "HighCpu", instance: "web02.example.com:9100" })], settings)).toEqual([null]);
    // and nothing cached survives a CMDB change (clear).
    binder.clear();
    expect(await binder.bindAlerts(t.db, [alert("d4", { alertname: "Again", instance: "web01.example.com:9100" })], settings)).toEqual([null]);
  });

  it("tells apart alerts whose configured CI labels differ, even on the same host", async () => {
    const a = await ci(t, { class: "linux_server", name: "srv-a", identifiers: { serialNumber: "SN-A" } });
    const b = await ci(t, { class: "linux_server", name: "srv-b", identifiers: { serialNumber: "SN-B" } });
    const binder = new Binder();
    const byAsset = { ciLabels: [{ label: "asset", kind: "serial_number" as const }] };
    const bound = await binder.bindAlerts(
      t.db,
      [alert("x1", { alertname: "Fan", instance: "shared-host:9100", asset: "SN-A" }), alert("x2", { alertname: "Fan", instance: "shared-host:9100", asset: "SN-B" })],
      byAsset,
    );
    expect(bound).toEqual([a.id, b.id]);
    expect(await binder.bindAlerts(t.db, [alert("x3", { alertname: "Psu", instance: "shared-host:9100", asset: "SN-B" })], byAsset)).toEqual([b.id]);
    // Other configured labels: answers made under the old ones are forgotten.
    expect(await binder.bindAlerts(t.db, [alert("x4", { alertname: "Psu", instance: "shared-host:9100", asset: "SN-A" })], settings)).toEqual([null]);
  });

  it("looks up only the identifier kinds the CMDB holds, and sees a new kind after a CMDB change", async () => {
    await ci(t, { class: "linux_server", name: "db-1", identifiers: { fqdn: "db-1.example.com" } });
    const named = await ci(t, { class: "linux_server", name: "cache-7" });
    const binder = new Binder();
    // By name (no identifier at all) and by a kind in use (fqdn), as before.
    expect(await binder.bindAlerts(t.db, [alert("n1", { alertname: "Up", instance: "cache-7:9100" })], settings)).toEqual([named.id]);
    expect(await binder.bindAlerts(t.db, [alert("n2", { alertname: "Up", instance: "10.9.9.9:9100" })], settings)).toEqual([null]);
    // A kind that nobody used so far (a Prometheus instance) appears: found once the binder is told the CMDB changed.
    const exporter = await ci(t, { class: "linux_server", name: "exporter-host", identifiers: { prometheusInstance: "10.9.9.9:9100" } });
    binder.clear();
    expect(await binder.bindAlerts(t.db, [alert("n3", { alertname: "Down", instance: "10.9.9.9:9100" })], settings)).toEqual([exporter.id]);
  });
});
