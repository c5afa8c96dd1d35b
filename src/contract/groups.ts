import { Type, type Static } from "@sinclair/typebox";
import { Id, ListOf, PageQuery, SortQuery, Timestamp } from "./common.js";
import { Email, User } from "./users.js";

export const Group = Type.Object(
  {
    id: Id,
    name: Type.String(),
    description: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    memberCount: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: "Group", description: "An assignment group, e.g. Service Desk or Network Ops" },
);
export type Group = Static<typeof Group>;

const GroupName = Type.String({ minLength: 1, maxLength: 120, description: "Unique group name" });
const Description = Type.String({ maxLength: 2000, description: "What the group does" });

export const CreateGroupBody = Type.Object(
  { name: GroupName, description: Type.Optional(Description), email: Type.Optional(Type.Union([Email, Type.Null()])) },
  { additionalProperties: false },
);
export type CreateGroupBody = Static<typeof CreateGroupBody>;

export const UpdateGroupBody = Type.Object(
  { name: Type.Optional(GroupName), description: Type.Optional(Description), email: Type.Optional(Type.Union([Email, Type.Null()])) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateGroupBody = Static<typeof UpdateGroupBody>;

export const ListGroupsQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: "Search in name and description" })),
    sort: SortQuery(["name", "createdAt"]),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListGroupsQuery = Static<typeof ListGroupsQuery>;

export const GroupList = ListOf(Group, "A page of groups");
export const MemberList = Type.Object({ items: Type.Array(User) });
export const MemberParams = Type.Object({ id: Id, userId: Id }, { additionalProperties: false });
export type MemberParams = Static<typeof MemberParams>;
