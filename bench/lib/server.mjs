// Runs the compiled OpsDesk server as a child process on a throw-away database, the way an
// operator would start it, so the benchmarks measure the product and not a test harness.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// BENCH_CLI: another build's CLI (e.g. one compiled with --outDir dist-b for an A/B in one tree).
/** A module of the compiled server (`dist/server/<relative>`, or of another build's `serverDir`), for benchmarks that run its services in process. */
export const serverModule = (relative, serverDir = path.join(ROOT, "dist", "server")) => import(pathToFileURL(path.join(serverDir, relative)).href);

/**
 * Runs `work({ db, file })` on a fresh SQLite file in a temporary directory, opened by this
 * process from dist/ (or `serverDir`: another build's dist/server), migrated, with the default
 * CMDB classes, for the in-process benchmarks; closes and deletes it afterwards, whatever happens.
 */
export async function withInProcessDb(prefix, work, serverDir = undefined) {
  const { openDb } = await serverModule("platform/db/db.js", serverDir);
  const { migrateToLatest } = await serverModule("platform/db/migrate.js", serverDir);
  const { ensureCmdbDefaults } = await serverModule("modules/cmdb/classes.service.js", serverDir);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const file = path.join(dir, "opsdesk.sqlite");
  const db = openDb({ sqliteFile: file });
  try {
    await migrateToLatest(db);
    await ensureCmdbDefaults(db);
    return await work({ db, file });
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const CLI = process.env.BENCH_CLI ? path.resolve(process.env.BENCH_CLI) : path.join(ROOT, "dist", "cli", "index.js");
export const ADMIN = { email: "admin@example.com", password: "benchpass123" };
const DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/test";

// What a benchmark has running or created, so an interrupted run (Ctrl-C, a closed pipe, a
// crash) leaves no server behind and, where it still can, no database either.
const live = { servers: new Set(), dbs: new Set() };

async function cleanUpAndExit(code) {
  for (const s of live.servers) s.child.kill("SIGTERM");
  await Promise.race([Promise.all([...live.servers].map((s) => s.exited)), sleep(5000)]);
  await Promise.all([...live.dbs].map((db) => db.drop().catch(() => {})));
  process.exit(code);
}
process.once("SIGINT", () => cleanUpAndExit(130));
process.once("SIGTERM", () => cleanUpAndExit(143));
// `npm run bench -- x | head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on("error", (err) => cleanUpAndExit(err.code === "EPIPE" ? 0 : 1));
process.on("exit", () => {
  for (const s of live.servers) s.child.kill("SIGKILL");
  for (const db of live.dbs) {
    fs.rmSync(db.dataDir, { recursive: true, force: true });
    if (db.kind === "pg") process.stderr.write(`note: PostgreSQL schema ${db.schema} was left behind; drop it by hand\n`);
  }
});

/** Compiles the server (`npm run build:server`) unless told not to; fails when there is nothing to run. */
export function ensureBuild({ build = true } = {}) {
  if (build) {
    process.stderr.write("building the server (npm run build:server; pass --no-build to skip)...\n");
    const res = spawnSync("npm", ["run", "--silent", "build:server"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    // tsc still writes dist/ when it reports type errors, and src/ may be mid-edit by others.
    if (res.status !== 0 && fs.existsSync(CLI)) process.stderr.write("warning: the build reported errors; measuring what it emitted\n");
  }
  if (!fs.existsSync(CLI)) throw new Error(`${path.relative(ROOT, CLI)} is missing; run npm run build:server`);
}

/** The commit measured, and whether src/ differs from it, so a result can be traced to its code. */
export function codeVersion() {
  const git = (...args) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD");
  if (head.status !== 0) return "unknown (not a git checkout)";
  const dirty = git("status", "--porcelain", "--", "src", "package-lock.json").stdout.trim() !== "";
  return `commit ${head.stdout.trim()}${dirty ? " + uncommitted changes in src/" : ""}`;
}

/** A TCP port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A fresh, empty database: a temporary data directory for SQLite, or a new schema
 * `bench_<random>` for PostgreSQL (BENCH_DATABASE_URL, default the local `test` database).
 */
export async function freshDatabase(kind) {
  const db = await createDatabase(kind);
  live.dbs.add(db);
  const drop = db.drop;
  db.drop = async () => {
    live.dbs.delete(db);
    await drop();
  };
  return db;
}

async function createDatabase(kind) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-bench-"));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (kind === "sqlite") return { kind, label: "SQLite (WAL, temp dir)", dataDir, env: {}, drop: async () => removeDir() };
  if (kind !== "pg") {
    removeDir();
    throw new Error(`unknown database "${kind}" (sqlite or pg)`);
  }

  const { default: pg } = await import("pg");
  const baseUrl = process.env.BENCH_DATABASE_URL || DEFAULT_PG_URL;
  const schema = `bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const sep = baseUrl.includes("?") ? "&" : "?";
  const databaseUrl = `${baseUrl}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const drop = async () => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    try {
      await c.query(`drop schema if exists ${schema} cascade`);
    } finally {
      await c.end();
      removeDir();
    }
  };
  return { kind, label: `PostgreSQL (schema ${schema}, ${redact(baseUrl)})`, dataDir, schema, env: { DATABASE_URL: databaseUrl }, drop };
}

function redact(url) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

/** The parent's environment minus anything that would point the server elsewhere. */
function cleanEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key === "DATABASE_URL" || key.startsWith("OPSDESK_") || key === "NODE_OPTIONS") delete env[key];
  // Deliberate settings for an A/B run: BENCH_SERVER_ENV="OPSDESK_FOLD_THREAD=0 NODE_OPTIONS=--max-semi-space-size=64".
  for (const pair of (process.env.BENCH_SERVER_ENV ?? "").split(/\s+/).filter(Boolean)) {
    const eq = pair.indexOf("=");
    if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/**
 * Spawns `node dist/cli/index.js serve` on the given database. Its output goes to a log file
 * rather than a pipe, so the benchmark process spends no CPU reading it.
 */
export async function spawnServer(db, { admin = false, nodeArgs = [], port } = {}) {
  port ??= await freePort();
  const logFile = path.join(db.dataDir, `server-${port}.log`);
  const out = fs.openSync(logFile, "a");
  const env = { ...cleanEnv(), ...db.env, ...(admin ? { OPSDESK_ADMIN_EMAIL: ADMIN.email, OPSDESK_ADMIN_PASSWORD: ADMIN.password } : {}) };
  const extra = (process.env.BENCH_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  const args = [...extra, ...nodeArgs, CLI, "serve", "--host", "127.0.0.1", "--port", String(port), "--data", db.dataDir];
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const server = { child, pid: child.pid, port, baseUrl: `http://127.0.0.1:${port}`, startedAt, exited, logFile };
  live.servers.add(server);
  exited.then(() => live.servers.delete(server));
  return server;
}

/** Resolves with the time (performance.now()) of the first /readyz 200; rejects if the server dies. */
export async function waitReady(server, { timeoutMs = 30_000, pollMs = 5 } = {}) {
  let dead = null;
  server.exited.then((how) => (dead = how));
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (dead) throw new Error(`server exited (${dead.code ?? dead.signal}) before it was ready; its log ends:\n${tail(server.logFile)}`);
    const res = await request(`${server.baseUrl}/readyz`).catch(() => null);
    if (res?.status === 200) return performance.now();
    await sleep(pollMs);
  }
  throw new Error(`server not ready after ${timeoutMs} ms; its log ends:\n${tail(server.logFile)}`);
}

/** SIGTERM, then SIGKILL if the graceful stop takes longer than `graceMs`. */
export async function stopServer(server, { graceMs = 15_000 } = {}) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.exited;
  server.child.kill("SIGTERM");
  const timer = setTimeout(() => server.child.kill("SIGKILL"), graceMs);
  const how = await server.exited;
  clearTimeout(timer);
  return how;
}

function tail(file, lines = 15) {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** One HTTP request on a fresh connection (setup traffic only, never the measured load). */
export function request(url, { method = "GET", headers = {}, body } = {}) {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const allHeaders = { ...headers, ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}) };
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: allHeaders, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on("error", reject);
    req.end(payload);
  });
}

async function json(res, what) {
  if (res.status < 200 || res.status > 299) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text);
}

/**
 * Signs in as the bench admin over HTTP, creates an API token and a group, and returns what an
 * authenticated GET needs: the bearer header and the paths of a small group and user resource.
 */
export async function prepareApiClient(server) {
  const login = await request(`${server.baseUrl}/api/v1/auth/login`, { method: "POST", body: ADMIN });
  const session = await json(login, "login");
  const cookie = String(login.headers["set-cookie"]?.[0] ?? "").split(";")[0];
  const sessionHeaders = { cookie, "x-csrf-token": session.csrfToken };
  const token = await json(await request(`${server.baseUrl}/api/v1/tokens`, { method: "POST", headers: sessionHeaders, body: { name: "bench" } }), "create token");
  const auth = { authorization: `Bearer ${token.secret}` };
  const group = await json(await request(`${server.baseUrl}/api/v1/groups`, { method: "POST", headers: auth, body: { name: "Bench" } }), "create group");
  return { headers: auth, paths: { group: `/api/v1/groups/${group.id}`, user: `/api/v1/users/${session.user.id}` } };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
