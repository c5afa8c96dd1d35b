/** Serves the built web UI (dist/web) with a single-page-app fallback and security headers. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/** The package root (the folder holding package.json), from this file's location. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

/** Where the built UI is, or null when it has not been built. */
export function findWebDir(configured: string | null): string | null {
  const dir = configured ?? path.join(packageRoot(), "dist", "web");
  return fs.existsSync(path.join(dir, "index.html")) ? dir : null;
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join("; ");

/** Headers every API answer carries (the alert fast path, modules/events/am.fastpath.ts, sends them too). */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
});

/** Mounts the UI; unknown GET paths outside /api answer with index.html so deep links work. */
export async function installWeb(app: FastifyInstance, webDir: string | null): Promise<void> {
  // A callback hook: an async one costs every response a promise and a microtask turn.
  app.addHook("onSend", (request, reply, payload, done) => {
    reply.header("x-content-type-options", API_SECURITY_HEADERS["x-content-type-options"]);
    reply.header("referrer-policy", API_SECURITY_HEADERS["referrer-policy"]);
    if (!request.url.startsWith("/api/docs")) {
      reply.header("x-frame-options", API_SECURITY_HEADERS["x-frame-options"]);
      const type = String(reply.getHeader("content-type") ?? "");
      if (type.startsWith("text/html")) reply.header("content-security-policy", CSP);
    }
    done(null, payload);
  });
  if (!webDir) {
    app.get("/", { schema: { hide: true }, config: { auth: "public" } }, async (_req, reply) =>
      reply
        .type("text/html")
        .send("<!doctype html><title>OpsDesk</title><p>The web UI is not built. Run <code>npm run build</code>, then reload. The API is at <a href=\"/api/docs\">/api/docs</a>.</p>"),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: webDir,
    wildcard: false,
    index: ["index.html"],
    decorateReply: true,
    cacheControl: false,
    // Bundles under /assets carry a content hash: cache them for good. The page itself must be
    // revalidated, or a browser would keep an old page pointing at bundles an upgrade removed.
    setHeaders(res, filePath) {
      const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
      res.setHeader("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
}

/** True when a not-found GET should get the UI's index.html (deep link into the SPA). */
export function wantsSpa(method: string, url: string): boolean {
  return (method === "GET" || method === "HEAD") && !url.startsWith("/api") && !/\.[a-z0-9]+($|\?)/i.test(url);
}
