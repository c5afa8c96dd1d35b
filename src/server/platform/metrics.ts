/** Prometheus metrics of OpsDesk itself: HTTP traffic, the job queue, caches and SQLite's WAL restarts. */
import { Counter, Histogram, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { FastifyInstance } from "fastify";
import type { Db } from "./db/schema.js";
import { responseCacheStats } from "./http/response-cache.js";
import { checkpointerStats, onWalRestartHold } from "./db/db.js";

/** One registry per app, so tests can build many apps in one process. */
export function createMetrics(db: Db) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "opsdesk_" });
  const requests = new Counter({
    name: "opsdesk_http_requests_total",
    help: "HTTP requests by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "opsdesk_http_request_duration_seconds",
    help: "HTTP request latency by method and route",
    labelNames: ["method", "route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: "opsdesk_jobs",
    help: "Jobs by state (queued, running, failed)",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.selectFrom("jobs").select(["state", db.fn.countAll<number>().as("n")]).where("state", "!=", "done").groupBy("state").execute();
      for (const state of ["queued", "running", "failed"]) {
        this.set({ state }, Number(rows.find((r) => r.state === state)?.n ?? 0));
      }
    },
  });
  new Gauge({
    name: "opsdesk_outbox_pending",
    help: "Domain events not yet dispatched",
    registers: [registry],
    async collect() {
      const row = await db.selectFrom("outbox").select(db.fn.countAll<number>().as("n")).where("dispatched_at", "is", null).executeTakeFirst();
      this.set(Number(row?.n ?? 0));
    },
  });

  new Counter({
    name: "opsdesk_response_cache_requests_total",
    help: "Cached reads (ticket lists, searches, tickets, timelines) by result: hit, miss; not_modified counts 304s among them",
    labelNames: ["result"] as const,
    registers: [registry],
    collect() {
      const stats = responseCacheStats(db);
      this.reset();
      this.inc({ result: "hit" }, stats.hits);
      this.inc({ result: "miss" }, stats.misses);
      this.inc({ result: "not_modified" }, stats.notModified);
    },
  });
  new Gauge({
    name: "opsdesk_response_cache_bytes",
    help: "Memory held by cached read answers",
    registers: [registry],
    collect() {
      this.set(responseCacheStats(db).bytes);
    },
  });

  // SQLite: the WAL restarts that held writes off (platform/db/db.ts, startCheckpointer).
  new Counter({
    name: "opsdesk_sqlite_wal_restarts_total",
    help: "SQLite WAL checkpoints finished with this process's writes held off, so that the WAL starts over",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(checkpointerStats(db)?.lockedRestarts ?? 0);
    },
  });
  // Each hold's length, as it happens: the total alone hides whether a few long holds or many
  // short ones made it (a request waits for the whole of the hold it meets).
  const holds = new Histogram({
    name: "opsdesk_sqlite_wal_restart_hold_seconds",
    help: "How long each of those checkpoints held this process's writes off",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const stopHolds = onWalRestartHold(db, (ms) => holds.observe(ms / 1000));
  new Counter({
    name: "opsdesk_sqlite_wal_restart_hold_seconds_total",
    help: "Time those checkpoints held this process's writes off",
    registers: [registry],
    collect() {
      this.reset();
      this.inc((checkpointerStats(db)?.heldMs ?? 0) / 1000);
    },
  });

  // prom-client hashes the label object on every call; a route has a handful of label
  // combinations, so each request looks its series up by one string instead.
  const requestSeries = new Map<string, { inc(): void }>();
  const durationSeries = new Map<string, { observe(value: number): void }>();

  /** Counts and times one answered request (`route` is the route pattern, never the raw URL). */
  function record(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route}`;
    let timer = durationSeries.get(key);
    if (!timer) durationSeries.set(key, (timer = duration.labels({ method, route })));
    const countKey = `${key} ${status}`;
    let counter = requestSeries.get(countKey);
    if (!counter) requestSeries.set(countKey, (counter = requests.labels({ method, route, status: String(status) })));
    counter.inc();
    timer.observe(seconds);
  }

  /** Times every request Fastify answers; stops listening to the checkpointer when the app closes. */
  function install(app: FastifyInstance): void {
    app.addHook("onClose", async () => stopHolds());
    app.addHook("onResponse", (request, reply, done) => {
      record(request.method, request.routeOptions.url ?? "unmatched", reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }
  return { registry, install, record };
}
export type Metrics = ReturnType<typeof createMetrics>;
