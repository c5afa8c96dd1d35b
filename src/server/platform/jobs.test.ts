import { spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../../test/helpers/test-db.js";
import { enqueueJob, JobRegistry, Worker } from "./jobs.js";
import { emit, EventBus, type DomainEvent } from "./outbox.js";
import { claimJobs, claimOutbox } from "./leases.js";
import { isoIn } from "./time.js";

function runWorkerProcess(tdb: TestDb, id: string): { done: Promise<string[]>; go(): void } {
  const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/worker-process.ts"], {
    env: { ...process.env, DATABASE_URL: tdb.databaseUrl ?? "", OPSDESK_TEST_SQLITE: tdb.sqliteFile ?? "", WORKER_ID: id, JOB_MS: "4" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const done = new Promise<string[]>((resolve, reject) => {
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker ${id} exited ${code}: ${err}`))));
  });
  return { done, go: () => child.stdin.end("go\n") };
}

describe("job leasing across processes", () => {
  let tdb: TestDb;
  beforeEach(async () => {
    tdb = await createTestDb({ shared: true });
  });
  afterEach(async () => tdb.cleanup());

  it("never runs the same job twice with two worker processes on one database", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push((await enqueueJob(tdb.db, { type: "test.record", payload: { i } }))!);
    const a = runWorkerProcess(tdb, "worker-a");
    const b = runWorkerProcess(tdb, "worker-b");
    // Give both processes time to load before they start claiming together.
    await new Promise((r) => setTimeout(r, 1500));
    a.go();
    b.go();
    const [ranA, ranB] = await Promise.all([a.done, b.done]);
    const all = [...ranA, ...ranB];
    expect(all).toHaveLength(300);
    expect(new Set(all).size).toBe(300);
    expect(new Set(all)).toEqual(new Set(ids));
    expect(ranA.length).toBeGreaterThan(0);
    expect(ranB.length).toBeGreaterThan(0);
    const states = await tdb.db.selectFrom("jobs").select("state").distinct().execute();
    expect(states.map((s) => s.state)).toEqual(["done"]);
  }, 60_000);
});

describe("jobs in one process", () => {
  let tdb: TestDb;
  let jobs: JobRegistry;
  let worker: Worker;
  beforeEach(async () => {
    tdb = await createTestDb();
    jobs = new JobRegistry();
    worker = new Worker({ db: tdb.db, jobs, events: new EventBus(), pollMs: 10 });
  });
  afterEach(async () => {
    await worker.stop();
    await tdb.cleanup();
  });

  it("runs a due job once and leaves future jobs alone", async () => {
    const seen: unknown[] = [];
    jobs.register("hello", async (job) => {
      seen.push(job.payload);
    });
    await enqueueJob(tdb.db, { type: "hello", payload: { n: 1 } });
    await enqueueJob(tdb.db, { type: "hello", payload: { n: 2 }, runAt: new Date(Date.now() + 3600_000) });
    await worker.tick();
    await worker.tick();
    expect(seen).toEqual([{ n: 1 }]);
  });

  it("enqueues a job with a dedupe key only once", async () => {
    expect(await enqueueJob(tdb.db, { type: "x", dedupeKey: "k1" })).not.toBeNull();
    expect(await enqueueJob(tdb.db, { type: "x", dedupeKey: "k1" })).toBeNull();
  });

  it("retries a failing job with backoff, then marks it failed with the error", async () => {
    let calls = 0;
    jobs.register("flaky", async () => {
      calls++;
      throw new Error("boom");
    });
    const id = (await enqueueJob(tdb.db, { type: "flaky", maxAttempts: 2 }))!;
    await worker.tick();
    let row = await tdb.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: "queued", attempts: 1, last_error: "boom" });
    expect(new Date(row.run_at).getTime()).toBeGreaterThan(Date.now());
    await tdb.db.updateTable("jobs").set({ run_at: new Date(Date.now() - 1).toISOString() }).where("id", "=", id).execute();
    await worker.tick();
    row = await tdb.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: "failed", attempts: 2, last_error: "boom" });
    expect(calls).toBe(2);
  });

  it("reclaims a job whose worker died holding the lease", async () => {
    const ran: string[] = [];
    jobs.register("orphan", async (job) => {
      ran.push(job.worker);
    });
    const id = (await enqueueJob(tdb.db, { type: "orphan" }))!;
    await tdb.db
      .updateTable("jobs")
      .set({ state: "running", locked_by: "dead-worker", locked_until: new Date(Date.now() - 1000).toISOString(), attempts: 1 })
      .where("id", "=", id)
      .execute();
    await worker.tick();
    expect(ran).toEqual([worker.id]);
  });

  it("does not steal a job whose lease is still valid", async () => {
    let ran = 0;
    jobs.register("busy", async () => {
      ran++;
    });
    const id = (await enqueueJob(tdb.db, { type: "busy" }))!;
    await tdb.db
      .updateTable("jobs")
      .set({ state: "running", locked_by: "other", locked_until: new Date(Date.now() + 60_000).toISOString() })
      .where("id", "=", id)
      .execute();
    await worker.tick();
    expect(ran).toBe(0);
  });

  it("finishes the job in flight when stopped", async () => {
    let finished = false;
    jobs.register("slow", async () => {
      await new Promise((r) => setTimeout(r, 300));
      finished = true;
    });
    const id = (await enqueueJob(tdb.db, { type: "slow" }))!;
    worker.start();
    // Wait until the worker holds the job, then stop it mid-run.
    for (let i = 0; i < 100; i++) {
      const row = await tdb.db.selectFrom("jobs").select("state").where("id", "=", id).executeTakeFirstOrThrow();
      if (row.state === "running") break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await worker.stop();
    expect(finished).toBe(true);
    const row = await tdb.db.selectFrom("jobs").select("state").where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.state).toBe("done");
  });
});

describe("transactional outbox", () => {
  let tdb: TestDb;
  let events: EventBus;
  let worker: Worker;
  beforeEach(async () => {
    tdb = await createTestDb();
    events = new EventBus();
    worker = new Worker({ db: tdb.db, jobs: new JobRegistry(), events });
  });
  afterEach(async () => tdb.cleanup());

  it("delivers events of committed transactions once, and never those of rolled-back ones", async () => {
    const got: DomainEvent[] = [];
    events.on("thing.happened", async (e) => {
      got.push(e);
    });
    await tdb.db.transaction().execute(async (trx) => emit(trx, { type: "thing.happened", payload: { n: 1 } }));
    await tdb.db
      .transaction()
      .execute(async (trx) => {
        await emit(trx, { type: "thing.happened", payload: { n: 2 } });
        throw new Error("rollback");
      })
      .catch(() => {});
    await worker.tick();
    await worker.tick();
    expect(got.map((e) => e.payload)).toEqual([{ n: 1 }]);
  });

  it("retries a failing handler later and keeps the error", async () => {
    let fail = true;
    const got: unknown[] = [];
    events.on("x", async (e) => {
      if (fail) throw new Error("handler down");
      got.push(e.payload);
    });
    await emit(tdb.db, { type: "x", payload: { ok: true } });
    await worker.tick();
    const row = await tdb.db.selectFrom("outbox").selectAll().executeTakeFirstOrThrow();
    expect(row.dispatched_at).toBeNull();
    expect(row.last_error).toBe("handler down");
    fail = false;
    await tdb.db.updateTable("outbox").set({ available_at: new Date(Date.now() - 1).toISOString() }).execute();
    await worker.tick();
    expect(got).toEqual([{ ok: true }]);
  });

  it("marks a round's handled events dispatched together, leaving a failed one for retry", async () => {
    const seen: number[] = [];
    events.on("n", async (e) => {
      seen.push(e.payload.n as number);
      if (e.payload.n === 2) throw new Error("two fails");
    });
    for (const n of [1, 2, 3]) await emit(tdb.db, { type: "n", payload: { n } });
    await emit(tdb.db, { type: "unhandled" });
    expect(await worker.tick()).toBe(4);
    expect(seen).toEqual([1, 2, 3]);
    const rows = await tdb.db.selectFrom("outbox").select(["payload", "dispatched_at", "last_error", "locked_by"]).orderBy("id").execute();
    expect(rows.map((r) => [JSON.parse(r.payload).n ?? null, r.dispatched_at !== null, r.last_error, r.locked_by])).toEqual([
      [1, true, null, null],
      [2, false, "two fails", null],
      [3, true, null, null],
      [null, true, null, null],
    ]);
    await worker.tick();
    expect(seen).toEqual([1, 2, 3]);
  });

  it("hands each run of consecutive events of a type to its batch handlers at once, in order, and retries a failed run one event at a time", async () => {
    const calls: Array<[string, number[]]> = [];
    const single: number[] = [];
    events.onBatch("b", async (batch) => {
      calls.push(["b", batch.map((e) => e.payload.n as number)]);
      if (batch.some((e) => e.payload.n === 3)) throw new Error("three fails");
    });
    events.on("b", async (e) => {
      single.push(e.payload.n as number);
    });
    events.onBatch("c", async (batch) => {
      calls.push(["c", batch.map((e) => e.payload.n as number)]);
    });
    for (const [type, n] of [["b", 1], ["b", 2], ["c", 10], ["b", 3], ["b", 4]] as const) await emit(tdb.db, { type, payload: { n } });
    expect(await worker.tick()).toBe(5);
    expect(calls).toEqual([["b", [1, 2]], ["c", [10]], ["b", [3, 4]], ["b", [3]], ["b", [4]]]);
    // The per-event handlers of the type still see each event, except the one whose batch failed.
    expect(single).toEqual([1, 2, 4]);
    const rows = await tdb.db.selectFrom("outbox").select(["payload", "dispatched_at", "last_error"]).orderBy("id").execute();
    expect(rows.map((r) => [JSON.parse(r.payload).n, r.dispatched_at !== null, r.last_error])).toEqual([
      [1, true, null],
      [2, true, null],
      [10, true, null],
      [3, false, "three fails"],
      [4, true, null],
    ]);
  });

  it("hands a round's events over in slices and lets waiting I/O callbacks run between them", async () => {
    const sliced = new Worker({ db: tdb.db, jobs: new JobRegistry(), events, outboxSliceSize: 2 });
    const log: string[] = [];
    events.onBatch("s", async (batch) => {
      log.push(batch.map((e) => e.payload.n).join(","));
      // Stands for a request that arrives while the round runs.
      setImmediate(() => log.push("io"));
    });
    for (const n of [1, 2, 3, 4, 5]) await emit(tdb.db, { type: "s", payload: { n } });
    expect(await sliced.tick()).toBe(5);
    expect(log.slice(0, 5)).toEqual(["1,2", "io", "3,4", "io", "5"]);
    const left = await tdb.db.selectFrom("outbox").select("id").where("dispatched_at", "is", null).execute();
    expect(left).toEqual([]);
  });

  it("writes user events to the outbox with the change", async () => {
    const { createUser } = await import("../modules/users/index.js");
    const { SYSTEM_ACTOR } = await import("./auth/permissions.js");
    const seen: string[] = [];
    events.on("*", async (e) => {
      seen.push(e.type);
    });
    await createUser(tdb.db, SYSTEM_ACTOR, { email: "e@example.com", name: "E", role: "agent" });
    await worker.tick();
    expect(seen).toEqual(["user.created"]);
  });
});

describe("claims", () => {
  let tdb: TestDb;
  beforeEach(async () => {
    tdb = await createTestDb();
  });
  afterEach(async () => tdb.cleanup());

  it("take at most their limit of due events, oldest first, then the rest; never a leased or a later one", async () => {
    for (let n = 1; n <= 7; n++) await emit(tdb.db, { type: "e", payload: { n } });
    await tdb.db.updateTable("outbox").set({ available_at: isoIn(3600_000) }).where("payload", "=", JSON.stringify({ n: 6 })).execute();
    const ns = (rows: Array<{ payload: string }>) => rows.map((r) => JSON.parse(r.payload).n);
    expect(ns(await claimOutbox(tdb.db, "w1", 2, 60_000))).toEqual([1, 2]);
    expect(ns(await claimOutbox(tdb.db, "w2", 3, 60_000))).toEqual([3, 4, 5]);
    expect(ns(await claimOutbox(tdb.db, "w2", 3, 60_000))).toEqual([7]);
    expect(await claimOutbox(tdb.db, "w1", 3, 60_000)).toEqual([]);
    // An expired lease is taken again.
    await tdb.db.updateTable("outbox").set({ locked_until: isoIn(-1000) }).where("locked_by", "=", "w1").execute();
    expect(ns(await claimOutbox(tdb.db, "w3", 5, 60_000))).toEqual([1, 2]);
  });

  it("take at most their limit of due jobs, earliest first, and a job whose lease expired", async () => {
    for (let n = 1; n <= 4; n++) await enqueueJob(tdb.db, { type: "j", payload: { n }, runAt: new Date(Date.now() - (10 - n) * 1000) });
    await enqueueJob(tdb.db, { type: "j", payload: { n: 5 }, runAt: new Date(Date.now() + 3600_000) });
    const ns = (rows: Array<{ payload: string }>) => rows.map((r) => JSON.parse(r.payload).n).sort();
    expect(ns(await claimJobs(tdb.db, "w1", 3, 60_000))).toEqual([1, 2, 3]);
    expect(ns(await claimJobs(tdb.db, "w2", 3, 60_000))).toEqual([4]);
    expect(await claimJobs(tdb.db, "w2", 3, 60_000)).toEqual([]);
    await tdb.db.updateTable("jobs").set({ locked_until: isoIn(-1000) }).where("locked_by", "=", "w1").execute();
    expect(ns(await claimJobs(tdb.db, "w3", 2, 60_000))).toEqual([1, 2]);
  });
});
