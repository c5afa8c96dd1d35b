import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { apiClient, launchChromium, openPage, signIn, visible } from "./browser.js";

/**
 * The operations console in a real Chromium against the real server: a switch and the five
 * servers behind it in the CMDB, alerts for all six pushed like Prometheus does
 * (POST /api/v2/alerts with a bearer token); the console counts and colours them, groups them,
 * the alert group names the switch as root cause and links its incident; an alert is
 * acknowledged, a silence with a regex matcher suppresses a new alert until it is expired;
 * the CI page and the dependency map show the switch's alerts.
 */

const imagesDir = fileURLToPath(new URL("../../docs/images/", import.meta.url));
const ADMIN = { name: "Ada Lovelace", email: "ada@example.com", password: "analytical-engine-1843" };
const SERVERS = ["srv-1", "srv-2", "srv-3", "srv-4", "srv-5"];
const CRITICAL_RGB = "rgb(179, 38, 30)"; // SEVERITY_META.critical.colour
const MAJOR_RGB = "rgb(232, 89, 12)"; // SEVERITY_META.major.colour

let server: RunningServer;
let browser: Browser;
let page: Page;
let call: <T>(method: string, path: string, body?: unknown) => Promise<T>;
let token = "";
const ids: Record<string, string> = {};


/** Pushes alerts the way Prometheus does: Alertmanager API v2, bearer token, empty 200. */
async function pushAlerts(alerts: object[]): Promise<void> {
  const res = await fetch(`${server.url}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "user-agent": "Prometheus/2.42.0+ds" },
    body: JSON.stringify(alerts),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(await res.text()).toBe("");
}

/** A firing alert as Prometheus sends it: labels, annotations, startsAt, endsAt a few intervals ahead, generatorURL. */
function firing(labels: Record<string, string>, summary: string) {
  const now = Date.now();
  return {
    labels: { job: "node", ...labels },
    annotations: { summary },
    startsAt: new Date(now - 30_000).toISOString(),
    endsAt: new Date(now + 3600_000).toISOString(),
    generatorURL: "http://prometheus.example:9090/graph?g0.expr=up%3D%3D0&g0.tab=1",
  };
}

/** Waits for a condition outside a test (expect.poll only works inside one). */
async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}


async function screenshot(name: string, fullPage = true): Promise<void> {
  const dismiss = page.getByRole("button", { name: "Dismiss notification" });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.mouse.move(0, 0);
  await page.evaluate("document.fonts.ready.then(() => true)");
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${imagesDir}${name}`, fullPage });
}

