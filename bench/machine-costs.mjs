// The machine's unit costs that bound OpsDesk's hot paths: a WAL frame's writes, a loopback HTTP request, a hand-off between threads.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { machineLines, processCpuSeconds } from "./lib/machine.mjs";
import { parseOptions, print, reportFailure } from "./lib/report.mjs";
import { codeVersion } from "./lib/server.mjs";

const USAGE = `usage: npm run bench -- machine-costs [options]
  --frames N     WAL-shaped frames written (default 40000)
  --requests N   HTTP requests per client setting (default 20000)
  --handoffs N   round trips between two threads (default 20000)
Measures what no change to OpsDesk's code makes cheaper on this machine, so that a hot path's
figure can be read against its floor:
- a WAL frame as SQLite writes it: two pwrite calls (the 24-byte frame header, then the 4 KiB
  page) to a file beside the benchmark data, and the same 4 KiB written in one call;
- a request over loopback TCP to a minimal node:http server answering 200 with an empty body,
  from a keep-alive client in this process (1 and 8 in flight), with the server's CPU per
  request (a child process, so that its CPU is its own), and the same exchange over raw TCP
  (one write each way) to show what node:http adds;
- a round trip between two threads: postMessage and back, and Atomics.notify answered by
  Atomics.waitAsync; wall time per round trip and this process's CPU per round trip (both
  threads).`;

