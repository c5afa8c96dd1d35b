/**
 * Shapes returned by the OpsDesk HTTP API (v1), as the web UI uses them.
 * They mirror the server contract; dates are ISO-8601 strings.
 */

export interface GroupRef {
  id: string;
  name: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
  groups?: GroupRef[];
}

export interface Session {
  user: User;
  csrfToken: string;
  permissions: string[];
}

export interface Role {
  name: string;
  label: string;
  description: string;
  permissions: string[];
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface Group {
  id: string;
  name: string;
  description: string | null;
  email: string | null;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface Token {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  userEmail: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedToken {
  token: Token;
  secret: string;
}

export interface AuditEntry {
  /** A sequence number on the server; treated as opaque. */
  id: string | number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
}

/** Permission strings the UI checks. */
export type Permission =
  | "users.read"
  | "users.write"
  | "groups.read"
  | "groups.write"
  | "tokens.own"
  | "tokens.admin"
  | "audit.read"
  | "roles.read";
