import { Type } from "@sinclair/typebox";
import { CreateGroupBody, errorResponses, Group, GroupList, IdParams, ListGroupsQuery, MemberList, MemberParams, UpdateGroupBody } from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { addMember, createGroup, deleteGroup, getGroup, listGroups, listMembers, removeMember, updateGroup } from "./groups.service.js";

const tags = ["Groups"];
const NoContent = { 204: Type.Null(), ...errorResponses };

/** /api/v1/groups and their members. */
export function groupRoutes(app: App, { db }: AppContext): void {
  app.get(
    "/api/v1/groups",
    { schema: { tags, summary: "List groups", querystring: ListGroupsQuery, response: { 200: GroupList, ...errorResponses } }, config: { permission: "groups.read" } },
    async (req) => listGroups(db, actorOf(req), req.query),
  );
  app.post(
    "/api/v1/groups",
    { schema: { tags, summary: "Create a group", body: CreateGroupBody, response: { 201: Group, ...errorResponses } }, config: { permission: "groups.write" } },
    async (req, reply) => reply.status(201).send(await createGroup(db, actorOf(req), req.body)),
  );
  app.get(
    "/api/v1/groups/:id",
    { schema: { tags, summary: "Get a group", params: IdParams, response: { 200: Group, ...errorResponses } }, config: { permission: "groups.read" } },
    async (req) => getGroup(db, actorOf(req), req.params.id),
  );
  app.patch(
    "/api/v1/groups/:id",
    {
      schema: { tags, summary: "Update a group", params: IdParams, body: UpdateGroupBody, response: { 200: Group, ...errorResponses } },
      config: { permission: "groups.write" },
    },
    async (req) => updateGroup(db, actorOf(req), req.params.id, req.body),
  );
  app.delete(
    "/api/v1/groups/:id",
    { schema: { tags, summary: "Delete a group", params: IdParams, response: NoContent }, config: { permission: "groups.write" } },
    async (req, reply) => {
      await deleteGroup(db, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    "/api/v1/groups/:id/members",
    { schema: { tags, summary: "List a group's members", params: IdParams, response: { 200: MemberList, ...errorResponses } }, config: { permission: "groups.read" } },
    async (req) => listMembers(db, actorOf(req), req.params.id),
  );
  app.put(
    "/api/v1/groups/:id/members/:userId",
    { schema: { tags, summary: "Add a member (idempotent)", params: MemberParams, response: NoContent }, config: { permission: "groups.write" } },
    async (req, reply) => {
      await addMember(db, actorOf(req), req.params.id, req.params.userId);
      return reply.status(204).send(null);
    },
  );
  app.delete(
    "/api/v1/groups/:id/members/:userId",
    { schema: { tags, summary: "Remove a member", params: MemberParams, response: NoContent }, config: { permission: "groups.write" } },
    async (req, reply) => {
      await removeMember(db, actorOf(req), req.params.id, req.params.userId);
      return reply.status(204).send(null);
    },
  );
}
