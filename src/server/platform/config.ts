import path from "node:path";

/** Roles a process can take: `api` serves HTTP, `worker` runs jobs and dispatches the outbox. */
export type ProcessRole = "api" | "worker";

/** Runtime configuration, read once from flags and environment. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | null;
  roles: ProcessRole[];
  logLevel: string;
  trustProxy: boolean;
  sessionTtlHours: number;
  bodyLimitBytes: number;
  metricsToken: string | null;
  webDir: string | null;
  adminEmail: string | null;
  adminPassword: string | null;
  adminName: string;
  /** SQLite file: fold alerts on a thread of their own (events.fold-thread.ts). */
  foldThread: boolean;
  /** SQLite file: reconcile bulk CMDB batches on a thread of their own (modules/cmdb/bulk.thread.ts). */
  bulkThread: boolean;
  /** POST /api/v2/alerts from a known token answered beside Fastify's pipeline (modules/events/am.fastpath.ts). */
  fastIngest: boolean;
  /** Repeated cached GETs from a known token answered beside Fastify's pipeline (platform/http/cached-reads.ts). */
  fastReads: boolean;
  /** Memory for cached read answers (platform/http/response-cache.ts), in MiB; 0 turns the cache off. */
  responseCacheMb: number;
}

/** Flags a CLI command may pass; they win over the environment. */
export interface ConfigOverrides {
  host?: string;
  port?: number | string;
  dataDir?: string;
  databaseUrl?: string;
  roles?: string | ProcessRole[];
  logLevel?: string;
}

function switchFrom(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === "") return fallback;
  const v = value.trim().toLowerCase();
  if (["1", "true", "on", "yes"].includes(v)) return true;
  if (["0", "false", "off", "no"].includes(v)) return false;
  throw new Error(`${name} must be 1/true/on or 0/false/off, got "${value}"`);
}

function intFrom(value: string | number | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

/** Parses a role list such as "api,worker". */
export function parseRoles(value: string | ProcessRole[] | undefined): ProcessRole[] {
  if (value === undefined || value === "") return ["api", "worker"];
  const parts = Array.isArray(value) ? value : value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const p of parts) {
    if (p !== "api" && p !== "worker") throw new Error(`unknown role "${p}" (expected api, worker)`);
  }
  return [...new Set(parts)] as ProcessRole[];
}

/** Builds the configuration from overrides, then OPSDESK_* environment variables, then defaults. */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const port = intFrom(overrides.port ?? env.OPSDESK_PORT ?? env.PORT, 8080, "port");
  if (port > 65535) throw new Error(`port must be at most 65535, got ${port}`);
  return {
    host: overrides.host ?? env.OPSDESK_HOST ?? "0.0.0.0",
    port,
    dataDir: path.resolve(overrides.dataDir ?? env.OPSDESK_DATA ?? "data"),
    databaseUrl: overrides.databaseUrl ?? env.DATABASE_URL ?? null,
    roles: parseRoles(overrides.roles ?? env.OPSDESK_ROLE),
    logLevel: overrides.logLevel ?? env.OPSDESK_LOG_LEVEL ?? "info",
    trustProxy: env.OPSDESK_TRUST_PROXY === "1" || env.OPSDESK_TRUST_PROXY === "true",
    sessionTtlHours: intFrom(env.OPSDESK_SESSION_TTL_HOURS, 12, "OPSDESK_SESSION_TTL_HOURS"),
    bodyLimitBytes: intFrom(env.OPSDESK_BODY_LIMIT, 1024 * 1024, "OPSDESK_BODY_LIMIT"),
    metricsToken: env.OPSDESK_METRICS_TOKEN || null,
    webDir: env.OPSDESK_WEB_DIR || null,
    adminEmail: env.OPSDESK_ADMIN_EMAIL || null,
    adminPassword: env.OPSDESK_ADMIN_PASSWORD || null,
    adminName: env.OPSDESK_ADMIN_NAME || "Administrator",
    foldThread: switchFrom(env.OPSDESK_FOLD_THREAD, true, "OPSDESK_FOLD_THREAD"),
    bulkThread: switchFrom(env.OPSDESK_BULK_THREAD, true, "OPSDESK_BULK_THREAD"),
    fastIngest: switchFrom(env.OPSDESK_FAST_INGEST, true, "OPSDESK_FAST_INGEST"),
    fastReads: switchFrom(env.OPSDESK_FAST_READS, true, "OPSDESK_FAST_READS"),
    responseCacheMb: intFrom(env.OPSDESK_RESPONSE_CACHE_MB, 32, "OPSDESK_RESPONSE_CACHE_MB"),
  };
}
