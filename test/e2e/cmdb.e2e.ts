import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { launchChromium, openPage, signIn, visible } from "./browser.js";

/**
 * The CMDB in a real Chromium against the real server: a service chain created through the
 * API, then browse, open the service, see its map, open a CI from the map, read its
 * relationships and history, and create a CI through the generated form.
 */

const imagesDir = fileURLToPath(new URL("../../docs/images/", import.meta.url));
const ADMIN = { name: "Ada Lovelace", email: "ada@example.com", password: "analytical-engine-1843" };

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const ids: Record<string, string> = {};

/** A signed-in API client for setting up data: session cookie plus the CSRF header. */
async function apiClient(baseUrl: string) {
  const response = await fetch(`${baseUrl}/api/v1/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  expect(response.status).toBeLessThan(300);
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}


async function screenshot(name: string, fullPage = true): Promise<void> {
  const dismiss = page.getByRole("button", { name: "Dismiss notification" });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.mouse.move(0, 0);
  await page.evaluate("document.fonts.ready.then(() => true)");
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${imagesDir}${name}`, fullPage });
}

/** Where a map node is on the page, from the cytoscape instance behind the canvas. */
async function nodePoint(ciId: string): Promise<{ x: number; y: number }> {
  const expression = `(() => {
    const container = document.querySelector(".service-map-canvas");
    const cy = container && container._cyreg && container._cyreg.cy;
    if (!cy) return null;
    const node = cy.getElementById(${JSON.stringify(ciId)});
    if (node.empty()) return null;
    const box = container.getBoundingClientRect();
    const p = node.renderedPosition();
    return { x: box.left + p.x, y: box.top + p.y };
  })()`;
  const point = await page.evaluate<{ x: number; y: number } | null>(expression);
  if (!point) throw new Error(`node ${ciId} is not on the map`);
  return point;
}

/** A titled card of a detail page. */
function card(title: string): Locator {
  return page.locator(".card", { has: page.getByRole("heading", { level: 2, name: title, exact: true }) });
}

async function mapNodeCount(): Promise<number> {
  return page.evaluate<number>(
    `(() => { const c = document.querySelector(".service-map-canvas"); return c && c._cyreg && c._cyreg.cy ? c._cyreg.cy.nodes().length : 0; })()`,
  );
}

