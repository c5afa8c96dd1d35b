import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "./helpers/test-db.js";
import { freePort, runCli, runNode, startCli, waitFor } from "./helpers/cli.js";
import { findUserByEmail } from "../src/server/modules/users/index.js";
import { actorFromToken } from "../src/server/platform/auth/authenticate.js";
import { parseExpiry } from "../src/cli/token.js";

describe("opsdesk CLI", () => {
  let tdb: TestDb;
  let env: NodeJS.ProcessEnv;
  let dataArgs: string[];
  beforeEach(async () => {
    tdb = await createTestDb({ shared: true });
    env = { DATABASE_URL: tdb.databaseUrl ?? "" };
    dataArgs = tdb.sqliteFile ? ["--data", path.dirname(tdb.sqliteFile)] : [];
  });
  afterEach(async () => tdb.cleanup());

  it("builds its command tree without loading the server: each command loads what it needs when it runs", async () => {
    // CommonJS packages that only a running command needs; loaded, they show in require's cache.
    const probe = `
      const { createRequire } = await import("node:module");
      const { buildProgram } = await import("./src/cli/index.ts");
      buildProgram().helpInformation();
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(["fastify", "better-sqlite3", "pg", "@node-rs/argon2"].filter((p) => loaded.some((f) => f.includes(\`/node_modules/\${p}/\`)))));`;
    const res = await runNode(["--import", "tsx", "--input-type=module", "-e", probe]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual([]);
  }, 30_000);

  it("prints help for every command", async () => {
    for (const args of [["--help"], ["serve", "--help"], ["migrate", "--help"], ["user", "create", "--help"], ["token", "create", "--help"]]) {
      const res = await runCli(args);
      expect(res.code, args.join(" ")).toBe(0);
      expect(res.stdout).toContain("Usage: opsdesk");
    }
    const main = await runCli(["--help"]);
    for (const cmd of ["serve", "migrate", "user", "token"]) expect(main.stdout).toContain(cmd);
    const serve = await runCli(["serve", "--help"]);
    for (const flag of ["--host", "--port", "--data", "--role"]) expect(serve.stdout).toContain(flag);
  }, 60_000);

  it("creates a user with --password, and refuses bad input with a clear message", async () => {
    const ok = await runCli(["user", "create", "--email", "Ann@Example.com", "--name", "Ann", "--role", "agent", "--password", "ann-password", ...dataArgs], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("created agent ann@example.com");
    expect((await findUserByEmail(tdb.db, "ann@example.com"))?.role).toBe("agent");
    const dup = await runCli(["user", "create", "--email", "ann@example.com", "--name", "Ann", "--role", "agent", "--password", "ann-password", ...dataArgs], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("already exists");
    const role = await runCli(["user", "create", "--email", "x@example.com", "--name", "X", "--role", "god", "--password", "long-password", ...dataArgs], env);
    expect(role.code).toBe(1);
    expect(role.stderr).toContain("role");
    const missing = await runCli(["user", "create", "--name", "X", "--role", "agent"], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("--email");
  }, 60_000);

  it("reads the password from stdin when --password is not given", async () => {
    const res = await runCli(["user", "create", "--email", "bo@example.com", "--name", "Bo", "--role", "admin", ...dataArgs], env, "piped-password\n");
    expect(res.code, res.stderr).toBe(0);
    const row = await findUserByEmail(tdb.db, "bo@example.com");
    expect(row?.password_hash).toMatch(/^\$argon2id\$/);
  }, 30_000);

  it("creates a token that is printed once and authenticates", async () => {
    await runCli(["user", "create", "--email", "ci@example.com", "--name", "CI", "--role", "agent", "--password", "ci-password", ...dataArgs], env);
    const res = await runCli(["token", "create", "--user", "ci@example.com", "--name", "pipeline", "--expires", "30d", ...dataArgs], env);
    expect(res.code, res.stderr).toBe(0);
    const secret = res.stdout.trim();
    expect(secret).toMatch(/^odt_/);
    const actor = await actorFromToken(tdb.db, secret, null);
    expect(actor?.email).toBe("ci@example.com");
    const row = await tdb.db.selectFrom("api_tokens").selectAll().executeTakeFirstOrThrow();
    expect(row.name).toBe("pipeline");
    expect(new Date(row.expires_at!).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const nobody = await runCli(["token", "create", "--user", "ghost@example.com", ...dataArgs], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain("no user with email ghost@example.com");
  }, 60_000);

  it("parses token expiry as a duration or a date", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseExpiry("12h", now)).toBe("2026-01-01T12:00:00.000Z");
    expect(parseExpiry("2027-03-01", now)).toBe("2027-03-01T00:00:00.000Z");
    expect(() => parseExpiry("soon", now)).toThrow(/neither a date nor a duration/);
  });
});

describe("opsdesk serve", () => {
  let tdb: TestDb;
  beforeEach(async () => {
    tdb = await createTestDb({ shared: true, migrate: false });
  });
  afterEach(async () => tdb.cleanup());

  it("migrates, creates the admin from the environment, serves, and exits cleanly on SIGTERM", async () => {
    const port = await freePort();
    const dataDir = tdb.sqliteFile ? path.dirname(tdb.sqliteFile) : fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-serve-"));
    const child = startCli(["serve", "--host", "127.0.0.1", "--port", String(port), "--data", dataDir], {
      DATABASE_URL: tdb.databaseUrl ?? "",
      OPSDESK_ADMIN_EMAIL: "root@example.com",
      OPSDESK_ADMIN_PASSWORD: "root-password",
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await waitFor(`http://127.0.0.1:${port}/readyz`);
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "root@example.com", password: "root-password" }),
      });
      expect(login.status).toBe(200);
      expect(login.headers.get("set-cookie")).toMatch(/opsdesk_session=.*HttpOnly/i);
      const setup = await (await fetch(`http://127.0.0.1:${port}/api/v1/setup`)).json();
      expect(setup).toEqual({ needed: false });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited, stderr).toBe(0);
  }, 60_000);

  it("refuses an invalid port or role with a clear message", async () => {
    const port = await runCli(["serve", "--port", "99999"]);
    expect(port.code).toBe(1);
    expect(port.stderr).toContain("port must be at most 65535");
    const role = await runCli(["serve", "--role", "api,cook"]);
    expect(role.code).toBe(1);
    expect(role.stderr).toContain('unknown role "cook"');
  }, 30_000);
});
