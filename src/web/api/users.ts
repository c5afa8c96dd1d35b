import { api } from "./client";
import type { Page, Role, User } from "./types";

export interface UserListQuery {
  q?: string;
  role?: string;
  active?: boolean;
  sort?: string;
  limit?: number;
  offset?: number;
}

export interface UserInput {
  email: string;
  name: string;
  role: string;
  active?: boolean;
  password?: string;
}

/** Lists users matching the filters, one page at a time. */
export function listUsers(query: UserListQuery, signal?: AbortSignal): Promise<Page<User>> {
  return api.get("/api/v1/users", { query: { ...query }, signal });
}

/** One user with the groups they belong to. */
export function getUser(id: string, signal?: AbortSignal): Promise<User> {
  return api.get(`/api/v1/users/${encodeURIComponent(id)}`, { signal });
}

/** Creates a user. */
export function createUser(input: UserInput): Promise<User> {
  return api.post("/api/v1/users", input);
}

/** Changes some fields of a user. */
export function updateUser(id: string, patch: Partial<UserInput>): Promise<User> {
  return api.patch(`/api/v1/users/${encodeURIComponent(id)}`, patch);
}

/** Deletes a user. */
export function deleteUser(id: string): Promise<void> {
  return api.delete(`/api/v1/users/${encodeURIComponent(id)}`);
}

/** The roles a user can have, with their permissions. */
export function listRoles(signal?: AbortSignal): Promise<{ items: Role[] }> {
  return api.get("/api/v1/roles", { signal });
}
