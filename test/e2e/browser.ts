/** What the browser tests share: a signed-in API client for setting up data, waiting and screenshots. */
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";

/** Where the screenshots the docs and README show are written. */
export const imagesDir = fileURLToPath(new URL("../../docs/images/", import.meta.url));

/** Runs the first-run setup with `admin` and returns an API client signed in as them (session cookie plus the CSRF header). */
export async function apiClient(baseUrl: string, admin: { name: string; email: string; password: string }) {
  const response = await fetch(`${baseUrl}/api/v1/setup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(admin) });
  expect(response.status).toBeLessThan(300);
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), cookie, "x-csrf-token": csrfToken },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** Waits until the locator's first match is visible. */
export async function visible(locator: Locator, timeout = 10_000): Promise<Locator> {
  await locator.first().waitFor({ state: "visible", timeout });
  return locator;
}

/** Screenshot of a page for the docs, with notifications dismissed and fonts loaded. */
export async function screenshotPage(page: Page, name: string, fullPage = true): Promise<void> {
  const dismiss = page.getByRole("button", { name: "Dismiss notification" });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.mouse.move(0, 0);
  await page.evaluate("document.fonts.ready.then(() => true)");
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${imagesDir}${name}`, fullPage });
}

/** Starts the machine's Chromium headless, as every browser test runs it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

/** A page in a fresh context (its own cookies) on `baseURL`, light colours, 15 s per action. */
export async function openPage(browser: Browser, baseURL: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1360, height: 860 }, colorScheme: "light", ...options });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

/** Signs in through the sign-in form from the start page. */
export async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.goto("/");
  await visible(page.getByRole("heading", { name: "Sign in to OpsDesk" }));
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
