/**
 * Two OpsDesk nodes on one database open tickets at the same time: every number is handed
 * out once, per kind, and each node's acknowledged tickets are all there.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "./helpers/test-db.js";
import { freePort, startCli, waitFor } from "./helpers/cli.js";
import { SYSTEM_ACTOR } from "../src/server/platform/auth/permissions.js";
import { createToken, createUser } from "../src/server/modules/users/index.js";

describe("ticket numbers across nodes", () => {
  let tdb: TestDb;
  let dataDir: string;
  beforeEach(async () => {
    tdb = await createTestDb({ shared: true });
    dataDir = tdb.sqliteFile ? path.dirname(tdb.sqliteFile) : fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-nodes-"));
  });
  afterEach(async () => tdb.cleanup());

  const serve = async () => {
    const port = await freePort();
    const child = startCli(["serve", "--host", "127.0.0.1", "--port", String(port), "--data", dataDir, "--role", "api"], { DATABASE_URL: tdb.databaseUrl ?? "" });
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    await waitFor(`http://127.0.0.1:${port}/readyz`, 30_000);
    return { port, child, exited };
  };

  it("hands out every number once when two nodes create at the same time", async () => {
    const user = await createUser(tdb.db, SYSTEM_ACTOR, { email: "desk@example.com", name: "Desk", role: "agent", password: "desk-password-1", active: true });
    const { secret } = await createToken(tdb.db, SYSTEM_ACTOR, { name: "load", userId: user.id });
    const nodes = [await serve(), await serve()];
    try {
      const create = async (port: number, kind: string, i: number) => {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/${kind}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
          body: JSON.stringify({ title: `load ${port} ${i}` }),
        });
        expect(res.status).toBe(201);
        return ((await res.json()) as { number: string }).number;
      };
      const work: Array<Promise<string>> = [];
      for (let i = 0; i < 60; i++) for (const node of nodes) work.push(create(node.port, i % 3 === 0 ? "requests" : "incidents", i));
      const numbers = await Promise.all(work);
      expect(new Set(numbers).size).toBe(numbers.length);
      const incidents = numbers.filter((n) => n.startsWith("INC")).sort();
      expect(incidents[0]).toBe("INC0001001");
      expect(incidents).toHaveLength(80);
      const stored = await tdb.db.selectFrom("tickets").select("number").execute();
      expect(new Set(stored.map((s) => s.number))).toEqual(new Set(numbers));
    } finally {
      for (const node of nodes) node.child.kill("SIGTERM");
      await Promise.all(nodes.map((n) => n.exited));
    }
  }, 120_000);
});
