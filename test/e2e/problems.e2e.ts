import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { apiClient, launchChromium, visible } from "./browser.js";

/**
 * Problem management in a real Chromium against the real server: a third incident on one mail
 * gateway suggests a problem; the agent opens it from the suggestion (incidents linked), links
 * one more incident by number and unlinks it, cannot flag a known error without a root cause or
 * workaround, records both and flags it, adds an overdue action item and ticks it off, resolves
 * the problem and then its incidents from the offer. The known error database finds it, and a
 * new major incident on the gateway shows its workaround and keeps a communication log.
 */

const imagesDir = fileURLToPath(new URL("../../docs/images/", import.meta.url));
const ADMIN = { name: "Ada Lovelace", email: "ada@example.com", password: "analytical-engine-1843" };
const AGENT = { name: "Grace Hopper", email: "grace@example.com", password: "compiler-a0-1952", role: "agent" };
const VIEWER = { name: "Edsger Dijkstra", email: "edsger@example.com", password: "shortest-path-1956", role: "viewer" };
const ROOT_CAUSE = "The spam filter on mail-gw-01 leaks memory when a message has more than 500 recipients.";
const WORKAROUND = "Restart the **filter** service on mail-gw-01: `systemctl restart mailfilter`.";
const ACTION = "Upgrade the spam filter to 4.2";
const COMMUNICATION = "Mail delivery is delayed by up to 30 minutes. Next update at 11:00.";

let server: RunningServer;
let browser: Browser;
let agent: Page;
let call: <T>(method: string, path: string, body?: unknown) => Promise<T>;
let problemNumber = "";
let majorNumber = "";
const incidents: string[] = [];
let elsewhere = "";
const ids: Record<string, string> = {};



