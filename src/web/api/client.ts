/**
 * The one place that talks HTTP to the OpsDesk API: JSON in and out, the CSRF header on
 * cookie-authenticated writes, and every failure turned into an ApiError.
 */

export interface ApiErrorBody {
  error: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A failed API call, carrying the server's stable error code and details. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The request field the server blamed, e.g. "email", when it said so. */
  get field(): string | undefined {
    return typeof this.details.field === "string" ? this.details.field : undefined;
  }
}

/** Turns anything thrown into an ApiError so callers handle one type. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) return new ApiError(0, "client.error", error.message);
  return new ApiError(0, "client.error", "Something went wrong");
}

let csrfToken: string | null = null;

/** Remembers the CSRF token from login, setup or /auth/me for later writes. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const sessionEndedListeners = new Set<() => void>();

/** Called when an authenticated call answers 401, i.e. the session expired or was revoked. */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** A 401 is an expected answer here (login, /auth/me), not a lost session. */
  expectUnauthorized?: boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD"]);

function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function readError(response: Response): Promise<ApiError> {
  let body: Partial<ApiErrorBody> | null = null;
  try {
    body = (await response.json()) as Partial<ApiErrorBody>;
  } catch {
    body = null;
  }
  const code = typeof body?.error === "string" ? body.error : `http.${response.status}`;
  const message =
    typeof body?.message === "string" && body.message
      ? body.message
      : response.statusText || `The server answered ${response.status}`;
  const details = body?.details && typeof body.details === "object" ? body.details : {};
  return new ApiError(response.status, code, message, details);
}

/** Sends one request to the API and returns the parsed JSON (undefined for 204). */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  const hasBody = options.body !== undefined;
  if (hasBody) headers["content-type"] = "application/json";
  if (!SAFE_METHODS.has(method) && csrfToken) headers["x-csrf-token"] = csrfToken;

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body: hasBody ? JSON.stringify(options.body) : undefined,
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "network.unreachable", "Cannot reach the OpsDesk server. Check your connection and try again.");
  }

  if (!response.ok) {
    const error = await readError(response);
    if (response.status === 401 && !options.expectUnauthorized) {
      for (const listener of sessionEndedListeners) listener();
    }
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, "body">) => request<T>("GET", path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>("POST", path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>("PUT", path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>("PATCH", path, { ...options, body }),
  delete: <T = void>(path: string, options?: RequestOptions) => request<T>("DELETE", path, options),
};
