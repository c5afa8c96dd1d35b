import { Type } from "@sinclair/typebox";
import { CreateUserBody, errorResponses, IdParams, ListUsersQuery, RoleList, UpdateUserBody, User, UserList } from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { ROLE_META, ROLES, requirePermission } from "../../platform/auth/permissions.js";
import { createUser, deleteUser, getUser, listUsers, updateUser } from "./users.service.js";

const tags = ["Users"];

/** /api/v1/users and /api/v1/roles. */
export function userRoutes(app: App, { db }: AppContext): void {
  app.get(
    "/api/v1/users",
    {
      schema: { tags, summary: "List users", querystring: ListUsersQuery, response: { 200: UserList, ...errorResponses } },
      config: { permission: "users.read" },
    },
    async (req) => listUsers(db, actorOf(req), req.query),
  );
  app.post(
    "/api/v1/users",
    {
      schema: { tags, summary: "Create a user", body: CreateUserBody, response: { 201: User, ...errorResponses } },
      config: { permission: "users.write" },
    },
    async (req, reply) => reply.status(201).send(await createUser(db, actorOf(req), req.body)),
  );
  app.get(
    "/api/v1/users/:id",
    {
      schema: { tags, summary: "Get a user with their groups", params: IdParams, response: { 200: User, ...errorResponses } },
      config: { permission: "users.read" },
    },
    async (req) => getUser(db, actorOf(req), req.params.id),
  );
  app.patch(
    "/api/v1/users/:id",
    {
      schema: { tags, summary: "Update a user", params: IdParams, body: UpdateUserBody, response: { 200: User, ...errorResponses } },
      config: { permission: "users.write" },
    },
    async (req) => updateUser(db, actorOf(req), req.params.id, req.body),
  );
  app.delete(
    "/api/v1/users/:id",
    {
      schema: { tags, summary: "Delete a user", params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
      config: { permission: "users.write" },
    },
    async (req, reply) => {
      await deleteUser(db, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    "/api/v1/roles",
    {
      schema: { tags, summary: "List roles and their permissions", response: { 200: RoleList, ...errorResponses } },
      config: { permission: "roles.read" },
    },
    async (req) => {
      requirePermission(actorOf(req), "roles.read");
      return { items: ROLES.map((name) => ({ name, ...ROLE_META[name], permissions: [...ROLE_META[name].permissions] })) };
    },
  );
}
