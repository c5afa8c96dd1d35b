/**
 * Roles and permissions as data. Services call `requirePermission`; routes declare the
 * permission they need so the OpenAPI document (and the generated access tests) know it.
 */
import { ForbiddenError } from "../errors.js";

export const PERMISSIONS = [
  "users.read",
  "users.write",
  "groups.read",
  "groups.write",
  "roles.read",
  "tokens.own",
  "tokens.admin",
  "audit.read",
  "settings.admin",
  "cmdb.read",
  "cmdb.write",
  "cmdb.admin",
  // Tickets (incidents, problems, changes, requests, tasks): read all, work them, administer
  // their settings; requesters hold only tickets.own (their own records, public entries).
  "tickets.read",
  "tickets.write",
  "tickets.own",
  "tickets.admin",
  // Event management: read alerts, act on them (silences, acknowledge), push alerts in
  // (Prometheus, webhooks), administer rules and mappings.
  "events.read",
  "events.write",
  "events.ingest",
  "events.admin",
  // Service levels: read SLA definitions and timers, administer definitions and calendars.
  "sla.read",
  "sla.admin",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ["admin", "agent", "requester", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** Metadata of each role: what people see in the UI and what it may do. */
export const ROLE_META: Record<Role, { label: string; description: string; permissions: readonly Permission[] }> = {
  admin: {
    label: "Administrator",
    description: "Full access, including users, groups, tokens, settings and the audit trail.",
    permissions: PERMISSIONS,
  },
  agent: {
    label: "Agent",
    description: "Works tickets and operations; reads the directory of users and groups; edits the CMDB.",
    permissions: [
      "users.read", "groups.read", "roles.read", "tokens.own", "cmdb.read", "cmdb.write",
      "tickets.read", "tickets.write", "events.read", "events.write", "events.ingest", "sla.read",
    ],
  },
  viewer: {
    label: "Viewer",
    description: "Read-only access to everything agents can see.",
    permissions: ["users.read", "groups.read", "roles.read", "tokens.own", "cmdb.read", "tickets.read", "events.read", "sla.read"],
  },
  requester: {
    label: "Requester",
    description: "Reports issues and requests services; sees only their own records.",
    permissions: ["tokens.own", "tickets.own"],
  },
};

/** Who is acting: a signed-in user, a token holder, or OpsDesk itself. */
export interface Actor {
  kind: "user" | "system";
  id: string | null;
  name: string;
  email: string | null;
  role: Role | null;
  permissions: ReadonlySet<Permission>;
  via: "session" | "token" | "system";
  sessionId?: string;
  csrfToken?: string;
  tokenId?: string;
  ip?: string | null;
}

/** The actor used for work OpsDesk does on its own (jobs, migrations, CLI). */
export const SYSTEM_ACTOR: Actor = {
  kind: "system",
  id: null,
  name: "system",
  email: null,
  role: null,
  permissions: new Set(PERMISSIONS),
  via: "system",
};

/** True when the string names a known role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The permission set of a role. */
export function permissionsOf(role: string): ReadonlySet<Permission> {
  return new Set(isRole(role) ? ROLE_META[role].permissions : []);
}

/** True when the actor holds the permission. */
export function can(actor: Actor, permission: Permission): boolean {
  return actor.permissions.has(permission);
}

/** Throws 403 unless the actor holds the permission. */
export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) {
    throw new ForbiddenError("auth.forbidden", `This needs the "${permission}" permission`, { permission });
  }
}
