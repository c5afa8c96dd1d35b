import { Type, type Static } from "@sinclair/typebox";
import { ListOf, PageQuery, Timestamp } from "./common.js";

export const AuditEntry = Type.Object(
  {
    id: Type.Integer(),
    at: Timestamp,
    actorId: Type.Union([Type.String(), Type.Null()]),
    actorName: Type.Union([Type.String(), Type.Null()]),
    action: Type.String({ description: "create, update, delete, login, logout, ..." }),
    entity: Type.String({ description: "Kind of record, e.g. user, group, api_token" }),
    entityId: Type.String(),
    before: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    after: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
  },
  { title: "AuditEntry", description: "One change in the audit trail" },
);
export type AuditEntry = Static<typeof AuditEntry>;

export const ListAuditQuery = Type.Object(
  {
    entity: Type.Optional(Type.String({ maxLength: 100 })),
    entityId: Type.Optional(Type.String({ maxLength: 100 })),
    actorId: Type.Optional(Type.String({ maxLength: 100 })),
    action: Type.Optional(Type.String({ maxLength: 100 })),
    since: Type.Optional(Type.String({ format: "date-time", description: "Only entries at or after this time" })),
    until: Type.Optional(Type.String({ format: "date-time", description: "Only entries before this time" })),
    sort: Type.Optional(Type.Union([Type.Literal("at"), Type.Literal("-at")], { description: "Default -at (newest first)" })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListAuditQuery = Static<typeof ListAuditQuery>;
export const AuditList = ListOf(AuditEntry, "A page of audit entries");
