// CMDB at scale: bulk-loads a synthetic company graph (1,000,000 CIs, 3,000,000 relationships), then measures downstream impact and filtered CI lists; SQLite and PostgreSQL.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { percentile } from "./lib/load.mjs";
import { cpuSecondsBetween, cpuSecondsByName, machineLines, processCpuSeconds, threadsCpuLines, threadsCpuSeconds } from "./lib/machine.mjs";
import { profileLines, summarizeProfile } from "./lib/cpuprofile.mjs";
import { ms, parseOptions, print, reportFailure, targetLine, UsageError } from "./lib/report.mjs";
import { companyCsv, importCsv } from "./lib/cmdb-csv.mjs";
import { codeVersion, ensureBuild, freshDatabase, prepareApiClient, ROOT, spawnServer, stopServer, waitReady } from "./lib/server.mjs";
import { rng } from "./lib/rng.mjs";

const TARGET_CIS_PER_S = 20_000;
const TARGET_IMPACT_P50_MS = 10;
const TARGET_IMPACT_P99_MS = 50;
const TARGET_LIST_MS = 50;
const TARGET_CSV_S_PER_100K = 30;
// The server's default body limit (OPSDESK_BODY_LIMIT): batches are sized to fit it, as a user's would be.
const BODY_LIMIT = 1024 * 1024;
// While the CIs load: one small authenticated read this often (GET /api/v1/groups).
const PROBE_EVERY_MS = 20;

const USAGE = `usage: npm run bench -- cmdb-load [options]
  --cis N              CIs to load, in pods of 1,000 (default 1000000; e.g. 20000 for a quick run);
                       3 relationships per CI
  --db sqlite|pg|both  database(s), one after the other (default both)
  --batch N            CIs per bulk request (default 1000; bodies must fit the 1 MiB default limit)
  --rel-batch N        relationships per bulk request (default 5000)
  --concurrency N      bulk requests in flight at once (default 2)
  --impact-runs N      measured impact requests (default 300, after 30 warm-up)
  --list-runs N        measured requests per list query (default 30, after 3 warm-up)
  --csv-rows N         first, on a database of its own: import N rows of the same company as CSV
                       through POST /api/v1/cmdb/import, dry run then for real (default 100000; 0 skips)
  --csv-only           only the CSV import
  --cpu-prof           run both servers (load, then reads) under node --cpu-prof; print where their time went
  --no-build           measure the existing dist/ instead of running npm run build:server
PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a fresh
schema bench_<random> is created for the run and dropped afterwards.`;