async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  const dismiss = page.getByRole("button", { name: "Dismiss notification" });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.mouse.move(0, 0);
  // the top bar is sticky: from the top, a full-page shot shows it once, above the page
  await page.evaluate("window.scrollTo(0, 0)");
  await page.evaluate("document.fonts.ready.then(() => true)");
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${imagesDir}${name}`, fullPage });
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
const numberFromUrl = (page: Page) => decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);

describe("Problem management web UI", () => {
  beforeAll(async () => {
    await mkdir(imagesDir, { recursive: true });
    server = await startServer();
    call = await apiClient(server.url, ADMIN);
    ids.agent = (await call<{ id: string }>("POST", "/api/v1/users", AGENT)).id;
    await call("POST", "/api/v1/users", VIEWER);
    ids.gateway = (await call<{ id: string }>("POST", "/api/v1/cis", { class: "server", name: "mail-gw-01", environment: "production" })).id;
    ids.printer = (await call<{ id: string }>("POST", "/api/v1/cis", { class: "server", name: "print-01", environment: "production" })).id;
    // two incidents on the gateway already; the agent opens the third
    for (const title of ["Outgoing mail stuck in the queue", "Mail to customers bounces"]) {
      incidents.push((await call<{ number: string }>("POST", "/api/v1/incidents", { title, ciId: ids.gateway, impact: 2, urgency: 2 })).number);
    }
    elsewhere = (await call<{ number: string }>("POST", "/api/v1/incidents", { title: "Printer on floor 3 jams", ciId: ids.printer })).number;

    browser = await launchChromium();
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1360, height: 900 }, colorScheme: "light", timezoneId: "UTC", locale: "en-GB" });
    context.setDefaultTimeout(15_000);
    agent = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("suggests a problem when a third incident hits the same CI", async () => {
    await signIn(agent, AGENT);
    await agent.goto("/service-desk?kind=incident");
    await agent.getByRole("button", { name: "New incident" }).click();
    const dialog = agent.getByRole("dialog", { name: "New incident" });
    await dialog.getByLabel("Title").fill("Mail queue growing on the gateway");
    await dialog.getByRole("combobox", { name: "Configuration item" }).fill("mail-gw");
    await dialog.getByRole("option", { name: /mail-gw-01/ }).click();
    await dialog.getByRole("button", { name: "Create" }).click();
    await visible(agent.getByRole("heading", { level: 1, name: /Mail queue growing/ }));
    incidents.push(numberFromUrl(agent));
    // the incident's page points at the pattern right away
    const hint = agent.getByRole("note", { name: "Recurring incidents" });
    await visible(hint.getByText(/3 incidents on mail-gw-01 within 24 hours/));
    await hint.getByRole("link", { name: "All suggestions" }).click();
    await visible(agent.getByRole("heading", { level: 1, name: "Problem suggestions" }));
    const row = agent.getByRole("row", { name: /mail-gw-01/ });
    await visible(row.getByText("3", { exact: true }));
    for (const number of incidents) await visible(row.getByRole("link", { name: number }));
    expect(await agent.getByRole("row", { name: /print-01/ }).count()).toBe(0);
  });

  it("opens the problem from the suggestion with the incidents linked", async () => {
    await agent.getByRole("row", { name: /mail-gw-01/ }).getByRole("button", { name: "Create problem for mail-gw-01" }).click();
    const dialog = agent.getByRole("dialog", { name: "New problem from recurring incidents" });
    expect(await dialog.getByLabel("Title").inputValue()).toBe("Recurring incidents on mail-gw-01");
    await visible(dialog.getByRole("combobox", { name: "Configuration item" }));
    expect(await dialog.getByRole("combobox", { name: "Configuration item" }).inputValue()).toContain("mail-gw-01");
    for (const number of incidents) expect(await dialog.getByRole("checkbox", { name: number }).isChecked()).toBe(true);
    await dialog.getByLabel("Title").fill("Mail gateway stalls under load");
    await dialog.getByRole("button", { name: "Create problem" }).click();
    await visible(agent.getByRole("heading", { level: 1, name: /Mail gateway stalls under load/ }));
    problemNumber = numberFromUrl(agent);
    expect(problemNumber).toMatch(/^PRB\d+$/);
    const linked = card(agent, "Linked incidents");
    for (const number of incidents) await visible(linked.getByRole("link", { name: number }));
    await visible(linked.getByText("3 caused by this problem, 3 still open"));
  });

  it("links several incidents by number, reports the one that failed, and unlinks", async () => {
    const linked = card(agent, "Linked incidents");
    await linked.getByRole("button", { name: "Link incidents" }).click();
    const dialog = agent.getByRole("dialog", { name: `Link incidents to ${problemNumber}` });
    await dialog.getByLabel("Incident numbers").fill("not-a-number");
    await dialog.getByRole("button", { name: "Link" }).click();
    await visible(dialog.getByText("Not incident numbers: not-a-number"));
    await dialog.getByLabel("Incident numbers").fill(`${elsewhere.toLowerCase()}, INC9999999\n${incidents[0]}`);
    await dialog.getByRole("button", { name: "Link" }).click();
    await visible(dialog.getByText("1 of 3 linked."));
    await visible(dialog.getByText("No such ticket."));
    await visible(dialog.getByText("Already linked to this problem."));
    await dialog.getByRole("button", { name: "Done" }).click();
    await visible(linked.getByRole("link", { name: elsewhere }));
    await linked.getByRole("button", { name: `Unlink ${elsewhere}` }).click();
    await linked.getByRole("link", { name: elsewhere }).waitFor({ state: "detached" });
    await visible(linked.getByText("3 caused by this problem, 3 still open"));
  });

  it("records root cause and workaround, with the known error rule explained", async () => {
    const problem = card(agent, "Problem");
    await problem.getByRole("checkbox", { name: "Known error" }).click();
    await visible(problem.getByText(/A known error needs a workaround or a root cause/).last());
    expect(await problem.getByRole("checkbox", { name: "Known error" }).isChecked()).toBe(false);
    await problem.getByRole("button", { name: "Edit root cause and workaround" }).click();
    const dialog = agent.getByRole("dialog", { name: `Root cause and workaround of ${problemNumber}` });
    await dialog.getByLabel("Root cause").fill(ROOT_CAUSE);
    await dialog.getByLabel("Workaround").fill(WORKAROUND);
    await dialog.getByRole("button", { name: "Save" }).click();
    await visible(problem.getByText(ROOT_CAUSE));
    await visible(problem.getByText("systemctl restart mailfilter"));
    await problem.getByRole("checkbox", { name: "Known error" }).click();
    await visible(problem.getByText("Listed in the", { exact: false }));
    expect(await problem.getByRole("checkbox", { name: "Known error" }).isChecked()).toBe(true);
  });

  it("adds an action item with an owner and a due date, shows it overdue, and ticks it off", async () => {
    const actions = card(agent, "Action items");
    await actions.getByRole("button", { name: "Add action item" }).click();
    const dialog = agent.getByRole("dialog", { name: "New action item" });
    await dialog.getByRole("button", { name: "Add" }).click();
    await visible(dialog.getByText("Say what is to be done"));
    await dialog.getByLabel("What is to be done").fill(ACTION);
    await dialog.getByRole("combobox", { name: "Owner" }).selectOption({ label: AGENT.name });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await dialog.getByLabel("Due date").fill(yesterday);
    await dialog.getByRole("button", { name: "Add" }).click();
    const list = actions.getByRole("list", { name: "Action items" });
    await visible(list.getByText(ACTION));
    await visible(list.getByText("Overdue"));
    await visible(actions.getByText("1 open, 1 overdue of 1"));
    await list.getByRole("checkbox", { name: `${ACTION}: done` }).click();
    await visible(list.getByText("Done", { exact: true }));
    await visible(actions.getByText("0 open of 1"));
    expect(await list.getByText("Overdue").count()).toBe(0);
  });

  it("resolves the problem and then its incidents from the offer", async () => {
    const transitions = agent.getByRole("group", { name: "Transitions" });
    await transitions.getByRole("button", { name: "Start root cause analysis" }).click();
    await visible(transitions.getByRole("button", { name: "Resolve" }));
    await transitions.getByRole("button", { name: "Resolve" }).click();
    const resolve = agent.getByRole("dialog", { name: `Resolve: ${problemNumber}` });
    await resolve.getByLabel("Resolution code").fill("fixed");
    await resolve.getByLabel("Resolution notes").fill("Spam filter upgraded to 4.2; the leak is gone.");
    await resolve.getByRole("button", { name: "Resolve" }).click();
    const offer = agent.getByRole("region", { name: "Resolve open incidents" });
    await visible(offer.getByText(/3 linked incidents are still open/));
    await offer.getByRole("button", { name: "Resolve 3 open incidents" }).click();
    const dialog = agent.getByRole("dialog", { name: "Resolve 3 open incidents" });
    await visible(dialog.getByText(`Resolved by problem ${problemNumber}: Spam filter upgraded to 4.2; the leak is gone.`));
    await dialog.getByRole("button", { name: "Resolve 3 open incidents" }).click();
    const result = agent.getByRole("status", { name: "Result of resolving the incidents" });
    await visible(result.getByText("3 of 3 resolved."));
    for (const number of incidents) await visible(result.getByRole("link", { name: number }));
    const linked = card(agent, "Linked incidents");
    await visible(linked.getByText("3 caused by this problem, 0 still open"));
    await visible(card(agent, "Related records").getByRole("list", { name: "Causes" }).getByText("Resolved"));
    expect(await agent.getByRole("region", { name: "Resolve open incidents" }).count()).toBe(0);
    const incident = await call<{ state: string; resolutionCode: string }>("GET", `/api/v1/tickets/${incidents[0]}`);
    expect(incident).toMatchObject({ state: "resolved", resolutionCode: "resolved_by_problem" });
    await screenshot(agent, "problem.png");
  });

  it("finds the known error in the known error database", async () => {
    await card(agent, "Problem").getByRole("link", { name: "known error database" }).click();
    await visible(agent.getByRole("heading", { level: 1, name: "Known error database" }));
    await agent.getByRole("searchbox", { name: "Search known errors" }).fill("recipients");
    const results = agent.getByRole("list", { name: "Known errors" });
    await visible(results.getByText(ROOT_CAUSE));
    await visible(results.getByText("systemctl restart mailfilter"));
    await agent.getByRole("searchbox", { name: "Search known errors" }).fill("printer toner");
    await visible(agent.getByText("No known errors match"));
    await agent.getByRole("searchbox", { name: "Search known errors" }).fill("gateway");
    await results.getByRole("link", { name: problemNumber }).click();
    await visible(agent.getByRole("heading", { level: 1, name: /Mail gateway stalls under load/ }));
  });

  it("shows the workaround on a new incident on that CI, and keeps a major incident's communication log", async () => {
    const created = await call<{ number: string }>("POST", "/api/v1/incidents", { title: "No mail since 10:00", ciId: ids.gateway, impact: 1, urgency: 1, major: true });
    majorNumber = created.number;
    await agent.goto(ticketUrl(created.number));
    const known = card(agent, "Known errors");
    await visible(known.getByRole("link", { name: problemNumber }));
    await visible(known.getByText("systemctl restart mailfilter"));
    const log = card(agent, "Communication log");
    await visible(log.getByText("No communications yet."));
    await log.getByRole("button", { name: "Post communication" }).click();
    await visible(log.getByText("Write the update first"));
    await log.getByLabel("New communication").fill(COMMUNICATION);
    await log.getByRole("button", { name: "Post communication" }).click();
    await visible(log.getByRole("list", { name: "Communications" }).getByText(COMMUNICATION));
    await visible(log.getByRole("list", { name: "Communications" }).getByText(AGENT.name));
    const timeline = await call<{ items: Array<{ type: string; body: string; public: boolean }> }>("GET", `/api/v1/tickets/${created.number}/timeline`);
    expect(timeline.items.filter((e) => e.type === "communication")).toEqual([expect.objectContaining({ body: COMMUNICATION, public: true })]);
    await screenshot(agent, "problem-incident.png");
  });

  it("shows a viewer the same records read-only", async () => {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1360, height: 900 }, colorScheme: "light", timezoneId: "UTC", locale: "en-GB" });
    context.setDefaultTimeout(15_000);
    const viewer = await context.newPage();
    await signIn(viewer, VIEWER);
    await viewer.goto(ticketUrl(problemNumber));
    await visible(card(viewer, "Problem").getByText(ROOT_CAUSE));
    await visible(card(viewer, "Problem").getByText("Known error", { exact: true }).last());
    await visible(card(viewer, "Action items").getByText(ACTION));
    await visible(card(viewer, "Linked incidents").getByRole("link", { name: incidents[0]! }));
    expect(await viewer.getByRole("checkbox", { name: "Known error" }).count()).toBe(0);
    expect(await viewer.getByRole("button", { name: /Add action item|Link incidents|Edit root cause/ }).count()).toBe(0);
    expect(await card(viewer, "Action items").getByRole("checkbox").first().isDisabled()).toBe(true);
    await viewer.goto(ticketUrl(majorNumber));
    await visible(card(viewer, "Communication log").getByText(COMMUNICATION));
    expect(await viewer.getByRole("button", { name: "Post communication" }).count()).toBe(0);
    await context.close();
  });
});
