/**
 * POST /api/v2/alerts beside Fastify's request pipeline, for the request Prometheus sends
 * thousands of times a second: an API token this process resolved moments ago, JSON that
 * validates. Skipping Fastify's routing, hooks, content-type parsing and reply handling saves
 * about a tenth of the request thread's time per alert at batches of 1 (alternating runs of
 * bench alert-ingest, OPSDESK_FAST_INGEST=1/0); this path does the same checks itself, in the
 * same order, with the same code:
 * - it takes a request only when nothing about it needs Fastify: exact method and path, a JSON
 *   content type, a Content-Length within the body limit, no content encoding, a token
 *   (Bearer, or Basic with the token as password) that `recentActor` knows and whose
 *   "last used" time needs no update, and the `events.ingest` permission. Anything else
 *   (sessions and their CSRF check, unknown or due tokens, proxies, debug logging, shutdown)
 *   goes to Fastify untouched;
 * - the body is parsed by secure-json-parse with Fastify's settings (prototype poisoning is
 *   refused), validated by the same schema as the route's, and stored by the route's own
 *   `ingestPostable`;
 * - whatever goes wrong after the body was read (bad JSON, a schema or time error, a refused
 *   or failed ingest) is replayed through Fastify (`inject`, same method, URL, headers, body
 *   and client address), so every error answer, header and log line is the route's own. A
 *   refused or failed ingest stored nothing (the journal append is one statement), so the
 *   replay may try it again;
 * - success answers as the route does: 200, empty body, the API's security headers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import sjson from "secure-json-parse";
import { AmPostableAlerts, type AmPostableAlert } from "../../../contract/index.js";
import type { App } from "../../platform/context.js";
import type { Db } from "../../platform/db/schema.js";
import { recentActor, tokenFromHeader } from "../../platform/auth/authenticate.js";
import { can } from "../../platform/auth/permissions.js";
import { validatorCompiler } from "../../platform/http/validation.js";
import { API_SECURITY_HEADERS } from "../../platform/http/web.js";
import type { EventsEngine } from "./events.engine.js";
import { ingestPostable } from "./am.routes.js";

export const FAST_PATH_URL = "/api/v2/alerts";
const JSON_TYPE = /^application\/json\s*(;\s*charset=utf-?8\s*)?$/i;
const PARSE_OPTIONS = { protoAction: "error", constructorAction: "error" } as const;
// Headers of a replayed answer that belong to the connection, not to the answer.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "date"]);

export interface FastPathOptions {
  db: Db;
  engine: EventsEngine;
  bodyLimitBytes: number;
  /** True while the app shuts down: Fastify answers 503 then. */
  closing(): boolean;
  /** Records a request the fast path answered, as the metrics hook does for Fastify's. */
  observe(method: string, route: string, status: number, seconds: number): void;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** What the fast path did: requests it answered, and those it read and then handed to Fastify. */
export interface FastPathStats {
  answered: number;
  replayed: number;
}
const statsByApp = new WeakMap<object, FastPathStats>();

/** The app's fast-path counts (zeros when it has none). */
export function fastPathStats(app: object): FastPathStats {
  return statsByApp.get(app) ?? { answered: 0, replayed: 0 };
}

/** Puts the fast path in front of Fastify's request listener on the app's HTTP server. */
export function installAlertFastPath(app: App, options: FastPathOptions): void {
  const server = app.server;
  const fastify = server.listeners("request")[0] as Listener | undefined;
  if (!fastify) return;
  const stats: FastPathStats = { answered: 0, replayed: 0 };
  statsByApp.set(app, stats);
  const validate = validatorCompiler({ schema: AmPostableAlerts, method: "POST", url: FAST_PATH_URL, httpPart: "body" }) as (data: unknown) => boolean;

  const replay = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    stats.replayed++;
    app
      .inject({ method: "POST", url: req.url ?? FAST_PATH_URL, headers: req.headers, payload: body, remoteAddress: req.socket.remoteAddress })
      .then((answer) => {
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = typeof v === "number" ? String(v) : v;
        res.writeHead(answer.statusCode, headers);
        res.end(answer.rawPayload);
      })
      .catch(() => res.destroy());
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer, started: number) => {
    let alerts: unknown;
    try {
      alerts = sjson.parse(body.toString("utf8"), undefined, PARSE_OPTIONS);
    } catch {
      return replay(req, res, body);
    }
    if (!validate(alerts)) return replay(req, res, body);
    try {
      await ingestPostable(options.db, options.engine, alerts as AmPostableAlert[]);
    } catch {
      return replay(req, res, body);
    }
    res.writeHead(200, SUCCESS_HEADERS);
    res.end();
    stats.answered++;
    options.observe("POST", FAST_PATH_URL, 200, (performance.now() - started) / 1000);
  };

  const listener: Listener = (req, res) => {
    if (!takes(req, options)) return fastify(req, res);
    const started = performance.now();
    const length = Number(req.headers["content-length"]);
    // The body's chunks as the socket read them: most bodies come in one, used as it is. (A fresh
    // buffer of a batch of 100's size, ~25 KB, costs more to allocate than to fill.)
    const chunks: Buffer[] = [];
    let read = 0;
    let overflow = false;
    req.on("data", (chunk: Buffer) => {
      if (read + chunk.length > length) overflow = true;
      else chunks.push(chunk);
      read += chunk.length;
    });
    req.on("error", () => res.destroy());
    req.on("end", () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      // Node's parser holds the body to Content-Length; should it not, Fastify says what is wrong.
      if (overflow || read !== length) return replay(req, res, body);
      handle(req, res, body, started).catch(() => res.destroy());
    });
  };
  server.removeListener("request", fastify);
  server.on("request", listener);
}

const SUCCESS_HEADERS: Record<string, string> = { "content-length": "0", ...API_SECURITY_HEADERS };

/** True when the request is one the fast path answers as Fastify would (see the file's comment). */
function takes(req: IncomingMessage, options: FastPathOptions): boolean {
  if (req.method !== "POST" || req.url !== FAST_PATH_URL || options.closing()) return false;
  const h = req.headers;
  if (!h["content-type"] || !JSON_TYPE.test(h["content-type"])) return false;
  if (h["transfer-encoding"] !== undefined || h["content-encoding"] !== undefined) return false;
  const length = Number(h["content-length"]);
  if (!Number.isInteger(length) || length <= 0 || length > options.bodyLimitBytes) return false;
  const token = tokenFromHeader(h.authorization);
  if (!token) return false;
  const actor = recentActor(options.db, "t", token, req.socket.remoteAddress ?? null);
  return actor !== undefined && can(actor, "events.ingest");
}
