import { api } from "./client";
import type { Session } from "./types";

/** First-run state: whether the first administrator still has to be created. */
export function getSetupStatus(signal?: AbortSignal): Promise<{ needed: boolean }> {
  return api.get("/api/v1/setup", { signal });
}

/** Creates the first administrator and signs them in. */
export function runSetup(input: { email: string; name: string; password: string }): Promise<Session> {
  return api.post("/api/v1/setup", input);
}

/** Signs in with email and password. */
export function login(input: { email: string; password: string }): Promise<Session> {
  return api.post("/api/v1/auth/login", input, { expectUnauthorized: true });
}

/** Ends the current session. */
export function logout(): Promise<void> {
  return api.post("/api/v1/auth/logout", undefined, { expectUnauthorized: true });
}

/** The signed-in user, their CSRF token and permissions; 401 when nobody is signed in. */
export function getMe(signal?: AbortSignal): Promise<Session> {
  return api.get("/api/v1/auth/me", { signal, expectUnauthorized: true });
}

/** Changes the signed-in user's password. */
export function changePassword(input: { currentPassword: string; newPassword: string }): Promise<void> {
  return api.post("/api/v1/auth/password", input, { expectUnauthorized: true });
}
