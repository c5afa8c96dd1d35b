import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { usePg } from "../../../../test/helpers/test-db.js";
import { SYSTEM_ACTOR, type Actor } from "../../platform/auth/permissions.js";
import { AppError } from "../../platform/errors.js";
import { bulkThreadFor, usesBulkThread } from "./bulk.thread.js";
import { importCisCsv } from "./csv.service.js";

// The thread exists on an SQLite file only (PostgreSQL and ":memory:" reconcile in process).
describe.skipIf(usePg)("the bulk thread (SQLite file)", () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });
  const fresh = async (bulkThread = true) => {
    const t = await createTestApp({ bulkThread }, { fileDb: true });
    apps.push(t);
    return t;
  };
  const server = (name: string) => ({ class: "linux_server", name, identifiers: { fqdn: `${name}.example.net` } });
  const bulk = (t: TestApp, payload: object) => t.app.inject({ method: "POST", url: "/api/v1/cmdb/bulk", headers: t.admin.auth, payload });
  const count = async (t: TestApp) => Number((await t.db.selectFrom("cis").select((e) => e.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  it("reconciles batches there, and the main thread reads what it committed at once", async () => {
    const t = await fresh();
    const res = await bulk(t, { cis: [server("t-1"), server("t-2")], relationships: [{ source: { ref: "x" }, type: "runs_on", target: { ref: "y" } }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().cis.map((c: { outcome: string }) => c.outcome)).toEqual(["created", "created"]);
    expect(res.json().relationships[0]).toMatchObject({ outcome: "error", error: { error: "cmdb.unknown_ref" } });
    expect(bulkThreadFor(t.db)?.alive).toBe(true);
    const ci = await t.app.inject({ url: `/api/v1/cis/${res.json().cis[0].id}`, headers: t.admin.auth });
    expect(ci.json()).toMatchObject({ name: "t-1", identifiers: { fqdn: "t-1.example.net" } });
    expect((await bulk(t, { cis: [server("t-1")] })).json().cis[0]).toMatchObject({ outcome: "unchanged", id: res.json().cis[0].id });
  });

  it("reconciles CSV imports there too, batch after batch, each seeing the rows before it", async () => {
    const t = await fresh();
    const thread = bulkThreadFor(t.db)!;
    const before = thread.answered;
    const csv = ["name,class,fqdn,cpu_count", "c-1,linux_server,c-1.example.net,2", "c-2,linux_server,c-2.example.net,2", "c-3,linux_server,c-3.example.net,many", "c-4,linux_server,c-4.example.net,4", "c-1,linux_server,c-1.example.net,2", "c-2b,linux_server,c-2.example.net,8", "c-5,linux_server,c-5.example.net,1"].join("\n");
    const progress: number[] = [];
    const result = await importCisCsv(t.db, SYSTEM_ACTOR, Readable.from([csv]), { batchSize: 2, onProgress: (p) => progress.push(p.rows) });
    expect(result.counts).toEqual({ rows: 7, created: 4, updated: 1, unchanged: 1, errors: 1 });
    expect(result.errors).toEqual([expect.objectContaining({ row: 3, error: "cmdb.invalid_attribute" })]);
    // Six rows convert (the third fails before reconciliation): three batches of two.
    expect(thread.answered - before).toBe(3);
    expect(progress.at(-1)).toBe(7);
    expect(await count(t)).toBe(4);
    // A dry run there writes nothing and reports what it would do.
    const dry = await importCisCsv(t.db, SYSTEM_ACTOR, Readable.from(["name,class,fqdn\nc-9,linux_server,c-9.example.net\nc-1,linux_server,c-1.example.net"]), { dryRun: true, batchSize: 1 });
    expect(dry.counts).toMatchObject({ created: 1, unchanged: 1 });
    expect(dry.changes?.map((c) => c.outcome)).toEqual(["created"]);
    expect(await count(t)).toBe(4);
  });

  it("stops an import at malformed CSV after the batch in flight, keeping the batches before it", async () => {
    const t = await fresh();
    const rows = Array.from({ length: 6 }, (_, i) => `m-${i},linux_server,m-${i}.example.net`);
    // Two chunks, as a request body arrives, the second later: the good rows are read (the parser may hold the last line back) before it meets the bad quote.
    const chunks = [["name,class,fqdn", ...rows].join("\n") + "\n", '"unclosed,linux_server,x.example.net\nm-9,linux_server,m-9.example.net'];
    async function* body() {
      yield chunks[0];
      await new Promise((r) => setTimeout(r, 200));
      yield chunks[1];
    }
    const err = await importCisCsv(t.db, SYSTEM_ACTOR, Readable.from(body()), { batchSize: 4 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: "cmdb.csv_malformed" });
    // The first batch of four was written (in flight when the parser failed); the rows gathered after it never were.
    const details = (err as AppError).details as { rows: number; created: number; committedRows: number };
    expect(details.rows).toBeGreaterThan(4);
    expect(details).toMatchObject({ created: 4, committedRows: 4 });
    expect(await count(t)).toBe(4);
  });

  it("carries an error thrown there back with its status, code and details", async () => {
    const t = await fresh();
    const requester: Actor = { ...SYSTEM_ACTOR, kind: "user", id: "u-1", role: "requester", permissions: new Set() };
    const err = await bulkThreadFor(t.db)!.reconcile(requester, { cis: [server("nope")] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 403, code: "auth.forbidden" });
    expect(await count(t)).toBe(0);
  });

  it("fails the batch of a thread that dies, releases its write lock, and starts another for the next batch", async () => {
    const t = await fresh();
    const first = bulkThreadFor(t.db)!;
    const many = Array.from({ length: 2000 }, (_, i) => server(`d-${i}`));
    // Killed with a batch in its hands: the batch fails, nothing of it stays.
    const dying = first.reconcile(SYSTEM_ACTOR, { cis: many });
    await first.terminate();
    await expect(dying).rejects.toThrow(/bulk thread exited/);
    expect(await count(t)).toBe(0);
    expect(first.alive).toBe(false);
    // The main thread can write (the lock is free) and the next batch gets a new thread.
    const single = await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: server("after-main") });
    expect(single.statusCode, single.body).toBe(201);
    const next = await bulk(t, { cis: [server("after-bulk")] });
    expect(next.statusCode, next.body).toBe(200);
    expect(bulkThreadFor(t.db)).not.toBe(first);
    expect(bulkThreadFor(t.db)?.alive).toBe(true);
  });

  it("after three deaths, reconciles in process", async () => {
    const t = await fresh();
    for (let i = 0; i < 3; i++) await bulkThreadFor(t.db)!.terminate();
    expect(bulkThreadFor(t.db)).toBeNull();
    const res = await bulk(t, { cis: [server("in-process")] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().cis[0].outcome).toBe("created");
  });

  it("ends with the app, and is not used when OPSDESK_BULK_THREAD is off", async () => {
    const t = await fresh();
    const thread = bulkThreadFor(t.db)!;
    await t.close();
    apps.splice(apps.indexOf(t), 1);
    expect(thread.alive).toBe(false);
    const off = await fresh(false);
    expect(usesBulkThread(off.db)).toBe(false);
    expect((await bulk(off, { cis: [server("off")] })).json().cis[0].outcome).toBe("created");
  });
});