function options() {
  const v = parseOptions(
    {
      frames: { type: "string", default: "40000" },
      requests: { type: "string", default: "20000" },
      handoffs: { type: "string", default: "20000" },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  const n = (k) => Math.max(100, Math.round(Number(v[k]) || 0));
  return { frames: n("frames"), requests: n("requests"), handoffs: n("handoffs") };
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Wall and CPU time of `fn` (this process). */
async function timed(fn) {
  const c0 = cpuNow();
  const t0 = performance.now();
  await fn();
  return { wall: (performance.now() - t0) / 1000, cpu: cpuNow() - c0 };
}

const us = (seconds, n) => `${((seconds * 1e6) / n).toFixed(1)} µs`;

/** WAL-shaped appends to a file of 128 MB at most (then from its start again), as SQLite's WAL before a restart. */
async function frames(n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-costs-"));
  const file = path.join(dir, "frames.bin");
  const fd = fs.openSync(file, "w+");
  const header = Buffer.alloc(24, 1);
  const page = Buffer.alloc(4096, 7);
  const whole = Buffer.alloc(24 + 4096, 7);
  const wrap = 128 * 1024 * 1024;
  try {
    const run = (write) => {
      let at = 0;
      for (let i = 0; i < n; i++) {
        write(at);
        at += 24 + 4096;
        if (at > wrap) at = 0;
      }
    };
    run((at) => fs.writeSync(fd, whole, 0, whole.length, at)); // the file exists at full size before timing
    const two = await timed(() => run((at) => (fs.writeSync(fd, header, 0, 24, at), fs.writeSync(fd, page, 0, 4096, at + 24))));
    const one = await timed(() => run((at) => fs.writeSync(fd, whole, 0, whole.length, at)));
    return [
      `WAL frame, header and page in two pwrite calls (as SQLite writes them): ${us(two.wall, n)} per frame (CPU ${us(two.cpu, n)})`,
      `the same 4,120 bytes in one call: ${us(one.wall, n)} per frame (CPU ${us(one.cpu, n)})`,
      `  so a commit of 55 frames (a small batch of ticket creations) spends about ${((two.wall / n) * 55 * 1000).toFixed(2)} ms writing the WAL`,
    ];
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A child process serving `kind` ("http" or "tcp") on a free loopback port; resolves with its port and pid. */
function startPeer(kind) {
  const code =
    kind === "http"
      ? `const http = require("node:http");
         const s = http.createServer((req, res) => { req.resume(); req.on("end", () => { res.writeHead(200, { "content-length": "0" }); res.end(); }); });
         s.keepAliveTimeout = 60000;
         s.listen(0, "127.0.0.1", () => process.send(s.address().port));`
      : `const net = require("node:net");
         const answer = Buffer.from("HTTP/1.1 200 OK\\r\\ncontent-length: 0\\r\\n\\r\\n");
         const s = net.createServer((c) => { c.setNoDelay(true); c.on("data", () => c.write(answer)); });
         s.listen(0, "127.0.0.1", () => process.send(s.address().port));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    child.once("message", (port) => resolve({ port, pid: child.pid, child }));
    child.once("error", reject);
  });
}

/** `n` requests with `inFlight` keep-alive clients; wall time and CPU of client (this process) and server. */
async function httpLoad(peer, n, inFlight) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const one = () =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: peer.port, path: "/", method: "POST", agent, headers: { "content-length": 2 } }, (res) => {
        res.resume();
        res.on("end", resolve);
      });
      req.on("error", reject);
      req.end("{}");
    });
  let left = n;
  const worker = async () => {
    while (left-- > 0) await one();
  };
  // Warm both ends up first.
  for (let i = 0; i < 2000; i++) await one();
  const s0 = processCpuSeconds(peer.pid);
  const t = await timed(() => Promise.all(Array.from({ length: inFlight }, worker)));
  const server = processCpuSeconds(peer.pid) - s0;
  agent.destroy();
  return { ...t, server };
}

/** The same exchange over raw TCP: one write of a small request, one write of the answer. */
async function tcpLoad(peer, n) {
  const socket = net.connect(peer.port, "127.0.0.1");
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once("connect", resolve));
  const request = Buffer.from("POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}");
  const roundTrips = (count) =>
    new Promise((resolve) => {
      let left = count;
      socket.on("data", function onData() {
        if (--left === 0) {
          socket.off("data", onData);
          resolve();
        } else socket.write(request);
      });
      socket.write(request);
    });
  await roundTrips(2000);
  const s0 = processCpuSeconds(peer.pid);
  const t = await timed(() => roundTrips(n));
  const server = processCpuSeconds(peer.pid) - s0;
  socket.destroy();
  return { ...t, server };
}

async function requests(n) {
  const lines = [];
  const httpPeer = await startPeer("http");
  try {
    for (const inFlight of [1, 8]) {
      const r = await httpLoad(httpPeer, n, inFlight);
      lines.push(`node:http, ${inFlight} in flight: ${Math.round(n / r.wall).toLocaleString("en")} requests/s; CPU per request: server ${us(r.server, n)}, client ${us(r.cpu, n)}`);
    }
  } finally {
    httpPeer.child.kill();
  }
  const tcpPeer = await startPeer("tcp");
  try {
    const r = await tcpLoad(tcpPeer, n);
    lines.push(`raw TCP, 1 in flight (one write each way): ${Math.round(n / r.wall).toLocaleString("en")} round trips/s; CPU per round trip: server ${us(r.server, n)}, client ${us(r.cpu, n)}`);
  } finally {
    tcpPeer.child.kill();
  }
  return lines;
}

async function handoffs(n) {
  const worker = new Worker(
    `const { parentPort } = require("node:worker_threads");
     parentPort.on("message", (m) => parentPort.postMessage(m));`,
    { eval: true },
  );
  try {
    const ping = (count) =>
      new Promise((resolve) => {
        let left = count;
        const onMessage = () => {
          if (--left === 0) {
            worker.off("message", onMessage);
            resolve();
          } else worker.postMessage(left);
        };
        worker.on("message", onMessage);
        worker.postMessage(left);
      });
    await ping(2000);
    const message = await timed(() => ping(n));
    return [`postMessage to a worker thread and back: ${us(message.wall, n)} per round trip (CPU of both threads ${us(message.cpu, n)})`, ...(await atomicsRoundTrips(n))];
  } finally {
    await worker.terminate();
  }
}

/** Atomics.notify to a thread waiting in Atomics.waitAsync, which answers the same way. */
async function atomicsRoundTrips(n) {
  const buffer = new SharedArrayBuffer(8);
  const w2 = new Worker(
    `const { workerData } = require("node:worker_threads");
     const cell = new Int32Array(workerData);
     // A pending Atomics.waitAsync does not keep a thread alive; this does.
     const alive = setInterval(() => {}, 1 << 30);
     (async () => {
       for (;;) {
         const w = Atomics.waitAsync(cell, 0, 0);
         if (w.async) await w.value;
         if (Atomics.load(cell, 0) === 2) break;
         Atomics.store(cell, 0, 0);
         Atomics.store(cell, 1, 1);
         Atomics.notify(cell, 1);
       }
       clearInterval(alive);
     })();`,
    { eval: true, workerData: buffer },
  );
  const cell = new Int32Array(buffer);
  try {
    const trips = async (count) => {
      for (let i = 0; i < count; i++) {
        Atomics.store(cell, 1, 0);
        Atomics.store(cell, 0, 1);
        Atomics.notify(cell, 0);
        const w = Atomics.waitAsync(cell, 1, 0);
        if (w.async) await w.value;
      }
    };
    await trips(2000);
    const t = await timed(() => trips(n));
    return [`Atomics.notify to a thread in Atomics.waitAsync and back: ${us(t.wall, n)} per round trip (CPU of both threads ${us(t.cpu, n)})`];
  } finally {
    Atomics.store(cell, 0, 2);
    Atomics.notify(cell, 0);
    await w2.terminate();
  }
}

async function main() {
  const opts = options();
  print(["bench machine-costs: unit costs of this machine under OpsDesk's hot paths", ...machineLines(), `code:    ${codeVersion()}`, ""]);
  print(await frames(opts.frames));
  print(await requests(opts.requests));
  print(await handoffs(opts.handoffs));
}

main().catch((err) => reportFailure("machine-costs", err));