describe("CMDB web UI", () => {
  beforeAll(async () => {
    await mkdir(imagesDir, { recursive: true });
    server = await startServer();
    const call = await apiClient(server.url);

    // business service -> application -> server, and application -> database -> the same server
    const create = async (key: string, body: Record<string, unknown>) => {
      ids[key] = (await call<{ id: string }>("POST", "/api/v1/cis", body)).id;
    };
    await create("shop", { class: "business_service", name: "Online shop", criticality: "critical", environment: "production", operationalStatus: "degraded", attributes: { service_tier: "gold" } });
    await create("app", { class: "application", name: "Shop web app", environment: "production", operationalStatus: "up", attributes: { version: "4.2.0", port: 8443 } });
    await create("server", {
      class: "linux_server",
      name: "shop-app-01",
      environment: "production",
      operationalStatus: "up",
      identifiers: { hostname: "shop-app-01", fqdn: "shop-app-01.example.net", ipAddresses: ["10.20.0.11"] },
      attributes: { os: "Debian", os_version: "11", cpu_count: 8 },
    });
    await create("db", { class: "database", name: "shop-db", environment: "production", operationalStatus: "up", attributes: { engine: "postgresql", version: "16" } });
    const relate = (source: string, type: string, target: string) => call("POST", "/api/v1/relationships", { sourceId: ids[source], type, targetId: ids[target] });
    await relate("shop", "depends_on", "app");
    await relate("app", "runs_on", "server");
    await relate("app", "depends_on", "db");
    await relate("db", "runs_on", "server");
    // changes for the history timeline
    await call("PATCH", `/api/v1/cis/${ids.db}`, { operationalStatus: "down", attributes: { version: "16.4" } });
    await call("PATCH", `/api/v1/cis/${ids.server}`, { attributes: { os_version: "12" } });

    browser = await launchChromium();
    page = await openPage(browser, server.url);
    context = page.context();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("finds the service in the CMDB and opens it", async () => {
    await signIn(page, ADMIN);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "CMDB" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Configuration items" }));
    const table = page.getByRole("table", { name: "Configuration items" });
    await visible(table.getByRole("link", { name: "shop-app-01" }));

    // the class tree narrows to a class and its subclasses
    await page.getByRole("navigation", { name: "CI classes" }).getByRole("button", { name: "Server", exact: true }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Server" }));
    await visible(table.getByRole("link", { name: "shop-app-01" }));
    expect(await table.getByRole("link", { name: "Online shop" }).count()).toBe(0);
    await page.getByRole("navigation", { name: "CI classes" }).getByRole("button", { name: "All classes" }).click();

    await page.getByRole("searchbox", { name: "Search configuration items" }).fill("Online");
    await visible(table.getByRole("link", { name: "Online shop" }));
    await expect.poll(() => table.getByRole("row").count()).toBe(2);
    expect(page.url()).toContain("q=Online");
    await table.getByRole("link", { name: "Online shop" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Online shop" }));
    await visible(card("Relationships").getByRole("link", { name: "Shop web app" }));
  });

  it("shows the service map, and opens a CI from the map's panel", async () => {
    await page.getByRole("button", { name: "Service map" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Service map: Online shop" }));
    await visible(page.locator(".service-map-canvas[data-ready]"));
    // all four CIs, including the database reached only through the application
    await expect.poll(mapNodeCount, { timeout: 10_000 }).toBe(4);
    const list = page.getByRole("complementary", { name: "CIs on this map" });
    for (const name of ["Online shop", "Shop web app", "shop-app-01", "shop-db"]) await visible(list.getByRole("button", { name: new RegExp(name) }));
    // the cross link (database runs on the same server) is completed from the relationships
    await visible(page.getByText(/4 CIs · 4 relationships/));

    // wait for the layout animation to settle, then click the database node on the canvas
    await page.waitForTimeout(500);
    const point = await nodePoint(ids.db!);
    await page.mouse.click(point.x, point.y);
    const panel = page.getByRole("complementary", { name: "Selected CI shop-db" });
    await visible(panel.getByRole("heading", { name: "shop-db" }));
    await visible(panel.getByText("Down"));
    await screenshot("cmdb-map.png", false);

    await panel.getByRole("link", { name: "Open CI" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "shop-db" }));
  });

  it("shows the CI's relationships in both directions, impacted services and history", async () => {
    const relationships = card("Relationships");
    await visible(relationships.getByRole("region", { name: "shop-db runs on" }).getByRole("link", { name: "shop-app-01" }));
    await visible(relationships.getByRole("region", { name: "shop-db used by" }).getByRole("link", { name: "Shop web app" }));
    await visible(page.getByRole("list", { name: "Impacted business services" }).getByRole("link", { name: "Online shop" }));
    const history = page.getByRole("list", { name: "Change history" });
    await visible(history.getByText("Operational status"));
    await visible(history.locator(".value-old", { hasText: "Up" }));
    await visible(history.locator(".value-new", { hasText: "Down" }));
    await visible(history.locator(".value-new", { hasText: "16.4" }));
    await visible(page.getByText("Incidents, problems, changes and alerts on this CI will appear here."));
    await screenshot("cmdb-ci.png");
  });

  it("compares the CI at its first record with now", async () => {
    await card("History").getByRole("button", { name: "Compare…" }).click();
    const dialog = page.getByRole("dialog", { name: "Compare two points in time" });
    await visible(dialog.getByText(/fields? differs?\./));
    await visible(dialog.getByText("operationalStatus"));
    await visible(dialog.getByText("attributes.version"));
    await dialog.getByRole("button", { name: "Close" }).first().click();
  });

  it("creates a CI through the form generated from its class, with a server-side attribute error", async () => {
    await page.getByRole("link", { name: "CMDB", exact: true }).first().click();
    await visible(page.getByRole("heading", { level: 1, name: "Configuration items" }));
    await page.getByRole("button", { name: "New CI" }).click();
    const dialog = page.getByRole("dialog", { name: "New configuration item" });
    await visible(dialog);
    await dialog.getByRole("combobox", { name: "Class", exact: true }).selectOption("linux_server");
    // inherited attributes from Server appear next to the class's own
    await visible(dialog.getByLabel("OS version"));
    await visible(dialog.getByLabel("Distribution"));
    await dialog.getByRole("textbox", { name: "Name", exact: true }).fill("shop-batch-01");
    await dialog.getByLabel("CPUs").fill("lots");
    await dialog.getByLabel("Hostname").fill("shop-batch-01");
    await dialog.getByRole("button", { name: "Create CI" }).click();

    // the server's 400 names attributes.cpu_count; the form shows it on that input
    const cpus = dialog.getByLabel("CPUs");
    await visible(dialog.getByText("attributes.cpu_count must be a number"));
    await expect.poll(() => cpus.getAttribute("aria-invalid")).toBe("true");
    await cpus.fill("16");
    await dialog.getByRole("button", { name: "Create CI" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "shop-batch-01" }));
    await visible(card("Attributes").getByText("16", { exact: true }));

    // the relationship editor: type read from this CI, the other end picked by search
    await card("Relationships").getByRole("button", { name: "Add relationship" }).first().click();
    const editor = page.getByRole("dialog", { name: "Add relationship" });
    await editor.getByRole("combobox", { name: "Relationship", exact: true }).selectOption("out:depends_on");
    await editor.getByRole("combobox", { name: "Related CI" }).fill("shop-db");
    await editor.getByRole("option", { name: /shop-db/ }).click();
    await editor.getByRole("button", { name: "Add relationship" }).click();
    await visible(page.getByRole("region", { name: "shop-batch-01 depends on" }).getByRole("link", { name: "shop-db" }));
  });

  it("lets an admin add an attribute to a class and a relationship type", async () => {
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "CMDB" }).click();
    await page.getByRole("navigation", { name: "CMDB sections" }).getByRole("link", { name: "Classes" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "CI classes" }));
    await page.getByRole("navigation", { name: "CI classes" }).getByRole("button", { name: "Database", exact: true }).click();
    // inherited attributes say where they come from
    await visible(page.getByRole("table", { name: "Attributes of Database" }).getByRole("button", { name: "Application (inherited)" }));
    await page.getByRole("button", { name: "Add attribute" }).click();
    const dialog = page.getByRole("dialog", { name: "Add attribute to Database" });
    await dialog.getByRole("textbox", { name: "Label" }).fill("Backup policy");
    await expect.poll(() => dialog.getByRole("textbox", { name: "Machine name" }).inputValue()).toBe("backup_policy");
    await dialog.getByRole("combobox", { name: "Type" }).selectOption("enum");
    await dialog.getByRole("textbox", { name: "Allowed values" }).fill("daily, weekly, none");
    await dialog.getByRole("button", { name: "Add attribute" }).click();
    await visible(page.getByRole("table", { name: "Attributes of Database" }).getByText("backup_policy"));

    await page.getByRole("navigation", { name: "CMDB sections" }).getByRole("link", { name: "Relationship types" }).click();
    await page.getByRole("button", { name: "New relationship type" }).click();
    const types = page.getByRole("dialog", { name: "New relationship type" });
    await types.getByRole("textbox", { name: "Label", exact: true }).fill("backs up");
    await types.getByRole("textbox", { name: "Reverse label" }).fill("backed up by");
    await types.getByRole("button", { name: "Add type" }).click();
    await visible(page.getByRole("table", { name: "Relationship types" }).getByText("backs up / backed up by"));
  });
});
