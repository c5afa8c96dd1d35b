// A lean HTTP/1.1 keep-alive client for load generation: one TCP connection, one request in
// flight, requests written as one prebuilt buffer and answers parsed only as far as the status
// line, Content-Length (or chunked framing) and, when asked for, the body. Node's http client
// costs ~50 us of CPU per request on this guest (bench/machine-costs); on a 2-core machine that
// the load generator shares with the server, every microsecond it spends is one the server
// under test does not get. This one spends a fraction of that, as wrk does.
import net from "node:net";

const CRLF2 = Buffer.from("\r\n\r\n");

/**
 * A function of the body's length giving the request's head (request line and headers) for
 * `method path` with these headers: the fixed part is built once, for a load that sends many.
 */
export function headFor({ method, path, host, headers = {} }) {
  const lines = [`${method} ${path} HTTP/1.1`, `host: ${host}`, "connection: keep-alive"];
  for (const [k, v] of Object.entries(headers)) if (!/^(host|connection|content-length)$/i.test(k)) lines.push(`${k}: ${v}`);
  const fixed = Buffer.from(lines.join("\r\n") + "\r\n", "latin1");
  const bodied = method === "POST" || method === "PUT" || method === "PATCH";
  const end = Buffer.from("\r\n", "latin1");
  return (length = 0) => Buffer.concat([fixed, length || bodied ? Buffer.from(`content-length: ${length}\r\n\r\n`, "latin1") : end]);
}

/** The request's head for `method path` with these headers and a body of `length` bytes. */
export function requestHead({ length = 0, ...request }) {
  return headFor(request)(length);
}

export class RawHttpConnection {
  #socket;
  #buf = Buffer.alloc(0);
  /** The request in flight: its resolve/reject and whether the body is wanted. */
  #pending = null;
  #closed = null;
  /** Requests answered on this connection (a reused one may have been closed by the server meanwhile). */
  answered = 0;
  #connected;

  constructor(host, port) {
    this.#socket = net.connect({ host, port, noDelay: true });
    this.#connected = new Promise((resolve, reject) => {
      this.#socket.once("connect", resolve);
      this.#socket.once("error", reject);
    });
    this.#connected.catch(() => {});
    this.#socket.on("data", (chunk) => this.#onData(chunk));
    this.#socket.on("error", (err) => this.#fail(err.code || err.message));
    this.#socket.on("close", () => this.#onClose());
  }

  /** True once the connection cannot take another request (closed, failed, or the server said `connection: close`). */
  get done() {
    return this.#closed !== null;
  }

  /** Sends one request (`head`, then `body` if any) and resolves with { status, text? } or { error }. */
  async send(head, body, { wantBody = false, timeoutMs = 30_000 } = {}) {
    if (this.#closed) return { error: this.#closed };
    try {
      await this.#connected;
    } catch (err) {
      return { error: err.code || err.message };
    }
    if (this.#pending) throw new Error("one request at a time per connection");
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#fail("TIMEOUT");
        this.#socket.destroy();
      }, timeoutMs);
      this.#pending = { resolve, wantBody, timer };
      if (body?.length) this.#socket.write(Buffer.concat([head, body]));
      else this.#socket.write(head);
    });
  }

  close() {
    this.#closed ??= "closed";
    this.#socket.destroy();
  }

  #fail(error) {
    this.#closed ??= error;
    const p = this.#pending;
    this.#pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.resolve({ error });
    }
  }

  #onData(chunk) {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    while (this.#pending && this.#buf.length) {
      const answer = parseAnswer(this.#buf);
      if (answer === null) return; // incomplete
      if (answer.error) {
        this.#fail(answer.error);
        this.#socket.destroy();
        return;
      }
      this.#buf = this.#buf.subarray(answer.end);
      if (answer.close) {
        this.#closed ??= "closed by the server";
        this.#socket.end();
      }
      this.#answer(answer);
    }
  }

  #answer(answer) {
    const p = this.#pending;
    this.#pending = null;
    this.answered++;
    clearTimeout(p.timer);
    p.resolve({ status: answer.status, text: p.wantBody ? answer.body.toString("utf8") : "" });
  }

  /** The server closed: a body delimited by the close is complete now; any other request in flight failed. */
  #onClose() {
    if (this.#pending && this.#buf.length) {
      const answer = parseAnswer(this.#buf, true);
      if (answer && !answer.error) {
        this.#closed ??= "closed by the server";
        this.#buf = Buffer.alloc(0);
        this.#answer(answer);
        return;
      }
    }
    this.#fail("ECONNRESET");
  }
}

