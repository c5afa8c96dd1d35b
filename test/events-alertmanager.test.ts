/**
 * A real Alertmanager (Debian's prometheus-alertmanager package) with OpsDesk as its webhook
 * receiver, and the real amtool pointed at OpsDesk as if it were an Alertmanager.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/test-app.js";
import { freePort } from "./helpers/cli.js";
import { engineFor } from "../src/server/modules/events/index.js";

const has = (bin: string) => spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0;

/** Installs the package when it is missing and we may; the reason when it cannot be had. */
function ensureAlertmanager(): string | null {
  if (has("prometheus-alertmanager") && has("amtool")) return null;
  if (process.getuid?.() === 0 && has("apt-get")) {
    spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "prometheus-alertmanager"], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, stdio: "ignore", timeout: 300_000 });
    if (has("prometheus-alertmanager") && has("amtool")) return null;
  }
  return "the Debian package prometheus-alertmanager is not installed and could not be installed (apt-get install prometheus-alertmanager)";
}

const missing = ensureAlertmanager();
if (missing) console.warn(`SKIPPED events-alertmanager.test.ts: ${missing}`);

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(missing !== null)("a real Alertmanager 0.25 and amtool against OpsDesk", () => {
  let t: TestApp;
  let opsdesk: string;
  let am: ChildProcess;
  let amUrl: string;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    opsdesk = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-am-"));
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    fs.writeFileSync(
      path.join(dir, "alertmanager.yml"),
      [
        "route:",
        "  receiver: opsdesk",
        "  group_by: ['alertname']",
        "  group_wait: 0s",
        "  group_interval: 1s",
        "receivers:",
        "  - name: opsdesk",
        "    webhook_configs:",
        `      - url: '${opsdesk}/api/v1/events/webhooks/alertmanager'`,
        "        send_resolved: true",
        "        http_config:",
        "          authorization:",
        `            credentials: '${t.admin.token}'`,
        "",
      ].join("\n"),
    );
    am = spawn("prometheus-alertmanager", [`--config.file=${dir}/alertmanager.yml`, `--storage.path=${dir}/data`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address="], { stdio: "ignore" });
    await until("Alertmanager ready", async () => (await fetch(`${amUrl}/-/ready`)).ok);
  }, 60_000);

  afterAll(async () => {
    // Alertmanager writes its snapshot on SIGTERM: remove its directory only once it has exited.
    if (am && am.exitCode === null && am.signalCode === null) {
      const exited = new Promise<void>((resolve) => am.once("exit", () => resolve()));
      am.kill("SIGTERM");
      const timer = setTimeout(() => am.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }, 30_000);

  it("receives Alertmanager's webhook notification, firing and then resolved, with Alertmanager's fingerprint", async () => {
    const labels = { alertname: "RealAmTest", instance: "host-9:9100", severity: "critical" };
    const post = (endsAt?: string) =>
      fetch(`${amUrl}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([{ labels, annotations: { summary: "from a real Alertmanager" }, ...(endsAt ? { endsAt } : {}) }]) });
    expect((await post()).status).toBe(200);
    const amAlerts = (await (await fetch(`${amUrl}/api/v2/alerts`)).json()) as Array<{ fingerprint: string }>;
    const alert = await until("the alert in OpsDesk", async () => {
      const res = await t.app.inject({ url: "/api/v1/events/alerts?q=RealAmTest", headers: t.admin.auth });
      return res.json().items[0];
    });
    expect(alert).toMatchObject({ fingerprint: amAlerts[0].fingerprint, source: "alertmanager_webhook", status: "firing", severity: "critical", annotations: { summary: "from a real Alertmanager" } });
    expect((await post(new Date(Date.now() - 1000).toISOString())).status).toBe(200);
    await until("the resolution in OpsDesk", async () => {
      await engineFor(t.db).drain();
      const res = await t.app.inject({ url: "/api/v1/events/alerts?q=RealAmTest", headers: t.admin.auth });
      return res.json().items[0]?.status === "resolved";
    });
  }, 60_000);

  it("lets amtool add, query and silence alerts in OpsDesk", async () => {
    const cfg = path.join(dir, "amtool-http.yml");
    fs.writeFileSync(cfg, `authorization:\n  credentials: '${t.admin.token}'\n`);
    // Asynchronously: OpsDesk runs in this very process and must keep answering.
    const amtool = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn("amtool", [`--alertmanager.url=${opsdesk}`, `--http.config.file=${cfg}`, ...args]);
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("exit", (status) => resolve({ status, stdout, stderr }));
      });
    const add = await amtool("alert", "add", "alertname=AmtoolAdded", "instance=db-7", "severity=critical", "--annotation=summary=added by amtool");
    expect(add.status, add.stderr).toBe(0);
    const query = await amtool("alert", "query", "alertname=AmtoolAdded", "-o", "json");
    expect(query.status, query.stderr).toBe(0);
    expect(JSON.parse(query.stdout).map((a: { labels: { instance: string } }) => a.labels.instance)).toEqual(["db-7"]);
    const silence = await amtool("silence", "add", "instance=~db-.*", "--comment=maintenance", "--author=amtool", "--duration=1h");
    expect(silence.status, silence.stderr).toBe(0);
    const id = silence.stdout.trim();
    const silences = await amtool("silence", "query", "-o", "json");
    expect(JSON.parse(silences.stdout).map((s: { id: string }) => s.id)).toEqual([id]);
    const suppressed = await t.app.inject({ url: "/api/v1/events/alerts?q=AmtoolAdded", headers: t.admin.auth });
    expect(suppressed.json().items[0].status).toBe("suppressed");
    expect((await amtool("silence", "expire", id)).status).toBe(0);
    const firing = await t.app.inject({ url: "/api/v1/events/alerts?q=AmtoolAdded", headers: t.admin.auth });
    expect(firing.json().items[0].status).toBe("firing");
  }, 60_000);
});
