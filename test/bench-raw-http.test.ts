// The benchmarks' lean HTTP client (bench/lib/raw-http.mjs) against a real node:http server on
// loopback: the ticket-create figures count its statuses, so its framing must be right.
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs module of the benchmarks, without types
import { headFor, parseAnswer, RawHttpAgent, RawHttpConnection, requestHead } from "../bench/lib/raw-http.mjs";

let server: http.Server;
let port = 0;
const seen: Array<{ method: string; url: string; body: string; headers: http.IncomingHttpHeaders }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method!, url: req.url!, body, headers: req.headers });
      if (req.url === "/created") {
        res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      } else if (req.url === "/chunked") {
        res.writeHead(200, { "content-type": "text/plain" }); // no length: node sends it chunked
        res.write("first,");
        setTimeout(() => res.end("second"), 5);
      } else if (req.url === "/empty") {
        res.writeHead(204);
        res.end();
      } else if (req.url === "/slow-split") {
        // The head and the body in separate packets.
        res.writeHead(200, { "content-length": 5 });
        res.flushHeaders();
        setTimeout(() => res.end("hello"), 5);
      } else if (req.url === "/hang-up") {
        req.socket.destroy();
      } else {
        res.writeHead(404, { "content-length": 0 });
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const head = (method: string, path: string, length = 0) => requestHead({ method, path, host: `127.0.0.1:${port}`, headers: { authorization: "Bearer x", "content-type": "application/json" }, length });

describe("bench raw HTTP client", () => {
  it("sends a POST with its body and reads answers of every framing on one keep-alive connection", async () => {
    const conn = new RawHttpConnection("127.0.0.1", port);
    const body = Buffer.from(JSON.stringify({ title: "Disk full on db-1" }));
    const created = await conn.send(head("POST", "/created", body.length), body, { wantBody: true });
    expect(created).toEqual({ status: 201, text: body.toString() });
    expect(seen.at(-1)).toMatchObject({ method: "POST", url: "/created", body: body.toString() });
    expect(seen.at(-1)!.headers.authorization).toBe("Bearer x");
    expect(await conn.send(head("GET", "/chunked"), null, { wantBody: true })).toEqual({ status: 200, text: "first,second" });
    expect(await conn.send(head("GET", "/empty"), null)).toEqual({ status: 204, text: "" });
    expect(await conn.send(head("GET", "/slow-split"), null, { wantBody: true })).toEqual({ status: 200, text: "hello" });
    expect(await conn.send(head("GET", "/nowhere"), null)).toEqual({ status: 404, text: "" });
    conn.close();
  });

  it("reports a connection the server closes as an error, not an answer", async () => {
    const conn = new RawHttpConnection("127.0.0.1", port);
    const res = await conn.send(head("GET", "/hang-up"), null);
    expect(res.error).toBeTruthy();
    expect((await conn.send(head("GET", "/created"), null)).error).toBeTruthy();
  });

  it("reads answers that end with the connection and opens a new one for the next request (a server without keep-alive)", async () => {
    let connections = 0;
    const closing = net.createServer((socket) => {
      connections++;
      socket.once("data", () => {
        // HTTP/1.1 without a length: the body ends where the server closes the connection.
        socket.end(`HTTP/1.1 201 Created\r\nConnection: close\r\n\r\n{"id":${connections}}`);
      });
    });
    await new Promise<void>((resolve) => closing.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(closing.address() as AddressInfo).port}`;
    const agent = new RawHttpAgent(base);
    const h = requestHead({ method: "GET", path: "/", host: agent.hostHeader });
    expect(await agent.send(h, null, { wantBody: true })).toEqual({ status: 201, text: '{"id":1}' });
    expect(await agent.send(h, null, { wantBody: true })).toEqual({ status: 201, text: '{"id":2}' });
    expect(agent.opened).toBe(2);
    agent.close();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  });

  it("sends a request once more on a new connection when the server closed a reused one while it was idle", async () => {
    const agent = new RawHttpAgent(`http://127.0.0.1:${port}`);
    const h = head("GET", "/empty");
    expect((await agent.send(h, null)).status).toBe(204);
    server.closeIdleConnections();
    await new Promise((r) => setTimeout(r, 20));
    expect((await agent.send(h, null)).status).toBe(204);
    expect(agent.opened).toBe(2);
    expect(() => agent.bind("http://127.0.0.1:1")).toThrow(/cannot send/);
    agent.close();
  });

  it("reports a refused connection as an error", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const conn = new RawHttpConnection("127.0.0.1", freePort);
    expect((await conn.send(head("GET", "/"), null)).error).toBe("ECONNREFUSED");
  });

  it("builds request heads: the length only where a body may go, the caller's host and connection headers never twice", () => {
    const get = requestHead({ method: "GET", path: "/a?b=1", host: "h:1", headers: { Host: "other", accept: "application/json" } }).toString("latin1");
    expect(get).toBe("GET /a?b=1 HTTP/1.1\r\nhost: h:1\r\nconnection: keep-alive\r\naccept: application/json\r\n\r\n");
    const post = headFor({ method: "POST", path: "/t", host: "h:1", headers: { connection: "close", "content-length": "9" } });
    expect(post(0).toString("latin1")).toBe("POST /t HTTP/1.1\r\nhost: h:1\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n");
    expect(post(42).toString("latin1")).toMatch(/\r\ncontent-length: 42\r\n\r\n$/);
  });

  it("parses only complete answers", () => {
    const full = Buffer.from("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n");
    const first = parseAnswer(full);
    expect(first.status).toBe(201);
    expect(first.body.toString()).toBe("{}");
    expect(parseAnswer(full.subarray(first.end))).toBeNull();
    expect(parseAnswer(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc"))).toBeNull();
    expect(parseAnswer(Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"))).toBeNull();
    expect(parseAnswer(Buffer.from("SSH-2.0-OpenSSH\r\n\r\n")).error).toMatch(/not an HTTP/);
    expect(parseAnswer(Buffer.from("HTTP/1.1 200 OK\r\n\r\nabc")).error).toMatch(/Content-Length/);
    // Without a length, a closing server's body ends at the close.
    expect(parseAnswer(Buffer.from("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc"))).toBeNull();
    expect(parseAnswer(Buffer.from("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc"), true).body.toString()).toBe("abc");
    expect(parseAnswer(Buffer.from("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")).close).toBe(true);
  });
});
