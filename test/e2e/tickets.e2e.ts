import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { apiClient, launchChromium, screenshotPage as screenshot, visible } from "./browser.js";

/**
 * The service desk in a real Chromium against the real server: a requester reports a problem
 * in the portal; an agent finds it, assigns it, starts work, adds a work note and a public
 * comment and resolves it; the requester sees the comment but not the work note, and reopens.
 * Also: saved filters, bulk assignment, and the CI page's open incidents.
 */

const imagesDir = fileURLToPath(new URL("../../docs/images/", import.meta.url));
const ADMIN = { name: "Ada Lovelace", email: "ada@example.com", password: "analytical-engine-1843" };
const AGENT = { name: "Grace Hopper", email: "grace@example.com", password: "compiler-a0-1952", role: "agent" };
const REQUESTER = { name: "Alan Turing", email: "alan@example.com", password: "enigma-bombe-1940", role: "requester" };
const WORK_NOTE = "Concentrator vpn-gw-02 drops idle tunnels after 120 s; raising the timeout.";
const COMMENT = "We found the cause and are fixing it; please reconnect in five minutes.";

let server: RunningServer;
let browser: Browser;
let agent: Page;
let requester: Page;
let call: <T>(method: string, path: string, body?: unknown) => Promise<T>;
let ticketNumber = "";
const ids: Record<string, string> = {};




async function newPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1360, height: 860 }, colorScheme: "light" });
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

function state(page: Page): Locator {
  return page.getByLabel("Status", { exact: true });
}