function options() {
  const values = parseOptions(
    {
      cis: { type: "string", default: "1000000" },
      db: { type: "string", default: "both" },
      batch: { type: "string", default: "1000" },
      "rel-batch": { type: "string", default: "5000" },
      concurrency: { type: "string", default: "2" },
      "impact-runs": { type: "string", default: "300" },
      "list-runs": { type: "string", default: "30" },
      "csv-rows": { type: "string", default: "100000" },
      "csv-only": { type: "boolean", default: false },
      "cpu-prof": { type: "boolean", default: false },
      "no-build": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  const dbs = values.db === "both" ? ["sqlite", "pg"] : [values.db];
  if (!dbs.every((d) => d === "sqlite" || d === "pg")) throw new UsageError(`--db must be sqlite, pg or both\n${USAGE}`);
  const int = (name, min, max = Infinity) => {
    const n = Number(values[name].replace(/[_,]/g, ""));
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}\n${USAGE}`);
    return n;
  };
  return {
    dbs,
    pods: Math.max(2, Math.round(int("cis", 2000) / POD_CIS)),
    batch: int("batch", 1, 5000),
    relBatch: int("rel-batch", 1, 20000),
    concurrency: int("concurrency", 1, 16),
    impactRuns: int("impact-runs", 1),
    listRuns: int("list-runs", 1),
    csvPods: Math.round(int("csv-rows", 0) / POD_CIS),
    csvOnly: values["csv-only"],
    cpuProf: values["cpu-prof"],
    build: !values["no-build"],
  };
}

// ---------- the synthetic company ----------
//
// The company is made of pods of exactly 1,000 CIs and 3,000 relationships, the way a data
// centre is made of racks: a storage array and two switches under ten hypervisors, 300 VMs,
// 600 applications (web servers, app servers, middleware, databases) in 20 application
// services, two business services, a Kubernetes cluster with its nodes and workloads, a load
// balancer and some laptops. Business services also depend on an application service of the
// previous pod, so the graph is one company, not a thousand islands. Everything comes from a
// seeded generator: the same --cis gives the same data on every run and database.

export const POD_CIS = 1000;
const POD_RELS = 3000;
const HYPERVISORS = 10;
const VMS = 300;
const APPS = 600;
const APP_SERVICES = 20;
const BUSINESS_SERVICES = 2;
const K8S_NODES = 10;
const WORKLOADS = 40;
const FIRST_APP_SERVICE = 1 + 2 + 1 + HYPERVISORS + VMS + APPS;
const LAPTOPS = POD_CIS - (1 + 2 + 1 + HYPERVISORS + VMS + APPS + APP_SERVICES + BUSINESS_SERVICES + 1 + K8S_NODES + WORKLOADS);

const WORDS = ["billing", "payments", "orders", "catalog", "search", "checkout", "identity", "crm", "erp", "hr", "payroll", "ledger", "shipping", "inventory", "pricing", "reports", "mail", "chat", "wiki", "portal", "claims", "quotes", "loyalty", "fraud"];
const ENVS = ["production", "production", "production", "staging", "development"];
const CRIT = ["low", "medium", "medium", "high", "critical"];
const hex = (n, width) => n.toString(16).padStart(width, "0");

/**
 * Pod `p`: its CIs (bulk items with a `ref` equal to their global index) and relationships
 * as [sourceIndex, type, targetIndex] in global CI indices.
 */
export function pod(p, groups) {
  const r = rng(p * 7919 + 17);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const base = p * POD_CIS;
  const cis = [];
  const rels = [];
  const dc = `dc${1 + (p % 4)}`;
  const domain = `${dc}.corp.example`;
  const net = (i) => {
    const n = p * 512 + i;
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  };
  const mac = (kind, i) => `02:${hex(kind, 2)}:${hex((p >> 8) & 255, 2)}:${hex(p & 255, 2)}:${hex((i >> 8) & 255, 2)}:${hex(i & 255, 2)}`;
  const serial = (prefix, i) => `${prefix}${hex(p, 5).toUpperCase()}${hex(i, 3).toUpperCase()}`;
  const status = () => (r() < 0.93 ? "up" : pick(["degraded", "down", "unknown"]));
  const lifecycle = () => (r() < 0.9 ? "in_service" : pick(["planned", "maintenance", "retired"]));
  const owner = () => ({ ownerGroupId: pick(groups), supportGroupId: pick(groups) });
  const add = (ci) => {
    const index = base + cis.length;
    cis.push({ ref: String(index), ...ci });
    return index;
  };
  const link = (source, type, target) => rels.push([source, type, target]);

  const storage = add({ class: "storage", name: `san-${dc}-p${p}`, environment: "production", criticality: "critical", lifecycleStatus: "in_service", operationalStatus: "up", ...owner(),
    attributes: { manufacturer: pick(["NetApp", "Dell EMC", "Pure Storage", "HPE"]), model: pick(["AFF A400", "PowerStore 1200", "FlashArray X50", "Nimble HF40"]), capacity_gb: 50_000 + Math.floor(r() * 200_000), storage_type: "san" },
    identifiers: { serialNumber: serial("SAN", 0), fqdn: `san-p${p}.${domain}`, ipAddresses: [net(2)] } });
  const switches = [0, 1].map((i) => add({ class: "switch", name: `tor-${dc}-p${p}-${i + 1}`, environment: "production", criticality: "high", lifecycleStatus: "in_service", operationalStatus: status(), ...owner(),
    attributes: { manufacturer: "Arista", model: "7050SX3", firmware_version: `4.${28 + (p % 4)}.1F`, port_count: 48 },
    identifiers: { serialNumber: serial("SW", i), fqdn: `tor${i + 1}-p${p}.${domain}`, macAddresses: [mac(1, i)], ipAddresses: [net(3 + i)] } }));
  const lb = add({ class: "load_balancer", name: `lb-${dc}-p${p}`, environment: "production", criticality: "high", lifecycleStatus: "in_service", operationalStatus: "up", ...owner(),
    attributes: { manufacturer: "F5", model: "BIG-IP i5800", vip: net(10) }, identifiers: { serialNumber: serial("LB", 0), fqdn: `lb-p${p}.${domain}`, ipAddresses: [net(5)] } });
  link(lb, "depends_on", switches[0]);
  const hypervisors = [];
  for (let i = 0; i < HYPERVISORS; i++) {
    const h = add({ class: "linux_server", name: `esx-${dc}-p${p}-${hex(i, 2)}`, environment: "production", criticality: "high", lifecycleStatus: lifecycle(), operationalStatus: status(), ...owner(),
      attributes: { os: "VMware ESXi", os_version: pick(["7.0U3", "8.0U1", "8.0U2"]), cpu_count: pick([32, 48, 64]), memory_mb: pick([262144, 524288, 786432]), manufacturer: pick(["Dell", "HPE", "Lenovo"]), model: pick(["R750", "DL380 Gen10", "SR650"]), virtual: false, distribution: "esxi" },
      identifiers: { serialNumber: serial("HV", i), fqdn: `esx${hex(i, 2)}-p${p}.${domain}`, hostname: `esx${hex(i, 2)}-p${p}`, ipAddresses: [net(20 + i)], macAddresses: [mac(2, i)] } });
    link(h, "depends_on", storage);
    link(h, "depends_on", switches[0]);
    link(h, "depends_on", switches[1]);
    hypervisors.push(h);
  }
  const vms = [];
  for (let i = 0; i < VMS; i++) {
    const word = pick(WORDS);
    const host = `${word}-${pick(["web", "app", "db", "mq", "cache"])}-p${p}-${hex(i, 3)}`;
    const v = add({ class: "virtual_machine", name: host, environment: pick(ENVS), criticality: pick(CRIT), lifecycleStatus: lifecycle(), operationalStatus: status(), ...owner(),
      attributes: { os: pick(["Ubuntu", "RHEL", "Debian", "Windows Server"]), os_version: pick(["22.04", "9.3", "12", "2022"]), cpu_count: pick([2, 4, 8, 16]), memory_mb: pick([4096, 8192, 16384, 32768]), hypervisor: "vmware" },
      identifiers: { cloudId: `vm-${hex(p, 6)}${hex(i, 4)}`, fqdn: `${host}.${domain}`, hostname: host, ipAddresses: [net(40 + i)] } });
    link(v, "virtualized_by", hypervisors[i % HYPERVISORS]);
    link(v, "depends_on", storage);
    vms.push(v);
  }
  const apps = [];
  const APP_KINDS = [
    ["web_server", (i) => ({ software: pick(["nginx", "apache", "caddy"]), version: `1.${20 + (i % 6)}`, port: 443 })],
    ["application", (i) => ({ version: `${1 + (i % 5)}.${i % 10}.0`, vendor: "in-house", port: 8080 })],
    ["middleware", () => ({ product: pick(["RabbitMQ", "Kafka", "Redis", "Tomcat"]), port: 5672 })],
    ["database", () => ({ engine: pick(["postgresql", "mysql", "oracle", "sqlserver", "mongodb"]), port: 5432 })],
  ];
  for (let i = 0; i < APPS; i++) {
    const [cls, attrs] = APP_KINDS[i % 4];
    const vm = vms[Math.floor(i / 2)];
    const vmName = cis[vm - base].name;
    const a = add({ class: cls, name: `${vmName.split("-")[0]}-${cls.replace("_", "-")}-${hex(i, 3)}`, environment: cis[vm - base].environment, criticality: pick(CRIT), lifecycleStatus: "in_service", operationalStatus: status(), ...owner(),
      attributes: attrs(i), identifiers: { prometheusInstance: `${vmName}.${domain}:${9100 + (i % 2)}`, ...(i % 4 === 1 ? { otelServiceName: `p${p}-svc-${hex(i, 3)}` } : {}) } });
    link(a, "runs_on", vm);
    apps.push(a);
  }
  // Three-tier stacks: each web server depends on the app server next to it, which depends on
  // the middleware and database of the same stack.
  for (let i = 0; i + 3 < APPS; i += 4) {
    link(apps[i], "depends_on", apps[i + 1]);
    link(apps[i + 1], "depends_on", apps[i + 2]);
    link(apps[i + 1], "depends_on", apps[i + 3]);
  }
  const appServices = [];
  for (let s = 0; s < APP_SERVICES; s++) {
    const word = WORDS[(p + s) % WORDS.length];
    const svc = add({ class: "application_service", name: `${word} ${s < 10 ? "frontend" : "backend"} (pod ${p}, ${s})`, environment: "production", criticality: pick(CRIT), lifecycleStatus: "in_service", operationalStatus: status(), ...owner(),
      attributes: { url: `https://${word}-${s}.p${p}.corp.example`, version: `2024.${1 + (s % 12)}` } });
    for (let i = s * (APPS / APP_SERVICES); i < (s + 1) * (APPS / APP_SERVICES); i++) link(svc, "depends_on", apps[i]);
    link(svc, "depends_on", lb);
    appServices.push(svc);
  }
  const business = [];
  for (let b = 0; b < BUSINESS_SERVICES; b++) {
    const word = WORDS[(p * 2 + b) % WORDS.length];
    const biz = add({ class: "business_service", name: `${word[0].toUpperCase()}${word.slice(1)} ${b ? "operations" : "customer service"} ${p}`, environment: "production", criticality: "critical", lifecycleStatus: "in_service", operationalStatus: "up", ...owner(),
      attributes: { service_hours: b ? "24x7" : "Mon-Fri 08-18", service_tier: pick(["gold", "silver", "bronze"]) } });
    for (let s = b * (APP_SERVICES / 2); s < (b + 1) * (APP_SERVICES / 2); s++) link(biz, "depends_on", appServices[s]);
    // ... and on one application service of the previous pod.
    if (p > 0) link(biz, "depends_on", base - POD_CIS + FIRST_APP_SERVICE + b);
    business.push(biz);
  }
  const cluster = add({ class: "kubernetes_cluster", name: `k8s-${dc}-p${p}`, environment: "production", criticality: "high", lifecycleStatus: "in_service", operationalStatus: status(), ...owner(),
    attributes: { version: "1.29", api_endpoint: `https://k8s-p${p}.${domain}:6443` }, identifiers: { cloudId: `k8s-${hex(p, 6)}` } });
  for (let i = 0; i < K8S_NODES; i++) {
    const host = `k8s-node-p${p}-${hex(i, 2)}`;
    const n = add({ class: "kubernetes_node", name: host, environment: "production", criticality: "medium", lifecycleStatus: "in_service", operationalStatus: status(), ...owner(),
      attributes: { os: "Ubuntu", os_version: "22.04", cpu_count: 16, memory_mb: 65536, kubelet_version: "1.29.4", node_role: i < 3 ? "control_plane" : "worker" },
      identifiers: { cloudId: `node-${hex(p, 6)}${hex(i, 2)}`, hostname: host, fqdn: `${host}.${domain}`, ipAddresses: [net(200 + i)] } });
    link(n, "virtualized_by", hypervisors[i % HYPERVISORS]);
    link(cluster, "cluster_of", n);
  }
  for (let i = 0; i < WORKLOADS; i++) {
    const word = pick(WORDS);
    const w = add({ class: "kubernetes_workload", name: `${word}-worker-${hex(i, 2)}`, environment: pick(ENVS), criticality: pick(CRIT), lifecycleStatus: "in_service", operationalStatus: status(), ...owner(),
      attributes: { namespace: `team-${word}`, kind: pick(["Deployment", "StatefulSet", "CronJob"]), replicas: 1 + Math.floor(r() * 6) }, identifiers: { otelServiceName: `p${p}-${word}-worker-${hex(i, 2)}` } });
    link(w, "runs_on", cluster);
    link(appServices[i % APP_SERVICES], "depends_on", w);
  }
  for (let i = 0; i < LAPTOPS; i++) {
    const host = `lt-p${p}-${hex(i, 3)}`;
    const l = add({ class: "laptop", name: host, environment: null, criticality: "low", lifecycleStatus: lifecycle(), operationalStatus: "unknown", ...owner(),
      attributes: { manufacturer: pick(["Lenovo", "Dell", "Apple"]), model: pick(["T14", "Latitude 7440", "MacBook Pro"]), os: pick(["Windows 11", "macOS 14"]), assigned_to: `user${p}.${i}@corp.example` },
      identifiers: { serialNumber: serial("LT", i), hostname: host, macAddresses: [mac(3, i)] } });
    link(l, "depends_on", switches[i % 2]);
  }
  // Top up to exactly POD_RELS with cross-stack calls: an app server calling another stack's
  // database, as happens in real estates.
  const stacks = APPS / 4;
  for (let k = 0; rels.length < POD_RELS; k++) {
    const stack = k % stacks;
    const other = (stack + 37 * (1 + Math.floor(k / stacks))) % stacks;
    link(apps[4 * stack + 1], "depends_on", apps[4 * other + 3]);
  }
  if (cis.length !== POD_CIS || rels.length !== POD_RELS) throw new Error(`pod ${p}: ${cis.length} CIs, ${rels.length} relationships`);
  return { cis, rels, storage, switches };
}

// ---------- HTTP ----------

/** One request on a keep-alive agent; the body is sent as given (a string) or as JSON. */
function call(agent, base, method, path, headers, body, timeoutMs = 600_000) {
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(`${base}${path}`, { method, agent, headers: { ...headers, ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}) } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started }));
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on("error", reject);
    req.end(payload);
  });
}

