/**
 * Durability of the alert pipeline: a server killed with SIGKILL in the middle of an ingest
 * load, then restarted, still has every alert it answered 200 for.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "./helpers/test-db.js";
import { freePort, startCli, waitFor } from "./helpers/cli.js";
import { SYSTEM_ACTOR } from "../src/server/platform/auth/permissions.js";
import { createToken, createUser } from "../src/server/modules/users/index.js";
import { fingerprintOf } from "../src/server/modules/events/index.js";

describe("event ingest durability", () => {
  let tdb: TestDb;
  let dataDir: string;
  beforeEach(async () => {
    tdb = await createTestDb({ shared: true });
    dataDir = tdb.sqliteFile ? path.dirname(tdb.sqliteFile) : fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-events-"));
  });
  afterEach(async () => tdb.cleanup());

  const serve = async (port: number) => {
    const child = startCli(["serve", "--host", "127.0.0.1", "--port", String(port), "--data", dataDir], { DATABASE_URL: tdb.databaseUrl ?? "" });
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    await waitFor(`http://127.0.0.1:${port}/readyz`, 30_000);
    return { child, exited };
  };

  it("keeps every alert that got a 200 when the server is killed with SIGKILL mid-load", async () => {
    const user = await createUser(tdb.db, SYSTEM_ACTOR, { email: "prom@example.com", name: "Prometheus", role: "agent", password: "prometheus-pw", active: true });
    const { secret } = await createToken(tdb.db, SYSTEM_ACTOR, { name: "prometheus", userId: user.id });
    const port = await freePort();
    const first = await serve(port);
    const acknowledged = new Set<string>();
    const startsAt = new Date().toISOString();
    let sent = 0;
    let stop = false;
    const client = async (c: number) => {
      for (let b = 0; !stop; b++) {
        const batch: Array<{ labels: Record<string, string>; startsAt?: string }> = Array.from({ length: 20 }, (_, i) => ({ labels: { alertname: "Durable", client: String(c), batch: String(b), i: String(i), severity: "critical" } }));
        // The same alert in every batch: after its first copy, each is a repeat that is only counted.
        batch.push({ labels: { alertname: "Durable", client: String(c), heartbeat: "1" }, startsAt });
        sent += batch.length;
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${secret}` }, body: JSON.stringify(batch) });
          if (res.status === 200) for (const a of batch) acknowledged.add(fingerprintOf(a.labels));
        } catch {
          return; // the server is gone
        }
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    // Kill once a good number of batches has been answered, while requests are in flight.
    while (acknowledged.size < 2000) await new Promise((r) => setTimeout(r, 5));
    first.child.kill("SIGKILL");
    stop = true;
    await Promise.all(clients);
    await first.exited;
    expect(sent).toBeGreaterThan(acknowledged.size);

    const second = await serve(port);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v2/alerts?filter=alertname%3DDurable`, { headers: { authorization: `Bearer ${secret}` } });
      expect(res.status).toBe(200);
      const stored = new Set(((await res.json()) as Array<{ fingerprint: string }>).map((a) => a.fingerprint));
      const lost = [...acknowledged].filter((fp) => !stored.has(fp));
      expect(lost).toEqual([]);
      // Nothing half-written either: each stored alert has its history entry.
      const history = await tdb.db.selectFrom("alert_history").select("fingerprint").where("event", "=", "created").execute();
      expect(new Set(history.map((h) => h.fingerprint))).toEqual(new Set(stored));
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  }, 120_000);
});
