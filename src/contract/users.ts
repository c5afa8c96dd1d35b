import { Type, type Static } from "@sinclair/typebox";
import { Id, NullableTimestamp, PageQuery, SortQuery, Timestamp, ListOf } from "./common.js";

export const RoleName = Type.Union(
  [Type.Literal("admin"), Type.Literal("agent"), Type.Literal("requester"), Type.Literal("viewer")],
  { description: "Role: admin, agent, requester or viewer" },
);

export const Email = Type.String({ format: "email", maxLength: 254, description: "Email address (case-insensitive, unique)" });
export const Password = Type.String({ minLength: 8, maxLength: 256, description: "Password, 8 to 256 characters" });
export const PersonName = Type.String({ minLength: 1, maxLength: 200, description: "Display name" });

export const GroupRef = Type.Object({ id: Id, name: Type.String() });

export const User = Type.Object(
  {
    id: Id,
    email: Type.String(),
    name: Type.String(),
    role: RoleName,
    active: Type.Boolean({ description: "Inactive users cannot sign in or use tokens" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    lastLoginAt: NullableTimestamp,
    groups: Type.Optional(Type.Array(GroupRef, { description: "Groups the user belongs to" })),
  },
  { title: "User", description: "A person who uses OpsDesk" },
);
export type User = Static<typeof User>;

export const CreateUserBody = Type.Object(
  {
    email: Email,
    name: PersonName,
    role: RoleName,
    password: Type.Optional(Password),
    active: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    email: Type.Optional(Email),
    name: Type.Optional(PersonName),
    role: Type.Optional(RoleName),
    active: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const ListUsersQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: "Search in name and email" })),
    role: Type.Optional(RoleName),
    active: Type.Optional(Type.Boolean({ description: "Only active (true) or inactive (false) users" })),
    sort: SortQuery(["name", "email", "createdAt", "lastLoginAt"]),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListUsersQuery = Static<typeof ListUsersQuery>;

export const UserList = ListOf(User, "A page of users");

export const RoleInfo = Type.Object({
  name: RoleName,
  label: Type.String(),
  description: Type.String(),
  permissions: Type.Array(Type.String()),
});
export const RoleList = Type.Object({ items: Type.Array(RoleInfo) });
