import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { apiClient, launchChromium, screenshotPage as screenshot, visible } from "./browser.js";

/**
 * Change management in a real Chromium against the real server: an agent opens a normal
 * change on a database, has it assessed and sent for approval; a CAB member cannot reject
 * without a comment, then approves with one; the agent schedules it into a window that
 * collides with another change on the same database and with a blackout window, is warned,
 * schedules anyway, and finds it on the change calendar (week and month views).
 */

const imagesDir = fileURLToPath(new URL("../../docs/images/", import.meta.url));
const ADMIN = { name: "Ada Lovelace", email: "ada@example.com", password: "analytical-engine-1843" };
const AGENT = { name: "Grace Hopper", email: "grace@example.com", password: "compiler-a0-1952", role: "agent" };
const CAB = { name: "Linus Torvalds", email: "linus@example.com", password: "monolithic-kernel-1991", role: "agent" };
const TITLE = "Upgrade shop-db to PostgreSQL 17";
const APPROVAL_COMMENT = "Approved for the Wednesday window; a DBA stays on call until 01:00.";

let server: RunningServer;
let browser: Browser;
let agent: Page;
let cab: Page;
let call: <T>(method: string, path: string, body?: unknown) => Promise<T>;
let changeNumber = "";
let otherNumber = "";
const ids: Record<string, string> = {};

/** Times are UTC throughout: the browser runs in UTC, so datetime-local values are UTC too. */
const DAY = 86_400_000;
const nextWeek = (() => {
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const monday = today - ((new Date(today).getUTCDay() + 6) % 7) * DAY + 7 * DAY;
  return new Date(monday);
})();
const at = (days: number, hours: number, minutes = 0) => new Date(nextWeek.getTime() + days * DAY + (hours * 60 + minutes) * 60_000);
const localInput = (date: Date) => date.toISOString().slice(0, 16);




async function newPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1360, height: 900 }, colorScheme: "light", timezoneId: "UTC", locale: "en-GB" });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.goto("/");
  await visible(page.getByRole("heading", { name: "Sign in to OpsDesk" }));
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await visible(page.getByRole("navigation", { name: "Main" }));
}

function card(page: Page, title: string): Locator {
  return page.locator(".card", { has: page.getByRole("heading", { level: 2, name: title, exact: true }) });
}

const ticketUrl = (number: string) => `/service-desk/tickets/${number}`;

