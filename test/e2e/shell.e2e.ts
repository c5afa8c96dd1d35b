import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { visible } from "./browser.js";

/**
 * The first-run story in a real Chromium against the real server: setup, home, theme,
 * sign out and in, then the admin pages (users, groups, tokens, audit log).
 */

const imagesDir = fileURLToPath(new URL("../../docs/images/", import.meta.url));
const ADMIN = { name: "Ada Lovelace", email: "ada@example.com", password: "analytical-engine-1843" };
const AGENT = { name: "Grace Hopper", email: "grace@example.com", password: "compiler-pioneer-1952" };

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** Waits until the locator is visible; fails the test with Playwright's message otherwise. */

async function hidden(locator: Locator, timeout = 10_000): Promise<void> {
  await locator.first().waitFor({ state: "hidden", timeout });
}

async function theme(): Promise<string | undefined> {
  // a string expression: the test code itself is compiled without the DOM library
  return page.evaluate<string | undefined>("document.documentElement.dataset.theme");
}

async function screenshot(name: string): Promise<void> {
  // notifications from earlier steps would cover the picture
  const dismiss = page.getByRole("button", { name: "Dismiss notification" });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.mouse.move(0, 0);
  await page.evaluate("document.fonts.ready.then(() => true)");
  // let entrance animations finish
  await page.waitForTimeout(250);
  await page.screenshot({ path: `${imagesDir}${name}`, fullPage: true });
}

async function signIn(email: string, password: string): Promise<void> {
  await visible(page.getByRole("heading", { name: "Sign in to OpsDesk" }));
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signOut(): Promise<void> {
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await visible(page.getByRole("heading", { name: "Sign in to OpsDesk" }));
}

async function openAdminTab(name: string, heading: string): Promise<void> {
  await page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name }).click();
  await visible(page.getByRole("heading", { level: 1, name: heading }));
}

const homeHeading = () => page.getByRole("heading", { level: 1, name: /^Good (morning|afternoon|evening), Ada$/ });

