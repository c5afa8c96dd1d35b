import { api } from "./client";
import type { Group, Page, User } from "./types";

export interface GroupListQuery {
  q?: string;
  sort?: string;
  limit?: number;
  offset?: number;
}

export interface GroupInput {
  name: string;
  description?: string;
  email?: string | null;
}

/** Lists groups matching the search, one page at a time. */
export function listGroups(query: GroupListQuery, signal?: AbortSignal): Promise<Page<Group>> {
  return api.get("/api/v1/groups", { query: { ...query }, signal });
}

/** One group. */
export function getGroup(id: string, signal?: AbortSignal): Promise<Group> {
  return api.get(`/api/v1/groups/${encodeURIComponent(id)}`, { signal });
}

/** Creates a group. */
export function createGroup(input: GroupInput): Promise<Group> {
  return api.post("/api/v1/groups", input);
}

/** Changes some fields of a group. */
export function updateGroup(id: string, patch: Partial<GroupInput>): Promise<Group> {
  return api.patch(`/api/v1/groups/${encodeURIComponent(id)}`, patch);
}

/** Deletes a group (its members stay). */
export function deleteGroup(id: string): Promise<void> {
  return api.delete(`/api/v1/groups/${encodeURIComponent(id)}`);
}

/** The members of a group. */
export function listMembers(groupId: string, signal?: AbortSignal): Promise<{ items: User[] }> {
  return api.get(`/api/v1/groups/${encodeURIComponent(groupId)}/members`, { signal });
}

/** Adds a user to a group; adding an existing member is harmless. */
export function addMember(groupId: string, userId: string): Promise<void> {
  return api.put(`/api/v1/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(userId)}`);
}

/** Removes a user from a group. */
export function removeMember(groupId: string, userId: string): Promise<void> {
  return api.delete(`/api/v1/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(userId)}`);
}
