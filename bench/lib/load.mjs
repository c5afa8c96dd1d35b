// A closed-loop HTTP load generator on Node's own http client: N clients, each with exactly one
// keep-alive connection, each sending its next request only when the previous response has been
// read in full. Throughput is therefore what the server sustains at that concurrency, and every
// latency is one real request's round trip (no queueing inside the generator).
import http from "node:http";

/** Grows a Float64Array so latency samples cost no per-sample allocation in the hot loop. */
class Samples {
  #data = new Float64Array(1 << 16);
  length = 0;
  push(v) {
    if (this.length === this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.length++] = v;
  }
  sorted() {
    return this.#data.slice(0, this.length).sort();
  }
}

/** The value at percentile p (0..100) of ascending `sorted`, nearest-rank definition. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

function sendOne(target, agent, headers, timeoutMs, counters) {
  return new Promise((resolve) => {
    const req = http.request({ host: target.hostname, port: target.port, path: target.path, method: "GET", headers, agent }, (res) => {
      res.on("data", () => {});
      res.on("end", () => resolve({ status: res.statusCode }));
      res.on("error", (err) => resolve({ error: err.code || err.message }));
    });
    req.on("socket", (socket) => {
      // A socket seen for the first time is a new TCP connection: with keep-alive working there
      // are exactly as many as there are clients.
      if (!counters.sockets.has(socket)) {
        counters.sockets.add(socket);
        counters.connections++;
      }
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    req.on("error", (err) => resolve({ error: err.code || err.message }));
    req.end();
  });
}

/**
 * Drives `connections` closed-loop clients against one URL for `warmupMs` (discarded) and then
 * `durationMs` (measured). A response counts in the measured window when it completes inside it.
 * `hooks.onMeasureStart/onMeasureEnd` let the caller sample CPU exactly at the window's edges.
 */
export async function closedLoop({ url, headers = {}, connections, warmupMs, durationMs, expectStatus = 200, timeoutMs = 10_000, hooks = {} }) {
  const u = new URL(url);
  const target = { hostname: u.hostname, port: u.port, path: u.pathname + u.search };
  const reqHeaders = { ...headers, connection: "keep-alive" };
  const counters = { sockets: new WeakSet(), connections: 0 };
  const latencies = new Samples();
  const errors = new Map();
  const outsideErrors = { n: 0 }; // during warm-up or after the window closed
  const t0 = performance.now();
  const measureStart = t0 + warmupMs;
  const measureEnd = measureStart + durationMs;
  let stopping = false;

  const startTimer = setTimeout(() => hooks.onMeasureStart?.(), warmupMs);
  const endTimer = setTimeout(() => {
    stopping = true;
    hooks.onMeasureEnd?.();
  }, warmupMs + durationMs);

  async function client() {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (!stopping) {
      const sent = performance.now();
      const res = await sendOne(target, agent, reqHeaders, timeoutMs, counters);
      const done = performance.now();
      const inWindow = done >= measureStart && done <= measureEnd;
      const failure = res.error ?? (res.status === expectStatus ? null : `HTTP ${res.status}`);
      if (failure === null) {
        if (inWindow) latencies.push(done - sent);
      } else if (inWindow) {
        errors.set(failure, (errors.get(failure) ?? 0) + 1);
      } else {
        outsideErrors.n++;
      }
      // A refusing server would otherwise be hammered in a hot loop that measures nothing.
      if (failure !== null && res.error) await new Promise((r) => setTimeout(r, 10));
    }
    agent.destroy();
  }

  await Promise.all(Array.from({ length: connections }, client));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  return summarize(latencies.sorted(), errors, { connections, connectionsOpened: counters.connections, durationMs, outsideWindowErrors: outsideErrors.n });
}

function summarize(sorted, errors, facts) {
  return {
    ...facts,
    requests: sorted.length,
    rps: sorted.length / (facts.durationMs / 1000),
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
