import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { apiClient, launchChromium, openPage, signIn, visible } from "./browser.js";

/**
 * Service levels in a real Chromium against the real server: an admin creates a business-hours
 * calendar and a P1 resolution SLA in the Service levels area, tests the definition against
 * existing tickets before saving it, opens a P1 incident, follows its clock on the ticket page,
 * puts it on hold awaiting the caller and sees the clock paused with the reason, finds the
 * SLA column in the ticket list, and reads the compliance report.
 */

const imagesDir = fileURLToPath(new URL("../../docs/images/", import.meta.url));
const ADMIN = { name: "Ada Lovelace", email: "ada@example.com", password: "analytical-engine-1843" };
const SLA_NAME = "P1 resolution (business hours)";
const CALENDAR = "Service desk hours";

/**
 * A fixed-offset zone where it is about noon now, so that the business hours (08:00-18:00 every
 * day) are running whenever the test runs. Etc/GMT-3 is UTC+3 (POSIX signs are inverted).
 */
function noonZone(): string {
  const offset = 12 - new Date().getUTCHours(); // -11 … +12
  return offset === 0 ? "Etc/UTC" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
}
const HOURS = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ start: "08:00", end: "18:00" }]]));

let server: RunningServer;
let browser: Browser;
let page: Page;
let call: <T>(method: string, path: string, body?: unknown) => Promise<T>;
const tickets: Record<string, string> = {};
const ids: Record<string, string> = {};



