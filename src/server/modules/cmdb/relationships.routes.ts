import { Type } from "@sinclair/typebox";
import {
  CreateRelationshipBody,
  CreateRelationshipTypeBody,
  errorResponses,
  IdParams,
  ListRelationshipsQuery,
  Relationship,
  RelationshipList,
  RelationshipType,
  RelationshipTypeList,
} from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { createRelationship, createRelationshipType, deleteRelationship, getRelationship, listRelationships, listRelationshipTypes } from "./relationships.service.js";

const tags = ["CMDB"];

/** /api/v1/relationship-types and /api/v1/relationships. */
export function relationshipRoutes(app: App, { db }: AppContext): void {
  app.get(
    "/api/v1/relationship-types",
    { schema: { tags, summary: "List relationship types", response: { 200: RelationshipTypeList, ...errorResponses } }, config: { permission: "cmdb.read" } },
    async (req) => listRelationshipTypes(db, actorOf(req)),
  );
  app.post(
    "/api/v1/relationship-types",
    { schema: { tags, summary: "Add a relationship type", body: CreateRelationshipTypeBody, response: { 201: RelationshipType, ...errorResponses } }, config: { permission: "cmdb.admin" } },
    async (req, reply) => reply.status(201).send(await createRelationshipType(db, actorOf(req), req.body)),
  );
  app.get(
    "/api/v1/relationships",
    { schema: { tags, summary: "List relationships", querystring: ListRelationshipsQuery, response: { 200: RelationshipList, ...errorResponses } }, config: { permission: "cmdb.read" } },
    async (req) => listRelationships(db, actorOf(req), req.query),
  );
  app.post(
    "/api/v1/relationships",
    { schema: { tags, summary: "Relate two CIs (source <type> target)", body: CreateRelationshipBody, response: { 201: Relationship, ...errorResponses } }, config: { permission: "cmdb.write" } },
    async (req, reply) => reply.status(201).send(await createRelationship(db, actorOf(req), req.body)),
  );
  app.get(
    "/api/v1/relationships/:id",
    { schema: { tags, summary: "Get a relationship", params: IdParams, response: { 200: Relationship, ...errorResponses } }, config: { permission: "cmdb.read" } },
    async (req) => getRelationship(db, actorOf(req), req.params.id),
  );
  app.delete(
    "/api/v1/relationships/:id",
    { schema: { tags, summary: "Delete a relationship", params: IdParams, response: { 204: Type.Null(), ...errorResponses } }, config: { permission: "cmdb.write" } },
    async (req, reply) => {
      await deleteRelationship(db, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
