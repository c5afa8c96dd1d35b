// The service desk a ticket benchmark works against: assignment groups, a CMDB pod (1,000 CIs
// with business services above them, so a ticket's impacted services are really computed),
// realistic incident bodies, and a POST load generator (closed loop or paced).
import http from "node:http";
import { pod } from "../cmdb-load.mjs";
import { percentile } from "./load.mjs";
import { headFor, RawHttpAgent, requestHead } from "./raw-http.mjs";

export const GROUP_NAMES = ["Service desk", "Network", "Storage", "Platform", "Database admins", "Apps: finance", "Apps: sales", "End-user computing"];

/**
 * One request on a keep-alive agent (node:http's, or a RawHttpAgent of raw-http.mjs); JSON in,
 * text out, with its duration.
 */
export function call(agent, base, method, path, headers, body, timeoutMs = 600_000) {
  const payload = body === undefined ? undefined : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  if (agent instanceof RawHttpAgent) return callRaw(agent.bind(base), method, path, headers, payload, timeoutMs);
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

async function callRaw(agent, method, path, headers, payload, timeoutMs) {
  const head = requestHead({ method, path, host: agent.hostHeader, headers: { ...headers, ...(payload ? { "content-type": "application/json" } : {}) }, length: payload?.length ?? 0 });
  const started = performance.now();
  const res = await agent.send(head, payload, { wantBody: true, timeoutMs });
  if (res.error) throw new Error(`${method} ${path}: ${res.error}`);
  return { status: res.status, text: res.text, ms: performance.now() - started };
}

async function ok(res, what, status = [200, 201]) {
  if (!status.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text);
}

/**
 * Creates the groups and loads CMDB pod 0 through the bulk API. Returns group ids and the CIs
 * tickets are raised on (VMs, applications, databases, switches: what monitoring and callers
 * name), each with its class.
 */
export async function setupDesk(server, headers) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  try {
    const groups = [];
    for (const name of GROUP_NAMES) groups.push((await ok(await call(agent, server.baseUrl, "POST", "/api/v1/groups", headers, { name }), "create group")).id);
    const { cis, rels } = pod(0, groups);
    const loaded = await ok(await call(agent, server.baseUrl, "POST", "/api/v1/cmdb/bulk", headers, { source: "discovery", cis }), "load CIs");
    const ids = new Array(cis.length);
    for (const item of loaded.cis) ids[Number(item.ref)] = item.id;
    const relBody = { source: "discovery", relationships: rels.map(([s, type, t]) => ({ source: { id: ids[s] }, type, target: { id: ids[t] } })) };
    await ok(await call(agent, server.baseUrl, "POST", "/api/v1/cmdb/bulk", headers, relBody), "load relationships");
    const wanted = new Set(["virtual_machine", "application", "database", "server", "network_switch", "load_balancer", "laptop", "kubernetes_workload"]);
    const targets = cis.map((c, i) => ({ id: ids[i], class: c.class, name: c.name })).filter((c) => wanted.has(c.class));
    return { groups, cis: targets, allCiIds: ids };
  } finally {
    agent.destroy();
  }
}

const SYMPTOMS = [
  ["High CPU on", "CPU above 95% for 10 minutes; requests are queueing."],
  ["Disk almost full on", "Filesystem /var is at 92% and growing about 1% per hour."],
  ["Service not responding on", "Health check timed out three times in a row."],
  ["Login failures on", "Users report 'invalid session' after signing in; started after the morning deployment."],
  ["Slow responses from", "p95 latency rose from 120 ms to 2.3 s; database connections look saturated."],
  ["Certificate expires soon on", "TLS certificate expires in 6 days; renewal job failed."],
  ["Memory leak suspected on", "RSS grows steadily until the process is OOM-killed every few hours."],
  ["Backup failed on", "Nightly backup job exited with status 2 (snapshot timeout)."],
];
const CATEGORIES = [["software", "application"], ["hardware", "disk"], ["network", "connectivity"], ["software", "database"], ["inquiry", null]];

/** A realistic incident body: a CI, its group, impact/urgency, category, a few tags. */
export function incidentBody(i, desk) {
  const ci = desk.cis[(i * 7919) % desk.cis.length];
  const [title, text] = SYMPTOMS[i % SYMPTOMS.length];
  const [category, subcategory] = CATEGORIES[i % CATEGORIES.length];
  return {
    title: `${title} ${ci.name}`,
    description: `${text}\n\nReported by monitoring rule #${1000 + (i % 250)}; see the runbook for ${ci.class.replace(/_/g, " ")}s.`,
    ciId: ci.id,
    assignmentGroupId: desk.groups[i % desk.groups.length],
    impact: 1 + (i % 3),
    urgency: 1 + ((i >> 2) % 3),
    category,
    ...(subcategory ? { subcategory } : {}),
    channel: i % 4 === 0 ? "event" : "phone",
    tags: i % 3 === 0 ? ["monitoring", ci.class] : [ci.class],
  };
}

