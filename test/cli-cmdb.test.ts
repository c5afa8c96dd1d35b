import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "./helpers/test-db.js";
import { runCli } from "./helpers/cli.js";

describe("opsdesk cmdb and demo commands", () => {
  let tdb: TestDb;
  let env: NodeJS.ProcessEnv;
  let dataArgs: string[];
  let dir: string;
  beforeEach(async () => {
    tdb = await createTestDb({ shared: true });
    env = { DATABASE_URL: tdb.databaseUrl ?? "" };
    dataArgs = tdb.sqliteFile ? ["--data", path.dirname(tdb.sqliteFile)] : [];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-cli-cmdb-"));
  });
  afterEach(async () => {
    await tdb.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const ciCount = async () => Number((await tdb.db.selectFrom("cis").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  it("imports a CSV with a dry run first, reports bad rows, and exports what import reads", async () => {
    const file = path.join(dir, "servers.csv");
    fs.writeFileSync(file, ["name,serial_number,hostname,attr.cpu_count", "app-01,S-1,app-01,4", "app-02,S-2,app-02,lots", "app-03,S-3,app-03,8"].join("\n"));
    const dry = await runCli(["cmdb", "import", file, "--dry-run", "--class", "linux_server", ...dataArgs], env);
    expect(dry.stdout).toContain("dry run (nothing written): would have 3 rows");
    expect(dry.stdout).toContain("2 created");
    expect(dry.stdout).toContain('row 1: would create linux_server "app-01"');
    expect(dry.stdout).toMatch(/row 2 \(line 3\) attr\.cpu_count: .*not a number/);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toContain("1 of 3 rows were not imported");
    // Progress goes to stderr; stdout stays the summary.
    expect(dry.stderr).toMatch(/checking .*3 rows/);
    expect(await ciCount()).toBe(0);

    const real = await runCli(["cmdb", "import", file, "--class", "linux_server", ...dataArgs], env);
    expect(real.stdout).toContain("imported 3 rows");
    expect(await ciCount()).toBe(2);

    const out = path.join(dir, "export.csv");
    const exp = await runCli(["cmdb", "export", "--class", "server", "--out", out, ...dataArgs], env);
    expect(exp.code, exp.stderr).toBe(0);
    const csv = fs.readFileSync(out, "utf8");
    expect(csv.split("\n")[0]).toMatch(/^id,name,class,/);
    expect(csv).toContain("app-03");
    const again = await runCli(["cmdb", "import", out, "--json", ...dataArgs], env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).counts).toEqual({ rows: 2, created: 0, updated: 0, unchanged: 2, errors: 0 });

    const toStdout = await runCli(["cmdb", "export", ...dataArgs], env);
    expect(toStdout.stdout.trim().split("\n")).toHaveLength(3);
    const missing = await runCli(["cmdb", "import", path.join(dir, "nope.csv"), ...dataArgs], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot read");
  }, 60_000);

  it("loads the demo company once, however often it runs", async () => {
    const first = await runCli(["demo", ...dataArgs], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/demo data: \d{3} CIs created/);
    expect(first.stdout).toContain("user created: agent@demo.opsdesk.example (agent), password demo-agent-1");
    expect(first.stdout).toContain("demo tickets: 10 incidents and requests created");
    const n = await ciCount();
    expect(n).toBeGreaterThanOrEqual(190);
    const second = await runCli(["demo", ...dataArgs], env);
    expect(second.stdout).toMatch(/demo data: 0 CIs created, 0 updated, \d+ unchanged; 0 relationships created/);
    expect(second.stdout).not.toContain("demo tickets");
    expect(await ciCount()).toBe(n);
  }, 60_000);
});
