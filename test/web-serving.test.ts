import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

describe("serving the web UI", () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-web-"));
    fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html><div id=root></div>");
    fs.mkdirSync(path.join(dir, "assets"));
    fs.writeFileSync(path.join(dir, "assets", "app-123.js"), "console.log(1)");
    t = await createTestApp({ webDir: dir });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("serves index.html at / and for deep links, with a strict CSP", async () => {
    for (const url of ["/", "/admin/users", "/cmdb/services/42"]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"]).toContain("text/html");
      expect(res.body).toContain('<div id=root>');
      expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    }
  });

  it("serves assets without authentication", async () => {
    const res = await t.app.inject({ url: "/assets/app-123.js" });
    expect(res.statusCode).toBe(200);
  });

  it("answers missing assets and unknown API paths with 404 JSON, not the page", async () => {
    expect((await t.app.inject({ url: "/assets/missing.js" })).statusCode).toBe(404);
    const api = await t.app.inject({ url: "/api/v1/nope", headers: t.admin.auth });
    expect(api.statusCode).toBe(404);
    expect(api.json().error).toBe("route.not_found");
  });
});

describe("caching of the web UI", () => {
  it("revalidates the page and caches hashed bundles for good", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-web-"));
    fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html>");
    fs.mkdirSync(path.join(dir, "assets"));
    fs.writeFileSync(path.join(dir, "assets", "app-1.js"), "1");
    const t = await createTestApp({ webDir: dir });
    try {
      expect((await t.app.inject({ url: "/" })).headers["cache-control"]).toBe("no-cache");
      expect((await t.app.inject({ url: "/admin/users" })).headers["cache-control"]).toBe("no-cache");
      expect((await t.app.inject({ url: "/assets/app-1.js" })).headers["cache-control"]).toContain("immutable");
    } finally {
      await t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