/**
 * POST load from `connections` clients, one keep-alive connection each, each sending the next
 * body (`body(i)`, i counting across all clients) when the previous answer has been read.
 * Closed loop by default: as fast as the answers come back. With `rate` (requests per second),
 * paced: request k is due at k/rate after the start, taken by whichever client is free, and its
 * latency runs from when it was due, not from when it was sent, so a server that falls behind
 * is charged with the wait its clients saw (no coordinated omission, as wrk2 and k6's
 * constant-arrival-rate measure). Counts a request in the window when it completes inside it;
 * `onResponse(status, text)` sees every answer (for verification; the text is decoded only when
 * it takes two parameters).
 *
 * `client`: "raw" (default) sends through bench/lib/raw-http.mjs, a lean keep-alive client that
 * costs a fraction of Node's http client per request; "node" through node:http, as before
 * 2026-12-07 (the load generator shares the server's two cores, so its own CPU is charged to the
 * server's latencies).
 */
export async function postLoad({ url, headers, connections, warmupMs, durationMs, body, expectStatus = 201, hooks = {}, onResponse, rate = null, client: clientKind = "raw" }) {
  if (clientKind !== "raw" && clientKind !== "node") throw new Error(`unknown client ${clientKind}`);
  const u = new URL(url);
  const latencies = [];
  const errors = new Map();
  let next = 0;
  let slot = 0;
  let stopping = false;
  const t0 = performance.now();
  const measureStart = t0 + warmupMs;
  const measureEnd = measureStart + durationMs;
  const startTimer = setTimeout(() => hooks.onMeasureStart?.(), warmupMs);
  const endTimer = setTimeout(() => {
    stopping = true;
    hooks.onMeasureEnd?.();
  }, warmupMs + durationMs);
  let connectionsOpened = 0;
  const wantText = onResponse ? onResponse.length > 1 : false;
  // The raw client's request head, built once but for its length.
  const headOf = headFor({ method: "POST", path: u.pathname + u.search, host: u.host, headers: { ...headers, "content-type": "application/json" } });
  /** One client's connection: send(payload) resolves with { status, text } or { error }; a connection the server closed is opened again. */
  const rawSender = () => {
    const agent = new RawHttpAgent(url);
    return {
      send: (payload) => agent.send(headOf(payload.length), payload, { wantBody: wantText }),
      close: () => {
        connectionsOpened += agent.opened;
        agent.close();
      },
    };
  };
  const nodeSender = () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    return {
      send: (payload) =>
        new Promise((resolve) => {
          const req = http.request(
            { host: u.hostname, port: u.port, path: u.pathname + u.search, method: "POST", agent, headers: { ...headers, connection: "keep-alive", "content-type": "application/json", "content-length": payload.length } },
            (r) => {
              const chunks = [];
              r.on("data", (c) => chunks.push(c));
              r.on("end", () => resolve({ status: r.statusCode, text: wantText ? Buffer.concat(chunks).toString("utf8") : "" }));
              r.on("error", (err) => resolve({ error: err.code || err.message }));
            },
          );
          req.once("socket", (s) => {
            if (!s.__counted) {
              s.__counted = true;
              connectionsOpened++;
            }
          });
          req.setTimeout(30_000, () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
          req.on("error", (err) => resolve({ error: err.code || err.message }));
          req.end(payload);
        }),
      close: () => agent.destroy(),
    };
  };
  async function client() {
    const sender = clientKind === "raw" ? rawSender() : nodeSender();
    while (!stopping) {
      let due = null;
      if (rate) {
        due = t0 + (1000 * slot++) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (stopping) break;
      }
      const payload = Buffer.from(JSON.stringify(body(next++)));
      const sent = due ?? performance.now();
      const res = await sender.send(payload);
      const done = performance.now();
      const inWindow = done >= measureStart && done <= measureEnd;
      const failure = res.error ?? (res.status === expectStatus ? null : `HTTP ${res.status}`);
      if (onResponse && !res.error) onResponse(res.status, res.text);
      if (inWindow) {
        if (failure === null) latencies.push(done - sent);
        else errors.set(failure, (errors.get(failure) ?? 0) + 1);
      }
      if (failure !== null && res.error) await new Promise((r) => setTimeout(r, 10));
    }
    sender.close();
  }
  await Promise.all(Array.from({ length: connections }, client));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  const sorted = Float64Array.from(latencies).sort();
  return {
    connections,
    rate,
    client: clientKind,
    connectionsOpened,
    sent: next,
    requests: sorted.length,
    rps: sorted.length / (durationMs / 1000),
    errors: [...errors.values()].reduce((a, b) => a + b, 0),
    errorsByKind: Object.fromEntries(errors),
    latencyMs: {
      mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      p999: percentile(sorted, 99.9),
      max: sorted.length ? sorted[sorted.length - 1] : NaN,
    },
  };
}

/** Percentiles of a list of millisecond samples. */
export function latencyStats(samples) {
  const sorted = Float64Array.from(samples).sort();
  return { n: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : NaN, mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1) };
}