describe("Change management web UI", () => {
  beforeAll(async () => {
    await mkdir(imagesDir, { recursive: true });
    server = await startServer();
    call = await apiClient(server.url, ADMIN);
    ids.agent = (await call<{ id: string }>("POST", "/api/v1/users", AGENT)).id;
    ids.cabMember = (await call<{ id: string }>("POST", "/api/v1/users", CAB)).id;
    ids.cab = (await call<{ id: string }>("POST", "/api/v1/groups", { name: "CAB" })).id;
    await call("PUT", `/api/v1/groups/${ids.cab}/members/${ids.cabMember}`);
    await call("POST", "/api/v1/change-approval-rules", { name: "CAB for normal changes", changeTypes: ["normal"], groupId: ids.cab, rule: "any" });

    // a small shop: the business service depends on its database, which runs on a server
    ids.shop = (await call<{ id: string }>("POST", "/api/v1/cis", { class: "business_service", name: "Online shop", criticality: "critical", environment: "production" })).id;
    ids.db = (await call<{ id: string }>("POST", "/api/v1/cis", { class: "database", name: "shop-db", environment: "production" })).id;
    ids.app = (await call<{ id: string }>("POST", "/api/v1/cis", { class: "application", name: "Shop web app", environment: "production" })).id;
    await call("POST", "/api/v1/relationships", { sourceId: ids.shop, type: "depends_on", targetId: ids.db });
    await call("POST", "/api/v1/relationships", { sourceId: ids.shop, type: "depends_on", targetId: ids.app });

    // already on the calendar: a standard change on the same database, Wednesday 21:00-23:00
    const template = await call<{ id: string }>("POST", "/api/v1/change-templates", {
      name: "Apply OS security patches",
      description: "Monthly patching of one server or database host.",
      title: "Apply OS security patches",
      implementationPlan: "apt upgrade, reboot, check the service.",
      backoutPlan: "Boot the previous kernel.",
      risk: "low",
      durationMinutes: 120,
    });
    const other = await call<{ number: string }>("POST", "/api/v1/changes", { title: "Patch shop-db host", ciId: ids.db, change: { templateId: template.id, plannedStart: at(2, 21).toISOString() } });
    otherNumber = other.number;
    await call("POST", `/api/v1/tickets/${otherNumber}/transitions`, { transition: "schedule" });
    // and a change elsewhere on Monday, plus a freeze over Wednesday and Thursday
    await call("POST", "/api/v1/changes", { title: "Roll out shop web app 4.3", ciId: ids.app, change: { type: "normal", plannedStart: at(0, 9).toISOString(), plannedEnd: at(0, 11).toISOString() } });
    await call("POST", "/api/v1/change-blackouts", { name: "Quarter-end freeze", description: "Finance closes the quarter.", startsAt: at(2, 20).toISOString(), endsAt: at(4, 0).toISOString() });

    browser = await launchChromium();
    agent = await newPage();
    cab = await newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("lets an agent open a normal change from the change calendar", async () => {
    await signIn(agent, AGENT);
    await agent.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Changes" }).click();
    await visible(agent.getByRole("heading", { level: 1, name: "Change calendar" }));
    await agent.getByRole("button", { name: "New change" }).click();
    const dialog = agent.getByRole("dialog", { name: "New change" });
    await dialog.getByRole("button", { name: "Create change" }).click();
    await visible(dialog.getByText("Give the change a short title"));
    await dialog.getByLabel("Title").fill(TITLE);
    await dialog.getByRole("combobox", { name: "Configuration item" }).fill("shop-db");
    await dialog.getByRole("option", { name: /shop-db/ }).click();
    await dialog.getByLabel("Justification").fill("PostgreSQL 16 leaves extended support; 17 brings faster vacuum.");
    await dialog.getByLabel("Implementation plan").fill("1. pg_upgrade --link on the replica\n2. fail over\n3. upgrade the old primary");
    await dialog.getByLabel("Backout plan").fill("Fail back to the untouched primary.");
    await dialog.getByRole("button", { name: "Create change" }).click();
    await visible(agent.getByRole("heading", { level: 1, name: new RegExp(TITLE) }));
    changeNumber = decodeURIComponent(new URL(agent.url()).pathname.split("/").pop()!);
    expect(changeNumber).toMatch(/^CHG\d+$/);
    const change = card(agent, "Change");
    await visible(change.getByText("Normal", { exact: true }));
    await visible(change.getByText("pg_upgrade --link on the replica"));
    await visible(card(agent, "Approvals").getByText("Not requested yet"));
    const impact = card(agent, "Affected CIs and impacted services");
    await visible(impact.getByText("Online shop"));
    await impact.getByRole("button", { name: "Add affected CI" }).click();
    await impact.getByRole("combobox", { name: "Configuration item" }).fill("Shop web");
    await impact.getByRole("option", { name: /Shop web app/ }).click();
    await visible(impact.getByRole("list", { name: "Affected CIs" }).getByText("Shop web app"));
    await impact.getByRole("button", { name: "Refresh from CMDB" }).click();
    await visible(impact.getByRole("list", { name: "Impacted services" }).getByText("Online shop"));
  });

  it("sends the change to the CAB", async () => {
    const transitions = agent.getByRole("group", { name: "Transitions" });
    await transitions.getByRole("button", { name: "Assess", exact: true }).click();
    await visible(transitions.getByRole("button", { name: "Request approval" }));
    await transitions.getByRole("button", { name: "Request approval" }).click();
    const approvals = card(agent, "Approvals");
    await visible(approvals.getByText("Awaiting approval"));
    await visible(approvals.getByText("CAB for normal changes"));
    await visible(approvals.getByText("0 / 1 approved"));
    await visible(approvals.getByText(CAB.name));
    // the agent is not on the board: no decision form for them
    expect(await approvals.getByRole("button", { name: "Approve" }).count()).toBe(0);
  });

  it("lets a CAB member approve with a comment (and not reject without one)", async () => {
    await signIn(cab, CAB);
    await cab.goto(ticketUrl(changeNumber));
    const approvals = card(cab, "Approvals");
    await visible(approvals.getByRole("button", { name: "Approve" }));
    await approvals.getByRole("button", { name: "Reject" }).click();
    await visible(approvals.getByText("Say why you reject the change"));
    await approvals.getByLabel("Your decision").fill(APPROVAL_COMMENT);
    await approvals.getByRole("button", { name: "Approve" }).click();
    await visible(approvals.getByText("1 / 1 approved"));
    await visible(approvals.getByText(APPROVAL_COMMENT));
    await visible(approvals.getByText("Approved", { exact: true }));
    expect(await approvals.getByRole("button", { name: "Approve" }).count()).toBe(0);
    // the header, the change and its approvals in one picture
    await cab.setViewportSize({ width: 1360, height: 1280 });
    await cab.evaluate("window.scrollTo(0, 0)");
    await screenshot(cab, "change-approval.png", false);
  });

  it("warns about conflicts when the change is scheduled, and lists them on the change", async () => {
    // the agent's open page follows the decision without a reload
    await visible(card(agent, "Approvals").getByText("1 / 1 approved"));
    await card(agent, "Change").getByRole("button", { name: "Schedule…" }).click();
    const dialog = agent.getByRole("dialog", { name: `Schedule ${changeNumber}` });
    await dialog.getByLabel("Planned start").fill(localInput(at(2, 22)));
    await dialog.getByLabel("Planned end").fill(localInput(at(2, 23, 30)));
    await dialog.getByRole("button", { name: "Schedule", exact: true }).click();
    const warning = await visible(dialog.getByRole("alert").filter({ hasText: "This window has 2 conflicts" }));
    await visible(warning.getByText(otherNumber));
    await visible(warning.getByText(/Quarter-end freeze/));
    await dialog.getByRole("button", { name: "Schedule despite conflicts" }).click();
    await visible(agent.getByLabel("Status", { exact: true }).getByText("Scheduled"));
    const listed = await visible(agent.getByRole("alert").filter({ hasText: "This change has 2 scheduling conflicts" }));
    await visible(listed.getByRole("link", { name: otherNumber }));
  });

  it("opens a standard change from a template, pre-approved", async () => {
    await agent.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Changes" }).click();
    await visible(agent.getByRole("heading", { level: 1, name: "Change calendar" }));
    await agent.getByRole("navigation", { name: "Change management sections" }).getByRole("link", { name: "Approval rules" }).click();
    const rules = await visible(agent.getByRole("table", { name: "Approval rules" }));
    await visible(rules.getByText("any one member of CAB"));
    await agent.getByRole("navigation", { name: "Change management sections" }).getByRole("link", { name: "Standard templates" }).click();
    const templates = await visible(agent.getByRole("table", { name: "Standard change templates" }));
    await templates.getByRole("row", { name: /Apply OS security patches/ }).getByRole("button", { name: "Use" }).click();
    const dialog = agent.getByRole("dialog", { name: "New change" });
    await expect.poll(() => dialog.getByLabel("Title").inputValue()).toBe("Apply OS security patches");
    await dialog.getByLabel("Title").fill("Apply OS security patches to the shop web app");
    await dialog.getByRole("button", { name: "Create change" }).click();
    await visible(agent.getByRole("heading", { level: 1, name: /Apply OS security patches to the shop web app/ }));
    await visible(card(agent, "Change").getByText("Standard", { exact: true }));
    await visible(card(agent, "Change").getByText("apt upgrade, reboot, check the service."));
    await visible(card(agent, "Approvals").getByText("Standard changes are pre-approved by their template."));
    await agent.goto(ticketUrl(changeNumber));
    await visible(agent.getByRole("heading", { level: 1, name: new RegExp(TITLE) }));
  });

  it("shows the change on the calendar in week and month views, with the freeze shaded", async () => {
    await card(agent, "Change").getByRole("link", { name: "On the calendar" }).click();
    const week = await visible(agent.getByRole("region", { name: "Change calendar, week view" }));
    await visible(week.getByRole("button", { name: new RegExp(`^${changeNumber} `) }));
    await visible(week.getByRole("button", { name: new RegExp(`^${otherNumber} `) }));
    await visible(week.getByText("Quarter-end freeze"));
    await agent.getByRole("group", { name: "View" }).getByRole("button", { name: "Month" }).click();
    const month = await visible(agent.getByRole("region", { name: "Change calendar, month view" }));
    const bar = month.getByRole("button", { name: new RegExp(`^${changeNumber} .*2 conflicts`) });
    await visible(bar);
    await visible(month.getByText("Quarter-end freeze"));
    await visible(card(agent, "Conflicts in this month").getByText(TITLE));
    await screenshot(agent, "changes-calendar.png");
    await bar.click();
    await visible(agent.getByRole("heading", { level: 1, name: new RegExp(TITLE) }));
  });
  it("lets an admin add a blackout window for one service, shaded on the calendar", async () => {
    const admin = await newPage();
    await signIn(admin, ADMIN);
    await admin.goto("/changes/blackouts");
    await visible(admin.getByRole("heading", { level: 1, name: "Blackout windows" }));
    await visible(admin.getByRole("table", { name: "Blackout windows" }).getByText("Quarter-end freeze"));
    await admin.getByRole("button", { name: "New blackout window" }).click();
    const dialog = admin.getByRole("dialog", { name: "New blackout window" });
    await dialog.getByRole("button", { name: "Save" }).click();
    await visible(dialog.getByText("Give the window a name"));
    await dialog.getByLabel("Name").fill("Black Friday");
    await dialog.getByLabel("Starts").fill(localInput(at(4, 0)));
    await dialog.getByLabel("Ends").fill(localInput(at(3, 0)));
    await dialog.getByRole("button", { name: "Save" }).click();
    await visible(dialog.getByText("The end must be after the start"));
    await dialog.getByLabel("Ends").fill(localInput(at(5, 0)));
    await dialog.getByRole("combobox", { name: "Configuration item" }).fill("Online");
    await dialog.getByRole("option", { name: /Online shop/ }).click();
    await visible(dialog.getByRole("list", { name: "CIs and services of the window" }).getByText("Online shop"));
    await dialog.getByRole("button", { name: "Save" }).click();
    const row = await visible(admin.getByRole("table", { name: "Blackout windows" }).getByRole("row", { name: /Black Friday/ }));
    await visible(row.getByText("Online shop"));
    await row.getByRole("link").click();
    await visible(admin.getByRole("region", { name: "Change calendar, week view" }).getByText("Black Friday"));
    await admin.context().close();
  });
});