/** The computed text colour of an element (runs in the page; the test's tsconfig has no DOM types). */
const colourOf = (el: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color;

function card(title: string): Locator {
  return page.locator(".card", { has: page.getByRole("heading", { level: 2, name: title, exact: true }) });
}

/** The console's alert tables (one per section when grouped). */
function alertTables(): Locator {
  return page.getByRole("table", { name: "Alerts", exact: true });
}

/** The row of an alert in the console, by its name and CI. */
function alertRow(name: string, ci: string): Locator {
  return alertTables().getByRole("row").filter({ hasText: name }).filter({ has: page.getByRole("link", { name: ci, exact: true }) });
}

/** The count shown on a severity tile. */
async function severityCount(label: string): Promise<string> {
  const tile = page.getByLabel("Active alerts by severity").getByRole("button", { name: new RegExp(`${label}$`) });
  return (await tile.locator(".ev-count-n").textContent()) ?? "";
}

async function apiAlerts(query: string): Promise<Array<{ name: string; status: string; ci: { name: string } | null; incidentId: string | null }>> {
  return (await call<{ items: Array<{ name: string; status: string; ci: { name: string } | null; incidentId: string | null }> }>("GET", `/api/v1/events/alerts?${query}`)).items;
}

describe("Operations console web UI", () => {
  beforeAll(async () => {
    await mkdir(imagesDir, { recursive: true });
    server = await startServer();
    call = await apiClient(server.url, ADMIN);
    ids.group = (await call<{ id: string }>("POST", "/api/v1/groups", { name: "Network operations" })).id;
    ids.switch = (
      await call<{ id: string }>("POST", "/api/v1/cis", {
        class: "switch",
        name: "sw-core-1",
        criticality: "high",
        environment: "production",
        supportGroupId: ids.group,
        identifiers: { fqdn: "sw-core-1.dc1.example", serialNumber: "SW-1" },
      })
    ).id;
    for (const name of SERVERS) {
      ids[name] = (await call<{ id: string }>("POST", "/api/v1/cis", { class: "linux_server", name, environment: "production", identifiers: { fqdn: `${name}.dc1.example`, hostname: name } })).id;
      await call("POST", "/api/v1/relationships", { sourceId: ids[name], type: "depends_on", targetId: ids.switch });
    }
    // Prometheus's credentials: an API token of the admin
    token = (await call<{ secret: string }>("POST", "/api/v1/tokens", { name: "prometheus" })).secret;
    // the switch stops answering, and the five servers behind it with it
    await pushAlerts([
      firing({ alertname: "SwitchDown", instance: "sw-core-1.dc1.example", job: "snmp", severity: "critical" }, "core switch sw-core-1 is not answering SNMP"),
      ...SERVERS.map((name) => firing({ alertname: "HostUnreachable", instance: `${name}.dc1.example:9100`, severity: "major" }, `${name} is unreachable`)),
    ]);
    // correlation and the incident happen after the commit
    await until(async () => (await apiAlerts("limit=10")).filter((a) => a.incidentId).length === 6, "the six alerts to be linked to an incident");

    browser = await launchChromium();
    page = await openPage(browser, server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows the six alerts with their severity, colours and counts", async () => {
    await signIn(page, ADMIN);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Operations" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Operations" }));

    await visible(alertRow("SwitchDown", "sw-core-1"));
    for (const name of SERVERS) await visible(alertRow("HostUnreachable", name));
    await expect.poll(() => alertTables().getByRole("row").count()).toBe(7);
    await visible(alertRow("SwitchDown", "sw-core-1").getByText("core switch sw-core-1 is not answering SNMP"));
    // sorted by severity: the critical switch first
    await expect.poll(() => alertTables().getByRole("row").nth(1).textContent()).toContain("SwitchDown");

    await expect.poll(() => severityCount("Critical")).toBe("1");
    await expect.poll(() => severityCount("Major")).toBe("5");
    await expect.poll(() => severityCount("Warning")).toBe("0");
    await expect.poll(() => page.getByLabel("Active alerts by severity").getByText("Open groups").locator("..").locator(".ev-count-n").textContent()).toBe("1");

    const critical = alertRow("SwitchDown", "sw-core-1").getByText("Critical", { exact: true });
    expect(await critical.evaluate(colourOf)).toBe(CRITICAL_RGB);
    const major = alertRow("HostUnreachable", "srv-1").getByText("Major", { exact: true });
    expect(await major.evaluate(colourOf)).toBe(MAJOR_RGB);
    for (const name of ["sw-core-1", ...SERVERS]) await visible(alertRow(name === "sw-core-1" ? "SwitchDown" : "HostUnreachable", name).getByText("Firing", { exact: true }));

    // a severity tile filters the list
    await page.getByLabel("Active alerts by severity").getByRole("button", { name: /Critical$/ }).click();
    await expect.poll(() => alertTables().getByRole("row").count()).toBe(2);
    await page.getByLabel("Active alerts by severity").getByRole("button", { name: /Critical$/ }).click();
    await expect.poll(() => alertTables().getByRole("row").count()).toBe(7);
    // and the name search
    await page.getByRole("searchbox", { name: "Search alerts" }).fill("SwitchDown");
    await expect.poll(() => alertTables().getByRole("row").count()).toBe(2);
    await page.getByRole("searchbox", { name: "Search alerts" }).fill("");
    await expect.poll(() => alertTables().getByRole("row").count()).toBe(7);
    await screenshot("operations.png", false);
  });

  it("groups the list by CI and by alert group", async () => {
    const groupBy = page.getByRole("combobox", { name: "Group by" });
    await groupBy.selectOption({ label: "By CI" });
    await expect.poll(() => alertTables().count()).toBe(6);
    for (const name of ["sw-core-1", ...SERVERS]) await visible(page.getByRole("heading", { level: 3, name: `${name} (1)` }));

    await groupBy.selectOption({ label: "By alert group" });
    await expect.poll(() => alertTables().count()).toBe(1);
    await visible(page.getByRole("heading", { level: 3, name: /\(6\)$/ }));
    expect(await page.getByRole("heading", { level: 3, name: /Ungrouped/ }).count()).toBe(0);
    await groupBy.selectOption({ label: "No grouping" });
    await expect.poll(() => alertTables().getByRole("row").count()).toBe(7);
  });

  it("shows one alert group whose root cause is the switch, with its topology and incident", async () => {
    await page.getByRole("tab", { name: "Alert groups" }).click();
    const groups = page.getByRole("table", { name: "Open alert groups" });
    await expect.poll(() => groups.getByRole("row").count()).toBe(2);
    const row = groups.getByRole("row").nth(1);
    await visible(row.getByRole("link", { name: "sw-core-1" }));
    await visible(row.getByText("6 (6)"));
    await visible(row.getByRole("link", { name: "open" }));
    await row.getByRole("link", { name: /SwitchDown/ }).click();

    await visible(page.getByRole("heading", { level: 1, name: /SwitchDown on sw-core-1/ }));
    await visible(page.getByText("Correlated through the CMDB; 6 of 6 alerts active."));
    const summary = card("Summary");
    await visible(summary.getByRole("link", { name: "sw-core-1" }));
    await visible(summary.getByText("Critical", { exact: true }));
    const topology = card("Topology");
    const root = topology.locator("li.is-root");
    await expect.poll(() => root.count()).toBe(1);
    await visible(root.getByRole("link", { name: "sw-core-1" }));
    await visible(root.getByText("root cause"));
    // the root cause heads the topology, the servers behind it follow
    await expect.poll(() => topology.locator("ul.ev-topology > li").first().getAttribute("class")).toBe("is-root");
    for (const name of SERVERS) {
      const item = topology.locator("li", { has: page.getByRole("link", { name, exact: true }) });
      await visible(item.getByText("depends on sw-core-1"));
    }
    await expect.poll(() => page.getByRole("table", { name: "Alerts of the group" }).getByRole("row").count()).toBe(7);
    await screenshot("alert-group.png");

    // the incident opened for the group: on the switch, from the event channel
    await summary.getByRole("link", { name: "open incident" }).click();
    await visible(page.getByRole("heading", { level: 1, name: /SwitchDown on sw-core-1/ }));
    expect(new URL(page.url()).pathname).toMatch(/^\/service-desk\/tickets\//);
    await visible(page.getByRole("link", { name: "sw-core-1" }));
    await visible(page.getByText("Network operations").first());
    await page.goBack();
    await visible(page.getByRole("heading", { level: 1, name: /SwitchDown on sw-core-1/ }));
  });

  it("acknowledges an alert", async () => {
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Operations" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Operations" }));
    const row = alertRow("HostUnreachable", "srv-1");
    await row.getByRole("button", { name: "Acknowledge" }).click();
    await visible(page.getByText("HostUnreachable acknowledged"));
    await visible(row.getByText("Acknowledged", { exact: true }));
    expect(await row.getByRole("button", { name: "Acknowledge" }).count()).toBe(0);
    expect((await apiAlerts("status=acknowledged")).map((a) => a.ci?.name)).toEqual(["srv-1"]);

    await page.getByRole("combobox", { name: "Status" }).selectOption({ label: "Acknowledged" });
    await expect.poll(() => alertTables().getByRole("row").count()).toBe(2);
    await page.getByRole("combobox", { name: "Status" }).selectOption({ label: "Active" });
    await expect.poll(() => alertTables().getByRole("row").count()).toBe(7);
  });

  it("silences srv-4 from its alert with a regex matcher; a new alert there arrives suppressed until the silence is expired", async () => {
    await alertRow("HostUnreachable", "srv-4").getByRole("button", { name: "Silence" }).click();
    const dialog = page.getByRole("dialog", { name: "Silence HostUnreachable" });
    await visible(dialog);
    // the alert's labels (without severity) are the matchers
    const labels = dialog.getByRole("textbox", { name: "Label" });
    await expect.poll(() => labels.evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value).sort())).toEqual(["alertname", "instance", "job"]);
    const matcher = async (label: string) => {
      const all = await labels.evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
      return dialog.locator(".ev-matcher").nth(all.indexOf(label));
    };
    // any alert on srv-4, not only this one
    const alertname = await matcher("alertname");
    await alertname.getByRole("combobox", { name: "Operator" }).selectOption("=~");
    await alertname.getByRole("textbox", { name: "Value" }).fill(".+");
    const instance = await matcher("instance");
    await instance.getByRole("combobox", { name: "Operator" }).selectOption("=~");
    await instance.getByRole("textbox", { name: "Value" }).fill("srv-4\\..*");
    await (await matcher("job")).getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => labels.count()).toBe(2);
    await dialog.getByRole("combobox", { name: "Duration" }).selectOption({ label: "1 hour" });
    await dialog.getByRole("textbox", { name: "Comment" }).fill("CHG: replacing the PSU of srv-4");
    await dialog.getByRole("button", { name: "Create silence" }).click();
    await visible(page.getByText("Silence created"));
    await dialog.waitFor({ state: "hidden" });

    // the silenced alert is suppressed; it stays listed
    const row = alertRow("HostUnreachable", "srv-4");
    await visible(row.getByText("Suppressed", { exact: true }), 15_000);

    // a new alert on srv-4 arrives suppressed; one on srv-5 does not
    await pushAlerts([
      firing({ alertname: "DiskWillFillIn4Hours", instance: "srv-4.dc1.example:9100", severity: "warning" }, "/var on srv-4 fills up in 4 hours"),
      firing({ alertname: "DiskWillFillIn4Hours", instance: "srv-5.dc1.example:9100", severity: "warning" }, "/var on srv-5 fills up in 4 hours"),
    ]);
    const newRow = alertRow("DiskWillFillIn4Hours", "srv-4");
    await visible(newRow.getByText("Suppressed", { exact: true }), 15_000);
    await visible(alertRow("DiskWillFillIn4Hours", "srv-5").getByText("Firing", { exact: true }));
    await page.getByRole("combobox", { name: "Status" }).selectOption({ label: "Suppressed" });
    await expect.poll(() => alertTables().getByRole("row").count()).toBe(3);
    await page.getByRole("combobox", { name: "Status" }).selectOption({ label: "Active" });

    // the silence is listed with its matchers, and expires
    await page.getByRole("tab", { name: "Silences" }).click();
    const silences = page.getByRole("table", { name: "Silences" });
    const silence = silences.getByRole("row").filter({ hasText: "CHG: replacing the PSU of srv-4" });
    await visible(silence.getByText('alertname=~".+", instance=~"srv-4\\..*"'));
    await visible(silence.getByText("active", { exact: true }));
    await visible(silence.getByText(ADMIN.name));
    await silence.getByRole("button", { name: "Expire" }).click();
    await visible(page.getByText("Silence expired"));
    await visible(silence.getByText("expired", { exact: true }));
    expect(await silence.getByRole("button", { name: "Expire" }).count()).toBe(0);

    await page.getByRole("tab", { name: "Alerts" }).click();
    await visible(alertRow("DiskWillFillIn4Hours", "srv-4").getByText("Firing", { exact: true }), 15_000);
    await visible(alertRow("HostUnreachable", "srv-4").getByText("Firing", { exact: true }));
    expect((await apiAlerts("status=suppressed")).length).toBe(0);
  });

  it("lists the switch's alerts on its CI page and rings it on the dependency map", async () => {
    await page.goto(`/cmdb/cis/${ids.switch}`);
    await visible(page.getByRole("heading", { level: 1, name: "sw-core-1" }));
    const alerts = page.getByRole("table", { name: "Alerts on this CI" });
    await visible(alerts.getByRole("link", { name: "SwitchDown" }));
    await expect.poll(() => alerts.getByRole("row").count()).toBe(2);
    await visible(alerts.getByText("Critical", { exact: true }));
    await visible(alerts.getByText("Firing", { exact: true }));
    // a server's card lists its own alerts only
    await page.goto(`/cmdb/cis/${ids["srv-4"]}`);
    await visible(page.getByRole("heading", { level: 1, name: "srv-4" }));
    await visible(page.getByRole("table", { name: "Alerts on this CI" }).getByRole("link", { name: "DiskWillFillIn4Hours" }));
    await expect.poll(() => page.getByRole("table", { name: "Alerts on this CI" }).getByRole("row").count()).toBe(3);

    await page.goto(`/cmdb/cis/${ids.switch}/map?view=downstream`);
    await visible(page.locator(".service-map-canvas[data-ready]"));
    const nodeData = (id: string) =>
      page.evaluate<{ alert: string; label: string } | null>(
        `(() => { const c = document.querySelector(".service-map-canvas"); const cy = c && c._cyreg && c._cyreg.cy; if (!cy) return null; const n = cy.getElementById(${JSON.stringify(id)}); return n.empty() ? null : { alert: n.data("alert"), label: n.data("label") }; })()`,
      );
    await expect.poll(async () => (await nodeData(ids.switch!))?.alert, { timeout: 10_000 }).toBe("critical");
    expect((await nodeData(ids.switch!))?.label).toContain("⚠ 1 alert");
    await expect.poll(async () => (await nodeData(ids["srv-4"]!))?.label).toContain("⚠ 2 alerts");
    expect((await nodeData(ids["srv-4"]!))?.alert).toBe("major");

    // the alert links to its group
    await page.goto(`/cmdb/cis/${ids.switch}`);
    await page.getByRole("table", { name: "Alerts on this CI" }).getByRole("link", { name: "SwitchDown" }).click();
    await visible(page.getByRole("heading", { level: 1, name: /SwitchDown on sw-core-1/ }));
  });
});