describe("Service desk web UI", () => {
  beforeAll(async () => {
    await mkdir(imagesDir, { recursive: true });
    server = await startServer();
    call = await apiClient(server.url, ADMIN);
    ids.agent = (await call<{ id: string }>("POST", "/api/v1/users", AGENT)).id;
    ids.requester = (await call<{ id: string }>("POST", "/api/v1/users", REQUESTER)).id;
    ids.group = (await call<{ id: string }>("POST", "/api/v1/groups", { name: "Service Desk" })).id;
    await call("PUT", `/api/v1/groups/${ids.group}/members/${ids.agent}`);
    ids.ci = (await call<{ id: string }>("POST", "/api/v1/cis", { class: "application", name: "Corporate VPN", environment: "production" })).id;
    // some queue for the lists: a P1 on the VPN, and two unassigned requests
    await call("POST", "/api/v1/incidents", { title: "VPN down for the Berlin office", impact: 1, urgency: 1, ciId: ids.ci, assignmentGroupId: ids.group });
    await call("POST", "/api/v1/requests", { title: "New laptop for Marie", assignmentGroupId: ids.group });
    await call("POST", "/api/v1/requests", { title: "Access to the finance share", assignmentGroupId: ids.group });

    browser = await launchChromium();
    agent = await newPage();
    requester = await newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("lets a requester report a problem in the portal", async () => {
    await signIn(requester, REQUESTER);
    await requester.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My tickets" }).click();
    await visible(requester.getByRole("heading", { level: 1, name: "My tickets" }));
    await requester.getByRole("button", { name: "Report a problem" }).first().click();
    await requester.getByRole("button", { name: "Send" }).click();
    await visible(requester.getByText("Say in a few words what is wrong"));
    await requester.getByLabel("What is wrong?").fill("VPN keeps disconnecting");
    await requester.getByLabel("Details").fill("Since Monday the VPN drops **every few minutes**. <script>alert(1)</script>");
    await requester.getByRole("button", { name: "Send" }).click();
    await visible(requester.getByRole("heading", { level: 1, name: "VPN keeps disconnecting" }));
    ticketNumber = new URL(requester.url()).pathname.split("/").pop()!;
    expect(ticketNumber).toMatch(/^INC\d{7,}$/);
    // markdown is rendered, raw HTML is shown as text and never runs
    await visible(card(requester, "Description").locator("strong", { hasText: "every few minutes" }));
    expect(await card(requester, "Description").locator("script").count()).toBe(0);
  });

  it("shows the agent the queue with saved filters, columns and quick search", async () => {
    await signIn(agent, AGENT);
    await agent.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Service desk" }).click();
    await visible(agent.getByRole("heading", { level: 1, name: "Service desk" }));
    const table = agent.getByRole("table", { name: "Tickets" });
    await visible(table.getByRole("link", { name: ticketNumber }));

    const filters = agent.getByRole("navigation", { name: "Saved filters" });
    await filters.getByRole("button", { name: "P1/P2 open" }).click();
    await visible(table.getByText("VPN down for the Berlin office"));
    await expect.poll(() => table.getByRole("row").count()).toBe(2);
    await filters.getByRole("button", { name: "All tickets" }).click();
    await expect.poll(() => table.getByRole("row").count()).toBe(5);

    // a column the agent adds stays in this browser
    await agent.getByRole("button", { name: "Columns" }).click();
    await agent.getByRole("dialog", { name: "Choose columns" }).getByLabel("Requester").check();
    await agent.getByRole("dialog", { name: "Choose columns" }).getByRole("button", { name: "Apply" }).click();
    await visible(table.getByRole("columnheader", { name: "Requester" }));
    await visible(table.getByRole("cell", { name: REQUESTER.name }));
    await screenshot(agent, "tickets-list.png", false);

    await agent.getByRole("searchbox", { name: "Search tickets" }).fill(ticketNumber);
    await expect.poll(() => table.getByRole("row").count()).toBe(2);
    expect(agent.url()).toContain(`q=${ticketNumber}`);
  });

  it("assigns two requests at once from the bulk action bar", async () => {
    await agent.getByRole("searchbox", { name: "Search tickets" }).fill("");
    await agent.getByRole("navigation", { name: "Ticket kinds" }).getByRole("button", { name: "Requests" }).click();
    const table = agent.getByRole("table", { name: "Tickets" });
    await expect.poll(() => table.getByRole("row").count()).toBe(3);
    await table.getByRole("checkbox", { name: "Select all tickets on this page" }).check();
    const bar = agent.getByRole("region", { name: "Bulk actions" });
    await visible(bar.getByText("2 selected"));
    await bar.getByRole("button", { name: "Assign…" }).click();
    const dialog = agent.getByRole("dialog", { name: "Assign tickets" });
    await dialog.getByRole("combobox", { name: "Assignment group" }).selectOption({ label: "Service Desk" });
    await dialog.getByRole("combobox", { name: "Assignee" }).selectOption({ label: AGENT.name });
    await dialog.getByRole("button", { name: "Apply to 2" }).click();
    await expect.poll(() => table.getByRole("cell", { name: AGENT.name }).count()).toBe(2);
  });

  it("takes the incident from New to Resolved with a work note and a public comment", async () => {
    await agent.goto(`/service-desk/tickets/${ticketNumber}`);
    await visible(agent.getByRole("heading", { level: 1, name: /VPN keeps disconnecting/ }));
    await visible(state(agent).getByText("New", { exact: true }));

    await agent.getByRole("button", { name: "Edit assignment" }).click();
    const assign = agent.getByRole("dialog", { name: "Edit assignment" });
    await assign.getByRole("combobox", { name: "Assignment group" }).selectOption({ label: "Service Desk" });
    await assign.getByRole("combobox", { name: "Assignee" }).selectOption({ label: AGENT.name });
    await assign.getByRole("button", { name: "Save" }).click();
    await visible(card(agent, "Assignment").getByText(AGENT.name));

    const transitions = agent.getByRole("group", { name: "Transitions" });
    await transitions.getByRole("button", { name: "Start work" }).click();
    await visible(state(agent).getByText("In progress", { exact: true }));

    const timeline = agent.getByRole("list", { name: "Timeline entries" });
    await agent.getByRole("radio", { name: "Work note" }).click();
    await agent.getByRole("textbox", { name: "Work note" }).fill(WORK_NOTE);
    await agent.getByRole("button", { name: "Add work note" }).click();
    await visible(timeline.locator("[data-entry-type='work_note']", { hasText: WORK_NOTE }));
    await visible(timeline.locator("[data-entry-type='work_note']").getByText("Work note · internal"));

    await agent.getByRole("radio", { name: "Public comment" }).click();
    await agent.getByRole("textbox", { name: "Comment" }).fill(COMMENT);
    await agent.getByRole("button", { name: "Post comment" }).click();
    await visible(timeline.locator("[data-entry-type='comment']", { hasText: COMMENT }));

    // Resolve requires a code and notes: a small form asks for them
    await transitions.getByRole("button", { name: "Resolve" }).click();
    const resolve = agent.getByRole("dialog", { name: `Resolve: ${ticketNumber}` });
    await resolve.getByRole("button", { name: "Resolve" }).click();
    await visible(resolve.getByText("Resolution code is required"));
    await resolve.getByLabel("Resolution code").fill("solved_permanently");
    await resolve.getByLabel("Resolution notes").fill("Raised the idle timeout on vpn-gw-02 to 30 minutes.");
    await resolve.getByRole("button", { name: "Resolve" }).click();
    await visible(state(agent).getByText("Resolved", { exact: true }));
    await visible(card(agent, "Resolution").getByText("Solved permanently"));
    await visible(timeline.locator("[data-entry-type='state_change']", { hasText: "Resolved" }));
    await screenshot(agent, "tickets-ticket.png");
  });

  it("shows the requester the comment but not the work note, live, and lets them reopen", async () => {
    // the requester's page has been open all along: the poll brings the new state and comment
    const timeline = requester.getByRole("list", { name: "Timeline entries" });
    await visible(timeline.getByText(COMMENT), 15_000);
    await visible(requester.getByText("Resolved", { exact: true }).first(), 15_000);
    expect(await requester.getByText(WORK_NOTE).count()).toBe(0);
    expect(await timeline.locator("[data-entry-type='work_note']").count()).toBe(0);
    // the API agrees: a requester's timeline has no work notes
    await requester.reload();
    await visible(timeline.getByText(COMMENT));
    expect(await requester.getByText(WORK_NOTE).count()).toBe(0);
    await screenshot(requester, "tickets-portal.png");

    await requester.getByRole("textbox", { name: "Comment" }).fill("Still dropping on the train Wi-Fi.");
    await requester.getByRole("button", { name: "Post comment" }).click();
    await visible(timeline.getByText("Still dropping on the train Wi-Fi."));

    await requester.getByRole("group", { name: "Transitions" }).getByRole("button", { name: "Reopen" }).click();
    const dialog = requester.getByRole("dialog", { name: `Reopen: ${ticketNumber}` });
    await dialog.getByLabel("Reason").fill("It happens again on mobile networks.");
    await dialog.getByRole("button", { name: "Reopen" }).click();
    await visible(requester.getByText("In progress", { exact: true }).first());
    // the agent's open page picks the requester's comment up without a reload
    await visible(agent.getByRole("list", { name: "Timeline entries" }).getByText("Still dropping on the train Wi-Fi."), 15_000);
  });

  it("lists a CI's open incidents on its CMDB page", async () => {
    await agent.goto(`/cmdb/cis/${ids.ci}`);
    await visible(agent.getByRole("heading", { level: 1, name: "Corporate VPN" }));
    const panel = agent.getByRole("list", { name: "Open incidents on this CI" });
    await visible(panel.getByText("VPN down for the Berlin office"));
    await panel.getByRole("link").first().click();
    await visible(agent.getByRole("heading", { level: 1, name: /VPN down for the Berlin office/ }));
  });
});