/** The support and owner groups CIs point at: their ids, and id -> name (what a CSV file names them by). */
async function createGroups(agent, server, headers) {
  const ids = [];
  const names = new Map();
  for (const name of ["Infrastructure", "Network", "Storage", "Platform", "Database admins", "Service desk", "Apps: finance", "Apps: sales"]) {
    const res = await call(agent, server.baseUrl, "POST", "/api/v1/groups", headers, { name: `CMDB ${name}` });
    if (res.status !== 201) throw new Error(`create group: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    ids.push(JSON.parse(res.text).id);
    names.set(ids[ids.length - 1], `CMDB ${name}`);
  }
  return { ids, names };
}

/** Runs `jobs` (functions returning promises) with at most `n` in flight, in order of start. */
async function inFlight(n, jobs) {
  let next = 0;
  async function worker() {
    while (next < jobs.length) await jobs[next++]();
  }
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
}

function progress(what, done, total, started) {
  const s = (performance.now() - started) / 1000;
  process.stderr.write(`\r  ${what}: ${done.toLocaleString("en")} / ${total.toLocaleString("en")} (${Math.round(done / s).toLocaleString("en")}/s)   `);
  if (done === total) process.stderr.write("\n");
}

/**
 * Phase 1 sends every CI (batches of --batch), phase 2 every relationship by CI id (batches of
 * --rel-batch), each through POST /api/v1/cmdb/bulk. Any item that does not come back
 * "created" fails the benchmark: the figures are for a load that worked.
 */
async function load(server, headers, groups, opts) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const total = opts.pods * POD_CIS;
  const ids = new Array(total);
  // Request bodies are built before each phase's clock starts, as alert-ingest does: generating
  // and serialising a million CIs costs this process ~25 us of CPU per CI, taken from the two
  // cores it shares with the server.
  const encode = (body, label) => {
    const buf = Buffer.from(JSON.stringify(body));
    if (buf.length > BODY_LIMIT) throw new Error(`${label}: ${buf.length} bytes is over the server's body limit; use a smaller batch`);
    return buf;
  };
  const bulk = async (buf, label) => {
    const res = await call(agent, server.baseUrl, "POST", "/api/v1/cmdb/bulk", headers, buf);
    if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    return { result: JSON.parse(res.text), bytes: buf.length };
  };
  const maxBytes = { cis: 0, rels: 0 };

  // Batches are cut across pod boundaries so every request carries exactly --batch items.
  const ciBatches = [];
  for (let first = 0; first < total; first += opts.batch) ciBatches.push([first, Math.min(total, first + opts.batch)]);
  const podCache = new Map();
  const podOf = (p) => {
    if (!podCache.has(p)) {
      if (podCache.size > 8) podCache.delete(podCache.keys().next().value);
      podCache.set(p, pod(p, groups));
    }
    return podCache.get(p);
  };
  const ciItems = (from, to) => {
    const out = [];
    for (let i = from; i < to; i++) out.push(podOf(Math.floor(i / POD_CIS)).cis[i % POD_CIS]);
    return out;
  };

  const ciBodies = ciBatches.map(([from, to], b) => {
    if (b % 50 === 0) process.stderr.write(`\r  preparing CI bodies: ${from.toLocaleString("en")} / ${total.toLocaleString("en")}   `);
    return encode({ source: "discovery", cis: ciItems(from, to) }, `CIs ${from}-${to - 1}`);
  });
  process.stderr.write("\n");

  // Another user of the server meanwhile: a small authenticated read every PROBE_EVERY_MS, one at
  // a time, timed; how long the load keeps the request thread from answering it.
  const probeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const probes = [];
  let loading = true;
  const probing = (async () => {
    while (loading) {
      const res = await call(probeAgent, server.baseUrl, "GET", "/api/v1/groups?limit=5", headers);
      if (res.status !== 200) throw new Error(`probe: HTTP ${res.status} ${res.text.slice(0, 200)}`);
      probes.push(res.ms);
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
  })();

  let done = 0;
  // The server's CPU (all its threads, the WAL checkpointer's included) per phase: on a shared
  // machine the rate also counts waiting for a core, the CPU per CI does not.
  const cpu0 = processCpuSeconds(server.pid);
  const threads0 = threadsCpuSeconds(server.pid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await inFlight(
    opts.concurrency,
    ciBodies.map((buf, b) => async () => {
      const [from, to] = ciBatches[b];
      const { result, bytes } = await bulk(buf, `CIs ${from}-${to - 1}`);
      maxBytes.cis = Math.max(maxBytes.cis, bytes);
      for (const item of result.cis) {
        if (item.outcome !== "created") throw new Error(`CI ${from + item.index}: ${item.outcome} ${JSON.stringify(item.error ?? {})}`);
        ids[Number(item.ref)] = item.id;
      }
      done += to - from;
      progress("CIs", done, total, t0);
    }),
  );
  const ciSeconds = (performance.now() - t0) / 1000;
  const cpu1 = processCpuSeconds(server.pid);
  // Which of the server's threads did the work (the bulk thread, when there is one, appears as "node"), and this client's share.
  const threads = threadsCpuLines(threads0, threadsCpuSeconds(server.pid), total, { pid: server.pid });
  const client = process.cpuUsage(client0);
  const clientUs = (client.user + client.system) / total;
  loading = false;
  await probing;
  probeAgent.destroy();

  const relTotal = opts.pods * POD_RELS;
  const relBatches = [];
  for (let first = 0; first < relTotal; first += opts.relBatch) relBatches.push([first, Math.min(relTotal, first + opts.relBatch)]);
  const relItems = (from, to) => {
    const out = [];
    for (let i = from; i < to; i++) {
      const [s, type, t] = podOf(Math.floor(i / POD_RELS)).rels[i % POD_RELS];
      out.push({ source: { id: ids[s] }, type, target: { id: ids[t] } });
    }
    return out;
  };
  const relBodies = relBatches.map(([from, to]) => encode({ source: "discovery", relationships: relItems(from, to) }, `relationships ${from}-${to - 1}`));
  done = 0;
  const t1 = performance.now();
  await inFlight(
    opts.concurrency,
    relBodies.map((buf, b) => async () => {
      const [from, to] = relBatches[b];
      const { result, bytes } = await bulk(buf, `relationships ${from}-${to - 1}`);
      maxBytes.rels = Math.max(maxBytes.rels, bytes);
      for (const item of result.relationships) if (item.outcome !== "created") throw new Error(`relationship ${from + item.index}: ${item.outcome} ${JSON.stringify(item.error ?? {})}`);
      done += to - from;
      progress("relationships", done, relTotal, t1);
    }),
  );
  const relSeconds = (performance.now() - t1) / 1000;
  const cpu2 = processCpuSeconds(server.pid);
  agent.destroy();
  const cpu = cpu0 === null || cpu1 === null || cpu2 === null ? null : { ci: ((cpu1 - cpu0) * 1e6) / total, rel: ((cpu2 - cpu1) * 1e6) / relTotal };
  return { cis: total, rels: relTotal, ciSeconds, relSeconds, ids, maxBytes, cpu, probes: stats(probes), threads, clientUs };
}

// ---------- reads ----------

function stats(samples) {
  const sorted = Float64Array.from(samples).sort();
  return { n: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

/**
 * Sequential GETs (one client, keep-alive): each latency is one request alone on the server.
 * Also the CPU the server (and PostgreSQL's backends) used per measured request: on a shared
 * machine latency also counts waiting for a core, CPU per request does not.
 */
async function timeGets(agent, server, headers, paths, warmup, runs, pg) {
  const samples = [];
  const bodies = [];
  let cpu0 = null;
  for (let i = 0; i < warmup + runs; i++) {
    if (i === warmup) cpu0 = { server: processCpuSeconds(server.pid), postgres: cpuSecondsByName("postgres") };
    const path = paths[i % paths.length];
    const res = await call(agent, server.baseUrl, "GET", path, headers, undefined, 60_000);
    if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    if (i >= warmup) {
      samples.push(res.ms);
      if (bodies.length < paths.length) bodies.push(res.text);
    }
  }
  const serverCpu = processCpuSeconds(server.pid);
  const cpu = {
    server: cpu0.server === null || serverCpu === null ? null : ((serverCpu - cpu0.server) * 1000) / runs,
    postgres: pg ? ((cpuSecondsBetween(cpu0.postgres, cpuSecondsByName("postgres")) ?? NaN) * 1000) / runs : null,
  };
  return { ...stats(samples), bodies, cpu };
}

/** "server CPU 4.1 ms/request (+ PostgreSQL 2.0)", from timeGets' cpu. */
function cpuText(cpu) {
  if (cpu.server === null) return "server CPU n/a";
  return `server CPU ${cpu.server.toFixed(1)} ms/request${cpu.postgres === null ? "" : ` (+ PostgreSQL ${cpu.postgres.toFixed(1)})`}`;
}

/** VmRSS of a process in MB, or null. */
function rssMb(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return Number.isFinite(kb) ? (kb * 1024) / 1e6 : null;
  } catch {
    return null;
  }
}

/**
 * The first impact walk starts building the in-memory relationship graph (walks use SQL until
 * it is ready): wait for it, so that the measured walks are the steady state, and report its
 * build time and the server's memory before and after. Null on servers without the graph.
 */
async function waitForGraph(agent, server, headers, firstPath) {
  const rssBefore = rssMb(server.pid);
  await call(agent, server.baseUrl, "GET", firstPath, headers, undefined, 60_000);
  for (let i = 0; i < 6000; i++) {
    const res = await call(agent, server.baseUrl, "GET", "/api/v1/cmdb/impact-graph", headers, undefined, 60_000);
    if (res.status === 404) return null;
    const status = JSON.parse(res.text);
    if (status.state === "ready") return { ...status, rssBefore, rssAfter: rssMb(server.pid) };
    if (status.state === "none" && status.lastError) throw new Error(`impact graph: ${status.lastError}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("impact graph: not ready after 10 minutes");
}

async function measureReads(server, headers, loaded, opts, pg) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // Roots spread over the whole graph: the storage array of every n-th pod.
  const roots = [];
  const step = Math.max(1, Math.floor(opts.pods / 100));
  for (let p = 0; p < opts.pods; p += step) roots.push(loaded.ids[p * POD_CIS]);
  const impactPaths = roots.map((id) => `/api/v1/cis/${id}/impact?direction=downstream&depth=6`);
  const graph = await waitForGraph(agent, server, headers, impactPaths[0]);
  const impact = await timeGets(agent, server, headers, impactPaths, 30, opts.impactRuns, pg);
  const reached = impact.bodies.map((b) => JSON.parse(b).items.length).sort((a, b) => a - b);
  const bytes = impact.bodies.map((b) => Buffer.byteLength(b)).sort((a, b) => a - b);
  // The same walks as the service map asks for them: with every relationship among the CIs.
  const mapPaths = impactPaths.map((p) => `${p}&edges=true`);
  const map = await timeGets(agent, server, headers, mapPaths, 10, Math.max(1, Math.round(opts.impactRuns / 3)), pg);
  const edges = map.bodies.map((b) => JSON.parse(b).edges.length).sort((a, b) => a - b);
  const mapBytes = map.bodies.map((b) => Buffer.byteLength(b)).sort((a, b) => a - b);

  const mid = Math.floor(opts.pods / 2);
  const lists = [
    { what: "VMs in service", path: "/api/v1/cis?class=virtual_machine&lifecycleStatus=in_service&limit=50" },
    { what: "servers up, sorted by -updatedAt", path: "/api/v1/cis?class=server&operationalStatus=up&sort=-updatedAt&limit=50" },
    { what: "applications up, name contains 'billing'", path: "/api/v1/cis?class=application&operationalStatus=up&q=billing&limit=50" },
    { what: "CIs in production, name contains 'p" + mid + "-0'", path: `/api/v1/cis?environment=production&q=p${mid}-0&limit=50` },
    { what: "servers in service, q = a hostname", path: `/api/v1/cis?class=server&lifecycleStatus=in_service&q=esx03-p${mid}&limit=50` },
    { what: "VMs in service, page 100", path: "/api/v1/cis?class=virtual_machine&lifecycleStatus=in_service&limit=50&offset=4950" },
  ];
  const listResults = [];
  for (const l of lists) {
    const r = await timeGets(agent, server, headers, [l.path], 3, opts.listRuns, pg);
    const body = JSON.parse(r.bodies[0]);
    listResults.push({ ...l, ...r, items: body.items.length, total: body.total });
  }
  agent.destroy();
  return { graph, impact: { ...impact, roots: roots.length, reached, bytes }, map: { ...map, edges, bytes: mapBytes }, lists: listResults };
}

// ---------- one database ----------

/** Node flags that write a CPU profile into a new directory, and a reader for it once the server has exited. */
function profiler(enabled) {
  if (!enabled) return { nodeArgs: [], read: () => [] };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-prof-"));
  return {
    nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
    read: (what) => {
      const file = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
      return file ? [`${what}:`, ...profileLines(summarizeProfile(path.join(dir, file), { root: ROOT, top: 25 }))] : [`${what}: no CPU profile was written in ${dir}`];
    },
  };
}

async function runOne(kind, opts) {
  const db = await freshDatabase(kind);
  const profiles = [];
  try {
    const loadProf = profiler(opts.cpuProf);
    let server = await spawnServer(db, { admin: true, nodeArgs: loadProf.nodeArgs });
    let loaded;
    let headers;
    try {
      await waitReady(server);
      ({ headers } = await prepareApiClient(server));
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const { ids: groups } = await createGroups(agent, server, headers);
      agent.destroy();
      loaded = await load(server, headers, groups, opts);
    } finally {
      await stopServer(server, { graceMs: 60_000 });
    }
    profiles.push(...loadProf.read("the server during the load (start-up and setup included)"));
    // The load left one outbox event per CI and relationship; a worker would spend minutes
    // dispatching them. The reads are measured on an API-only server (OPSDESK_ROLE=api), as a
    // deployment of this size would run its workers apart, so that backlog does not compete.
    db.env = { ...db.env, OPSDESK_ROLE: "api" };
    const readProf = profiler(opts.cpuProf);
    server = await spawnServer(db, { nodeArgs: readProf.nodeArgs });
    let reads;
    try {
      await waitReady(server, { timeoutMs: 120_000 });
      reads = await measureReads(server, headers, loaded, opts, kind === "pg");
    } finally {
      await stopServer(server);
    }
    profiles.push(...readProf.read("the server during the reads (start-up included)"));
    return { db, loaded, reads, profiles };
  } finally {
    await db.drop().catch((err) => process.stderr.write(`warning: could not drop the database: ${err.message}\n`));
  }
}

const rate = (n, s) => Math.round(n / s).toLocaleString("en");

/**
 * The CSV import on a database of its own: the first --csv-rows CIs of the company as one
 * file in OpsDesk's columns (group names, `attr.` columns), streamed to POST
 * /api/v1/cmdb/import, first as a dry run, then for real. Any row not created fails the run.
 */
async function runCsv(kind, opts) {
  const db = await freshDatabase(kind);
  try {
    const server = await spawnServer(db, { admin: true });
    try {
      await waitReady(server);
      const { headers } = await prepareApiClient(server);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const groups = await createGroups(agent, server, headers);
      agent.destroy();
      const csv = companyCsv(opts.csvPods, (p) => pod(p, groups.ids), groups.names);
      const runs = [];
      for (const dryRun of [true, false]) {
        process.stderr.write(`  CSV ${dryRun ? "dry run" : "import"}: ${csv.rows.toLocaleString("en")} rows...\n`);
        const r = await importCsv(server.baseUrl, headers, csv.text, { dryRun });
        const c = r.result.counts;
        if (c.created !== csv.rows || c.errors) throw new Error(`CSV ${dryRun ? "dry run" : "import"}: ${JSON.stringify(c)} ${JSON.stringify(r.result.errors.slice(0, 3))}`);
        runs.push({ dryRun, ...r });
      }
      return { db, csv, runs };
    } finally {
      await stopServer(server, { graceMs: 60_000 });
    }
  } finally {
    await db.drop().catch((err) => process.stderr.write(`warning: could not drop the database: ${err.message}\n`));
  }
}

function csvLines(r) {
  const scope = r.db.kind === "pg" ? " [reference: the target is set for SQLite]" : "";
  const real = r.runs.find((x) => !x.dryRun);
  const limit = (TARGET_CSV_S_PER_100K * r.csv.rows) / 100_000;
  return [
    "",
    `== ${r.db.label}: CSV import ==`,
    `POST /api/v1/cmdb/import, one streamed request, ${r.csv.rows.toLocaleString("en")} rows of ${r.csv.columns} columns (${(real.bytes / 1e6).toFixed(1)} MB), into an empty CMDB:`,
    ...r.runs.map((x) => `  ${x.dryRun ? "dry run" : "import "}  ${x.seconds.toFixed(1)} s = ${rate(r.csv.rows, x.seconds)} rows/s  (${x.result.counts.created.toLocaleString("en")} ${x.dryRun ? "would be created" : "created"}, ${x.result.counts.errors} errors)`),
    targetLine(`CSV import of ${r.csv.rows.toLocaleString("en")} rows < ${limit.toFixed(0)} s${scope}`, real.seconds < limit, `${real.seconds.toFixed(1)} s`),
  ];
}



function resultLines(r, opts) {
  const { loaded: l, reads } = r;
  const i = reads.impact;
  const ciRate = l.cis / l.ciSeconds;
  const scope = r.db.kind === "pg" ? " [reference: the targets are set for SQLite]" : "";
  const mid = (a) => a[Math.floor(a.length / 2)];
  return [
    "",
    `== ${r.db.label} ==`,
    `bulk load through POST /api/v1/cmdb/bulk, ${opts.concurrency} requests in flight:`,
    `  CIs:           ${l.cis.toLocaleString("en")} in ${l.ciSeconds.toFixed(1)} s = ${rate(l.cis, l.ciSeconds)} CIs/s (batches of ${opts.batch}, largest body ${(l.maxBytes.cis / 1e6).toFixed(2)} MB)${l.cpu ? `; server CPU ${l.cpu.ci.toFixed(0)} us per CI` : ""}`,
    ...(l.threads ? [`  by thread, us of CPU per CI: ${l.threads}; this benchmark (sending) ${l.clientUs.toFixed(0)}`] : []),
    `  meanwhile, GET /api/v1/groups every ${PROBE_EVERY_MS} ms (one at a time): latency p50 ${ms(l.probes.p50)}  p99 ${ms(l.probes.p99)}  max ${ms(l.probes.max)} (n=${l.probes.n})`,
    `  relationships: ${l.rels.toLocaleString("en")} in ${l.relSeconds.toFixed(1)} s = ${rate(l.rels, l.relSeconds)} relationships/s (batches of ${opts.relBatch}, largest body ${(l.maxBytes.rels / 1e6).toFixed(2)} MB)${l.cpu ? `; server CPU ${l.cpu.rel.toFixed(0)} us per relationship` : ""}`,
    `  whole graph:   ${(l.ciSeconds + l.relSeconds).toFixed(1)} s = ${rate(l.cis, l.ciSeconds + l.relSeconds)} CIs/s with their relationships`,
    targetLine(`bulk load > ${TARGET_CIS_PER_S.toLocaleString("en")} CIs/s${scope}`, ciRate > TARGET_CIS_PER_S, `${rate(l.cis, l.ciSeconds)} CIs/s`),
    ...(reads.graph
      ? [`impact graph in memory: built in ${(reads.graph.buildMs / 1000).toFixed(1)} s on the first walk, ${reads.graph.relationships.toLocaleString("en")} relationships among ${reads.graph.cis.toLocaleString("en")} CIs, link rows ${(reads.graph.bytes / 1e6).toFixed(0)} MB; server RSS ${reads.graph.rssBefore?.toFixed(0)} -> ${reads.graph.rssAfter?.toFixed(0)} MB`]
      : []),
    `downstream impact, depth 6, GET /api/v1/cis/:id/impact, one client, ${i.n} requests over ${i.roots} storage arrays:`,
    `  CIs reached ${i.reached[0]}..${i.reached[i.reached.length - 1]} (median ${mid(i.reached)}), body ${(mid(i.bytes) / 1e3).toFixed(0)} kB`,
    `  latency p50 ${ms(i.p50)}  p90 ${ms(i.p90)}  p99 ${ms(i.p99)}  max ${ms(i.max)}  (mean ${ms(i.mean)}); ${cpuText(i.cpu)}`,
    targetLine(`impact p50 < ${TARGET_IMPACT_P50_MS} ms${scope}`, i.p50 < TARGET_IMPACT_P50_MS, ms(i.p50)),
    targetLine(`impact p99 < ${TARGET_IMPACT_P99_MS} ms${scope}`, i.p99 < TARGET_IMPACT_P99_MS, ms(i.p99)),
    `the same walks as the service map asks for them (&edges=true), ${reads.map.n} requests: edges ${mid(reads.map.edges)}, body ${(mid(reads.map.bytes) / 1e3).toFixed(0)} kB`,
    `  latency p50 ${ms(reads.map.p50)}  p90 ${ms(reads.map.p90)}  p99 ${ms(reads.map.p99)}  max ${ms(reads.map.max)}; ${cpuText(reads.map.cpu)}`,
    `CI lists over ${l.cis.toLocaleString("en")} CIs, one client, ${opts.listRuns} requests each (p50 / p99 / max; server CPU per request; items, total):`,
    ...reads.lists.map((q) => `  ${ms(q.p50).padStart(9)} / ${ms(q.p99).padStart(9)} / ${ms(q.max).padStart(9)}; ${cpuText(q.cpu).replace("server CPU ", "")}; ${String(q.items).padStart(2)} items, total ${q.total.toLocaleString("en").padStart(9)}  ${q.what}: GET ${q.path}`),
    ...reads.lists.map((q) => targetLine(`list p50 < ${TARGET_LIST_MS} ms: ${q.what}${scope}`, q.p50 < TARGET_LIST_MS, `${ms(q.p50)}, p99 ${ms(q.p99)}`)),
    ...r.profiles,
  ];
}

async function main() {
  const opts = options();
  ensureBuild({ build: opts.build });
  print([
    "bench cmdb-load: bulk load of a synthetic company graph, then impact analysis and CI lists",
    ...machineLines(),
    `code:    ${codeVersion()}`,
    ...(opts.csvOnly ? [] : [`data:    ${(opts.pods * POD_CIS).toLocaleString("en")} CIs and ${(opts.pods * POD_RELS).toLocaleString("en")} relationships in ${opts.pods} pods (seeded, identical on every run)`]),
    ...(opts.csvPods ? [`csv:     ${(opts.csvPods * POD_CIS).toLocaleString("en")} rows: the CIs of the first ${opts.csvPods} pods, imported into a database of their own`] : []),
    `note: the benchmark (this process) shares the machine's ${os.cpus().length} cores with the server${opts.dbs.includes("pg") ? " and PostgreSQL" : ""}.`,
  ]);
  let failed = 0;
  for (const kind of opts.dbs) {
    try {
      if (opts.csvPods) print(csvLines(await runCsv(kind, opts)));
      if (!opts.csvOnly) print(resultLines(await runOne(kind, opts), opts));
    } catch (err) {
      failed++;
      print(["", `== ${kind}: FAILED ==`, String(err.stack ?? err)]);
    }
  }
  if (failed) process.exitCode = 1;
}

// Importable (the generator is reused when profiling the service without HTTP); runs when executed.
if (import.meta.url === pathToFileURL(process.argv[1]).href) main().catch((err) => reportFailure("cmdb-load", err));