async function screenshot(name: string, fullPage = true): Promise<void> {
  const dismiss = page.getByRole("button", { name: "Dismiss notification" });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.mouse.move(0, 0);
  await page.evaluate("document.fonts.ready.then(() => true)");
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${imagesDir}${name}`, fullPage });
}

function card(title: string | RegExp): Locator {
  return page.locator(".card", { has: page.getByRole("heading", { level: 2, name: title, exact: typeof title === "string" }) });
}

function slaArea(): Locator {
  return page.getByRole("navigation", { name: "Service levels" });
}

describe("Service levels web UI", () => {
  beforeAll(async () => {
    await mkdir(imagesDir, { recursive: true });
    server = await startServer();
    call = await apiClient(server.url, ADMIN);
    ids.group = (await call<{ id: string }>("POST", "/api/v1/groups", { name: "Service Desk" })).id;
    ids.ci = (await call<{ id: string }>("POST", "/api/v1/cis", { class: "application", name: "Payroll", environment: "production", criticality: "critical" })).id;
    // tickets that exist before any SLA: a P1 and a P3
    tickets.p1 = (await call<{ number: string }>("POST", "/api/v1/incidents", { title: "Payroll run fails at the bank upload", impact: 1, urgency: 1, ciId: ids.ci, assignmentGroupId: ids.group })).number;
    tickets.p3 = (await call<{ number: string }>("POST", "/api/v1/incidents", { title: "Typo on the payslip footer", impact: 3, urgency: 3, assignmentGroupId: ids.group })).number;

    browser = await launchChromium();
    page = await openPage(browser, server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("creates a business-hours calendar", async () => {
    await signIn(page, ADMIN);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Service levels" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Service levels" }));

    await slaArea().getByRole("link", { name: "Calendars" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Business calendars" }));
    const table = page.getByRole("table", { name: "Business calendars" });
    await visible(table.getByText("built in"));
    await page.getByRole("button", { name: "New calendar" }).click();
    const form = card("New calendar");
    await form.getByLabel("Name").fill(CALENDAR);
    await form.getByLabel("Time zone").fill(noonZone());
    // a broken JSON is reported, not thrown
    await form.getByLabel("Working hours").fill("{ mon: 9-17 }");
    await form.getByRole("button", { name: "Save" }).click();
    await visible(form.getByRole("alert"));
    await form.getByLabel("Working hours").fill(JSON.stringify(HOURS, null, 2));
    await form.getByLabel("Holidays").fill(JSON.stringify([{ kind: "date", date: "2024-05-01", name: "Labour Day" }]));
    await form.getByRole("button", { name: "Save" }).click();
    const row = table.getByRole("row").filter({ hasText: CALENDAR });
    await visible(row.getByText("mon 08:00-18:00; tue 08:00-18:00", { exact: false }));
    await visible(row.getByText(noonZone(), { exact: true }));
    await expect.poll(() => form.count()).toBe(0);
  });

  it("creates a P1 resolution SLA after testing it against existing tickets", async () => {
    await slaArea().getByRole("link", { name: "Definitions" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "SLA definitions" }));
    await visible(page.getByText("No definitions yet."));
    await page.getByRole("button", { name: "New definition" }).click();
    const form = card("New definition");
    await form.getByLabel("Name").fill(SLA_NAME);
    await form.getByLabel("Target").selectOption("resolution");
    await form.getByLabel("Minutes").fill("240");
    await form.getByLabel("Calendar").selectOption({ label: CALENDAR });
    // the default rules are "P1 incidents"
    expect(JSON.parse(await form.getByLabel("Rules").inputValue())).toEqual({ appliesTo: { kinds: ["incident"], priorities: [1] } });

    // the P3 would not be measured, and the answer says why
    await form.getByLabel("Test against ticket").fill(tickets.p3!);
    await form.getByRole("button", { name: "Test", exact: true }).click();
    await visible(form.getByText("It would not apply"));
    await visible(form.getByText(/priority/i));

    // the P1 would have had a running clock since its creation
    await form.getByLabel("Test against ticket").fill(tickets.p1!);
    await form.getByRole("button", { name: "Test", exact: true }).click();
    await visible(form.getByText("Cycle 1: In progress"));
    await visible(form.getByRole("progressbar", { name: new RegExp(`${SLA_NAME.replace(/[()]/g, "\\$&")}: \\d+% used`) }));
    await visible(form.getByText(/of 4h used .* left/));

    // an unknown ticket is an error in the form, not a crash
    await form.getByLabel("Test against ticket").fill("INC9999999");
    await form.getByRole("button", { name: "Test", exact: true }).click();
    await visible(form.getByRole("alert").filter({ hasText: /INC9999999/ }));

    await form.getByRole("button", { name: "Save" }).click();
    const row = page.getByRole("table", { name: "SLA definitions" }).getByRole("row").filter({ hasText: SLA_NAME });
    await visible(row.getByText("4h", { exact: true }));
    await visible(row.getByText("resolution", { exact: true }));
    await expect.poll(() => form.count()).toBe(0);
  });

  it("opens a P1 incident and shows its SLA card with progress and explanation", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Service desk" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Service desk" }));
    await page.getByRole("button", { name: /^New / }).first().click();
    const dialog = page.getByRole("dialog", { name: "New incident" });
    await dialog.getByLabel("Title").fill("Payroll database refuses connections");
    await dialog.getByLabel("Impact").selectOption("1");
    await dialog.getByLabel("Urgency").selectOption("1");
    await dialog.getByRole("combobox", { name: "Assignment group" }).selectOption({ label: "Service Desk" });
    await dialog.getByRole("button", { name: "Create" }).click();
    await visible(page.getByRole("heading", { level: 1, name: /Payroll database refuses connections/ }));
    tickets.new = new URL(page.url()).pathname.split("/").pop()!;

    const sla = card("Service levels");
    await visible(sla.getByText(SLA_NAME), 15_000);
    await visible(sla.getByText("In progress", { exact: true }));
    await visible(sla.getByText("SLA · resolution"));
    const bar = sla.getByRole("progressbar");
    expect(await bar.getAttribute("aria-label")).toMatch(/: \d+% used$/);
    expect(Number(await bar.getAttribute("aria-valuenow"))).toBeLessThan(5);
    // the card says it in the server's words: "<elapsed> of 4h used", a fresh clock in seconds
    const figures = await visible(sla.getByText(/^\d+(s|m) of 4h used · due/));
    const clocks = await call<{ items: Array<{ explanation: string; state: string; calendarId: string }> }>("GET", `/api/v1/tickets/${tickets.new}/slas`);
    expect(clocks.items).toHaveLength(1);
    expect(clocks.items[0]!.state).toBe("in_progress");
    expect(clocks.items[0]!.explanation).toMatch(/^\d+(s|m) of 4h used$/);
    expect((await figures.first().textContent())!.replace(/^\d+/, "")).toMatch(new RegExp(`^${clocks.items[0]!.explanation.replace(/^\d+/, "").replace(/ used$/, "")}`));
  });

  it("pauses the clock while the incident is on hold awaiting the caller", async () => {
    await page.getByRole("group", { name: "Transitions" }).getByRole("button", { name: "Put on hold" }).click();
    const dialog = page.getByRole("dialog", { name: `Put on hold: ${tickets.new}` });
    await dialog.getByLabel("On-hold reason").selectOption({ label: "Awaiting caller" });
    await dialog.getByRole("button", { name: "Put on hold" }).click();
    await visible(page.getByLabel("Status", { exact: true }).getByText("On hold", { exact: true }));

    const sla = card("Service levels");
    await visible(sla.getByText("Paused", { exact: true }), 15_000);
    await visible(sla.getByText(/^paused .+ so far while On hold \(awaiting caller\)/));
    await sla.getByText("History").click();
    await visible(sla.getByText(/paused while On hold \(awaiting caller\)/));
  });

  it("shows the SLA column in the ticket list", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Service desk" }).click();
    const table = page.getByRole("table", { name: "Tickets" });
    await visible(table.getByRole("columnheader", { name: "SLA" }));
    const row = (number: string) => table.getByRole("row").filter({ has: page.getByRole("link", { name: number }) });
    await visible(row(tickets.new!).getByText(/^paused, \d+h( \d+m)? left$/));
    // the P3 has no SLA; the old P1 picked none up (no change since the definition was created)
    await visible(row(tickets.p3!).getByText("—", { exact: true }));
    await visible(row(tickets.p1!).getByText("—", { exact: true }));
    const badge = row(tickets.new!).locator(".sla-badge");
    expect(await badge.getAttribute("title")).toContain(`${SLA_NAME}: `);
  });

  it("opens the compliance report", async () => {
    // the old P1 is worked on and resolved: its clock starts at that change and is met
    await call("POST", `/api/v1/tickets/${tickets.p1}/transitions`, { transition: "start" });
    await call("POST", `/api/v1/tickets/${tickets.p1}/transitions`, { transition: "resolve", resolutionCode: "solved_workaround", resolutionNotes: "Re-sent the upload by hand." });
    // clocks follow the ticket's changes through the outbox, just after the commit
    await expect
      .poll(async () => (await call<{ items: Array<{ state: string }> }>("GET", `/api/v1/tickets/${tickets.p1}/slas`)).items.map((c) => c.state), { timeout: 15_000 })
      .toEqual(["achieved"]);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Service levels" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Service levels" }));
    const report = card(/^Compliance/);
    await visible(report.getByRole("heading", { name: "Compliance 100% · 1 met · 0 breached · 1 running" }), 15_000);
    await visible(report.getByRole("img", { name: "SLAs per period: met, breached and running" }));
    const row = report.getByRole("table", { name: "SLA compliance" }).getByRole("row").filter({ hasText: SLA_NAME });
    await expect.poll(() => row.getByRole("cell").allTextContents()).toEqual([SLA_NAME, "2", "1", "0", "1", "100%"]);
    await visible(card("Recently breached").getByText("Nothing has breached."));

    await page.getByLabel("Rows by").selectOption("priority");
    await visible(report.getByRole("columnheader", { name: "priority" }));
    await expect.poll(() => report.getByRole("table", { name: "SLA compliance" }).getByRole("row").count()).toBe(2);
    await page.getByLabel("Rows by").selectOption("definition");
    await visible(report.getByRole("table", { name: "SLA compliance" }).getByRole("row").filter({ hasText: SLA_NAME }));
    await screenshot("sla.png");
  });
});