describe("OpsDesk web UI", () => {
  beforeAll(async () => {
    await mkdir(imagesDir, { recursive: true });
    server = await startServer();
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-quic",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 }, colorScheme: "light" });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("runs the one-time setup and lands on the home page", async () => {
    await page.goto("/");
    await visible(page.getByRole("heading", { name: "Create the administrator account" }));

    // the form checks its fields before anything is sent
    await page.getByRole("button", { name: "Create account and sign in" }).click();
    await visible(page.getByText("Enter your name."));

    await page.getByLabel("Name").fill(ADMIN.name);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Confirm password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Create account and sign in" }).click();

    await visible(homeHeading());
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const area of ["Service desk", "Operations", "CMDB", "Assets", "Knowledge", "Reports", "Admin"]) {
      await visible(nav.getByRole("link", { name: area }));
    }
    // the setup page is gone for good
    const setup = await (await fetch(`${server.url}/api/v1/setup`)).json();
    expect(setup).toEqual({ needed: false });
  });

  it("takes light and dark screenshots of the home page; the theme choice persists", async () => {
    expect(await theme()).toBe("light");
    await screenshot("home.png");

    await page.getByRole("button", { name: "Switch to dark theme" }).click();
    expect(await theme()).toBe("dark");
    await page.reload();
    await visible(homeHeading());
    expect(await theme()).toBe("dark");
    await screenshot("home-dark.png");

    await page.getByRole("button", { name: "Switch to light theme" }).click();
    expect(await theme()).toBe("light");
  });

  it("shows what each planned area will hold", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Service desk" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Service desk" }));
    await visible(page.getByRole("navigation", { name: "Saved filters" }));
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Operations" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Operations" }));
    await page.getByRole("link", { name: "OpsDesk home" }).click();
    await visible(homeHeading());
  });

  it("signs out, refuses a wrong password and signs in again", async () => {
    await signOut();

    await signIn(ADMIN.email, "not-the-password");
    const alert = await visible(page.getByRole("alert"));
    expect((await alert.first().innerText()).trim().length).toBeGreaterThan(0);
    await visible(page.getByRole("heading", { name: "Sign in to OpsDesk" }));

    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await visible(homeHeading());
  });

  it("creates a user in Admin → Users", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
    await visible(page.getByRole("heading", { level: 1, name: "Users" }));
    await visible(page.getByRole("cell", { name: ADMIN.email }));

    await page.getByRole("button", { name: "New user" }).click();
    const dialog = await visible(page.getByRole("dialog", { name: "New user" }));
    await dialog.getByLabel("Name").fill(AGENT.name);
    await dialog.getByLabel("Email").fill(AGENT.email);
    await dialog.getByLabel("Role").selectOption("agent");
    await dialog.getByLabel("Password").fill(AGENT.password);
    await dialog.getByRole("button", { name: "Create user" }).click();
    await hidden(dialog);
    await visible(page.getByRole("cell", { name: AGENT.email }));

    // the same email again is refused, and the dialog says why
    await page.getByRole("button", { name: "New user" }).click();
    const again = await visible(page.getByRole("dialog", { name: "New user" }));
    await again.getByLabel("Name").fill("Someone Else");
    await again.getByLabel("Email").fill(AGENT.email);
    await again.getByRole("button", { name: "Create user" }).click();
    await visible(again.locator(".field-error, [role='alert']"));
    await page.keyboard.press("Escape");
    await hidden(again);

    // keyboard only: Tab stays inside the dialog, Esc closes it and focus returns to the opener
    await page.getByRole("button", { name: "New user" }).focus();
    await page.keyboard.press("Enter");
    await visible(page.getByRole("dialog", { name: "New user" }));
    for (let i = 0; i < 12; i++) await page.keyboard.press("Tab");
    expect(await page.evaluate<boolean>("Boolean(document.activeElement?.closest('[role=dialog]'))")).toBe(true);
    await page.keyboard.press("Escape");
    await hidden(page.getByRole("dialog"));
    expect(await page.evaluate<string>("document.activeElement?.textContent ?? ''")).toContain("New user");

    // search narrows the list
    await page.getByRole("searchbox", { name: "Search users" }).fill("grace");
    await hidden(page.getByRole("cell", { name: ADMIN.email }));
    await visible(page.getByRole("cell", { name: AGENT.email }));
    await screenshot("admin-users.png");
  });

  it("creates the group Network Ops and adds the user to it", async () => {
    await openAdminTab("Groups", "Groups");
    await page.getByRole("button", { name: "New group" }).click();
    const dialog = await visible(page.getByRole("dialog", { name: "New group" }));
    await dialog.getByLabel("Name").fill("Network Ops");
    await dialog.getByLabel("Email").fill("netops@example.com");
    await dialog.getByLabel("Description").fill("Routers, switches, firewalls and the WAN.");
    await dialog.getByRole("button", { name: "Create group" }).click();
    await hidden(dialog);

    await visible(page.getByRole("heading", { level: 1, name: "Network Ops" }));
    await page.getByRole("button", { name: "Add member" }).first().click();
    const add = await visible(page.getByRole("dialog", { name: "Add member to Network Ops" }));
    await add.getByRole("combobox", { name: "User" }).fill("Grace");
    await add.getByRole("option", { name: /Grace Hopper/ }).click();
    await add.getByRole("button", { name: "Add member" }).click();
    await hidden(add);

    const members = page.getByRole("table", { name: "Members of Network Ops" });
    await visible(members.getByRole("cell", { name: AGENT.email }));
    await screenshot("admin-group.png");

    // the user's page lists the group
    await members.getByRole("link", { name: AGENT.name }).click();
    await visible(page.getByRole("heading", { level: 1, name: AGENT.name }));
    await visible(page.getByRole("list", { name: `Groups of ${AGENT.name}` }).getByRole("link", { name: "Network Ops" }));
  });

  it("creates an API token, shows its secret once, and revokes it", async () => {
    await openAdminTab("API tokens", "API tokens");
    await page.getByRole("button", { name: "New token" }).click();
    const dialog = await visible(page.getByRole("dialog", { name: "New API token" }));
    await dialog.getByLabel("Name").fill("CI pipeline");
    await dialog.getByRole("button", { name: "Create token" }).click();

    const secretDialog = await visible(page.getByRole("dialog", { name: "Copy your new token" }));
    await visible(secretDialog.getByText("This is the only time the token is shown"));
    const secret = await secretDialog.getByRole("textbox").inputValue();
    expect(secret.length).toBeGreaterThan(16);
    await secretDialog.getByRole("button", { name: /Copy/ }).click();
    await secretDialog.getByRole("button", { name: "Done" }).click();
    await hidden(secretDialog);

    const row = page.getByRole("row").filter({ hasText: "CI pipeline" });
    await visible(row);
    // once closed, the secret is nowhere on the page
    expect(await page.content()).not.toContain(secret);

    await row.getByRole("button", { name: "Revoke CI pipeline" }).click();
    const confirm = await visible(page.getByRole("dialog", { name: "Revoke token" }));
    await confirm.getByRole("button", { name: "Revoke token" }).click();
    await hidden(confirm);
    await visible(row.getByText("Revoked", { exact: true }));
  });

  it("lists the changes in the audit log and shows before/after", async () => {
    await openAdminTab("Audit log", "Audit log");
    const table = page.getByRole("table", { name: "Audit log entries" });
    const entityCells = table.locator("tbody tr:not([aria-hidden]) td:nth-child(4)");
    await visible(entityCells);
    const entities = await entityCells.allInnerTexts();
    const groupEntity = entities.find((entity) => /group/i.test(entity));
    expect(groupEntity, `entities in the audit log: ${entities.join(", ")}`).toBeDefined();
    expect(entities.some((entity) => /user/i.test(entity))).toBe(true);

    // a search box with suggestions is a combobox, so find it by its label
    await page.getByLabel("Entity", { exact: true }).fill(groupEntity!);
    await expect.poll(async () => new Set(await entityCells.allInnerTexts()), { timeout: 10_000 }).toEqual(new Set([groupEntity]));

    await table.locator("tbody tr").first().click();
    const detail = await visible(page.getByRole("dialog"));
    await visible(detail.getByRole("columnheader", { name: /Before/ }));
    await visible(detail.getByRole("columnheader", { name: /After/ }));
    await screenshot("admin-audit.png");
    await page.keyboard.press("Escape");
    await hidden(detail);
  });

  it("collapses the navigation into a menu on a narrow screen", async () => {
    await page.setViewportSize({ width: 390, height: 780 });
    const nav = page.getByRole("navigation", { name: "Main" });
    await hidden(nav.getByRole("link", { name: "Operations" }));
    await page.getByRole("button", { name: "Open navigation" }).click();
    await visible(nav.getByRole("link", { name: "Operations" }));
    await page.keyboard.press("Escape");
    await hidden(nav.getByRole("link", { name: "Operations" }));
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("changes the password from the account menu", async () => {
    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("menuitem", { name: "Change password" }).click();
    const dialog = await visible(page.getByRole("dialog", { name: "Change password" }));
    await dialog.getByLabel("Current password").fill("not-my-password");
    await dialog.getByLabel("New password", { exact: true }).fill("difference-engine-1822");
    await dialog.getByLabel("Confirm new password").fill("difference-engine-1822");
    await dialog.getByRole("button", { name: "Change password" }).click();
    // the server's wrong-password answer lands on the field it is about
    await visible(dialog.locator(".field-error"));
    expect(await dialog.getByLabel("Current password").getAttribute("aria-invalid")).toBe("true");

    await dialog.getByLabel("Current password").fill(ADMIN.password);
    await dialog.getByRole("button", { name: "Change password" }).click();
    await hidden(dialog);
    ADMIN.password = "difference-engine-1822";
  });

  it("hides Admin from an agent", async () => {
    await signOut();
    await signIn(AGENT.email, AGENT.password);
    await visible(page.getByRole("heading", { level: 1, name: /^Good (morning|afternoon|evening), Grace$/ }));
    const nav = page.getByRole("navigation", { name: "Main" });
    await visible(nav.getByRole("link", { name: "Service desk" }));
    expect(await nav.getByRole("link", { name: "Admin" }).count()).toBe(0);
    await signOut();
    await signIn(ADMIN.email, ADMIN.password);
    await visible(homeHeading());
  });

  it("signs out at the end", async () => {
    await signOut();
    const me = await page.evaluate(async () => (await fetch("/api/v1/auth/me")).status);
    expect(me).toBe(401);
  });
});