/**
 * One complete answer at the start of `buf`: { status, body, end, close }, null when more bytes
 * are needed, or { error }. `atClose`: the server has closed the connection, which ends a body
 * that has neither Content-Length nor chunked framing.
 */
export function parseAnswer(buf, atClose = false) {
  const headEnd = buf.indexOf(CRLF2);
  if (headEnd < 0) return buf.length > 64 * 1024 ? { error: "answer head over 64 KB" } : null;
  const head = buf.toString("latin1", 0, headEnd);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (!m) return { error: "not an HTTP/1.1 answer" };
  const status = Number(m[1]);
  const bodyStart = headEnd + 4;
  const close = /\r\nconnection: *close/i.test(head) || (head.startsWith("HTTP/1.0") && !/\r\nconnection: *keep-alive/i.test(head));
  const length = /\r\ncontent-length: *(\d+)/i.exec(head);
  if (length) {
    const end = bodyStart + Number(length[1]);
    return buf.length < end ? null : { status, body: buf.subarray(bodyStart, end), end, close };
  }
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
    const parts = [];
    let at = bodyStart;
    for (;;) {
      const lineEnd = buf.indexOf("\r\n", at, "latin1");
      if (lineEnd < 0) return null;
      const size = parseInt(buf.toString("latin1", at, lineEnd), 16);
      if (Number.isNaN(size)) return { error: "bad chunk size" };
      const dataStart = lineEnd + 2;
      if (size === 0) {
        // No trailers from the servers measured here: the last chunk ends with an empty line.
        if (buf.length < dataStart + 2) return null;
        return { status, body: Buffer.concat(parts), end: dataStart + 2, close };
      }
      if (buf.length < dataStart + size + 2) return null;
      parts.push(buf.subarray(dataStart, dataStart + size));
      at = dataStart + size + 2;
    }
  }
  // No body framing: only answers that have none (204, 304, 1xx) are expected here.
  if (status === 204 || status === 304 || status < 200) return { status, body: Buffer.alloc(0), end: bodyStart, close };
  // Otherwise the body runs to the end of the connection (HTTP/1.1 section 6.3, rule 7).
  if (!close) return { error: "answer without Content-Length or chunked framing on a kept-alive connection" };
  return atClose ? { status, body: buf.subarray(bodyStart), end: buf.length, close } : null;
}

/**
 * Requests to one server over one connection at a time, opened again whenever the server closes
 * it (servers that close after each answer, as RT's Starlet does by default). A GET that fails
 * on a reused connection before any answer (the server closed it just as it was sent) is sent
 * once more on a new one, as browsers do; any other method is not, since the server may have
 * acted on it.
 */
export class RawHttpAgent {
  #host;
  #port;
  #conn = null;
  opened = 0;

  /** `baseUrl` (http://host:port) now or at the first bind(). */
  constructor(baseUrl = null) {
    if (baseUrl) this.bind(baseUrl);
  }

  /** Binds the agent to its server; an agent serves one server only. */
  bind(baseUrl) {
    const u = new URL(baseUrl);
    if (this.hostHeader === undefined) {
      this.#host = u.hostname;
      this.#port = Number(u.port || 80);
      this.hostHeader = u.host;
    } else if (this.hostHeader !== u.host) {
      throw new Error(`a RawHttpAgent for ${this.hostHeader} cannot send to ${u.host}`);
    }
    return this;
  }

  async send(head, body, options) {
    if (this.hostHeader === undefined) throw new Error("RawHttpAgent: bind() it to a server first");
    for (let attempt = 0; ; attempt++) {
      if (!this.#conn || this.#conn.done) {
        this.#conn?.close();
        this.#conn = new RawHttpConnection(this.#host, this.#port);
        this.opened++;
      }
      const conn = this.#conn;
      const reused = conn.answered > 0;
      const res = await conn.send(head, body, options);
      if (!res.error || !reused || attempt > 0 || head.toString("latin1", 0, 4) !== "GET ") return res;
    }
  }

  close() {
    this.#conn?.close();
    this.#conn = null;
  }
}
