/**
 * Application errors carry a stable code and map to one HTTP status. Services throw them;
 * app.ts maps them (and Fastify's own errors) to `{error, message, details}` once.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the input is wrong; `details.field` names the culprit when there is one. */
export class ValidationError extends AppError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(400, code, message, details);
  }
}

/** 401: no valid credentials. */
export class UnauthenticatedError extends AppError {
  constructor(code = "auth.required", message = "Authentication required") {
    super(401, code, message);
  }
}

/** 403: authenticated but not allowed. */
export class ForbiddenError extends AppError {
  constructor(code = "auth.forbidden", message = "You are not allowed to do this", details: Record<string, unknown> = {}) {
    super(403, code, message, details);
  }
}

/** 404: no such record (or not visible to the caller). */
export class NotFoundError extends AppError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(404, code, message, details);
  }
}

/** 409: the request conflicts with the current state. */
export class ConflictError extends AppError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(409, code, message, details);
  }
}

/** 429: slow down. */
export class ThrottledError extends AppError {
  constructor(code: string, message: string, readonly retryAfterSeconds: number) {
    super(429, code, message, { retryAfterSeconds });
  }
}

/** True when a database error is a unique-constraint violation (either dialect). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** True when a database error is a foreign-key violation (either dialect). */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === "23503" || e?.code === "SQLITE_CONSTRAINT_FOREIGNKEY";
}
