/** Maps every error to the one response shape `{error, message, details}`, once. */
import type { FastifyError, FastifyInstance } from "fastify";
import { AppError, ThrottledError } from "../errors.js";
import { describeValidation } from "./validation.js";
import { wantsSpa } from "./web.js";

interface Mapped {
  status: number;
  body: { error: string; message: string; details: Record<string, unknown> };
}

const FASTIFY_CODES: Record<string, { status: number; error: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: "request.malformed_json", message: "The request body is not valid JSON" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: "request.empty_body", message: "The request body is empty but the content type says JSON" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 400, error: "request.unsupported_content_type", message: "Unsupported content type; send application/json" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: "request.bad_content_length", message: "Content-Length does not match the body" },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: "request.too_large", message: "The request body is too large" },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, error: "request.unsupported_content_type", message: "Invalid content type" },
};

function map(err: FastifyError & { validation?: unknown[]; validationContext?: string }): Mapped {
  if (err instanceof AppError) {
    return { status: err.status, body: { error: err.code, message: err.message, details: err.details } };
  }
  if (err.validation) {
    const d = describeValidation(err.validation as never, err.validationContext);
    return {
      status: 400,
      body: { error: "request.invalid", message: d.message, details: { field: d.field, in: err.validationContext, problems: d.problems } },
    };
  }
  const known = err.code ? FASTIFY_CODES[err.code] : undefined;
  if (known) {
    const details: Record<string, unknown> = { field: "body" };
    if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") details.field = "content-type";
    return { status: known.status, body: { error: known.error, message: known.message, details } };
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return { status: err.statusCode, body: { error: "request.invalid", message: err.message, details: {} } };
  }
  return { status: 500, body: { error: "internal", message: "Something went wrong on our side; it has been logged", details: {} } };
}

/**
 * Installs the error and not-found handlers. With `spa`, unknown GET paths outside /api get
 * the web UI's index.html so that deep links into the single-page app work.
 */
export function installErrorHandling(app: FastifyInstance, options: { spa?: boolean } = {}): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const { status, body } = map(err);
    if (status >= 500) request.log.error({ err }, "request failed");
    if (err instanceof ThrottledError) reply.header("retry-after", String(err.retryAfterSeconds));
    if (status === 401) reply.header("www-authenticate", 'Bearer realm="opsdesk"');
    return reply.status(status).type("application/json").send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    if (options.spa && wantsSpa(request.method, request.url)) return reply.type("text/html").sendFile("index.html");
    return reply.status(404).send({ error: "route.not_found", message: `No route ${request.method} ${request.url.split("?")[0]}`, details: {} });
  });
}
