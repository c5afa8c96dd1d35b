import { Type } from "@sinclair/typebox";
import {
  Ci,
  CiFieldSourceList,
  CiHistoryList,
  CiList,
  CiRelationshipList,
  CreateCiBody,
  errorResponses,
  IdentifyCiBody,
  IdentifyResult,
  IdParams,
  ListCiHistoryQuery,
  ListCisQuery,
  UpdateCiBody,
} from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { createCi, deleteCi, getCi, listCiHistory, listCis, listCiSources, updateCi } from "./cis.service.js";
import { identifyCi } from "./cmdb.identify.js";
import { listCiRelationships } from "./relationships.service.js";

const tags = ["CMDB"];

/** /api/v1/cis: configuration items, their identification, history, sources and relationships. */
export function ciRoutes(app: App, { db }: AppContext): void {
  app.get(
    "/api/v1/cis",
    { schema: { tags, summary: "List configuration items", querystring: ListCisQuery, response: { 200: CiList, ...errorResponses } }, config: { permission: "cmdb.read" } },
    async (req) => listCis(db, actorOf(req), req.query),
  );
  app.post(
    "/api/v1/cis",
    {
      schema: { tags, summary: "Create a configuration item (409 when its identifiers match an existing one)", body: CreateCiBody, response: { 201: Ci, ...errorResponses } },
      config: { permission: "cmdb.write" },
    },
    async (req, reply) => reply.status(201).send(await createCi(db, actorOf(req), req.body)),
  );
  app.post(
    "/api/v1/cis/identify",
    {
      schema: {
        tags,
        summary: "Identify or create: match by the class's identification rules, reconcile by source precedence",
        body: IdentifyCiBody,
        response: { 200: IdentifyResult, ...errorResponses },
      },
      config: { permission: "cmdb.write" },
    },
    async (req) => {
      const { source, ...record } = req.body;
      return identifyCi(db, actorOf(req), source ?? "api", record);
    },
  );
  app.get(
    "/api/v1/cis/:id",
    { schema: { tags, summary: "Get a configuration item", params: IdParams, response: { 200: Ci, ...errorResponses } }, config: { permission: "cmdb.read" } },
    async (req) => getCi(db, actorOf(req), req.params.id),
  );
  app.patch(
    "/api/v1/cis/:id",
    { schema: { tags, summary: "Edit a configuration item", params: IdParams, body: UpdateCiBody, response: { 200: Ci, ...errorResponses } }, config: { permission: "cmdb.write" } },
    async (req) => updateCi(db, actorOf(req), req.params.id, req.body),
  );
  app.delete(
    "/api/v1/cis/:id",
    { schema: { tags, summary: "Delete a configuration item and its relationships", params: IdParams, response: { 204: Type.Null(), ...errorResponses } }, config: { permission: "cmdb.write" } },
    async (req, reply) => {
      await deleteCi(db, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    "/api/v1/cis/:id/history",
    {
      schema: { tags, summary: "A CI's changes: who or what changed which field from what to what", params: IdParams, querystring: ListCiHistoryQuery, response: { 200: CiHistoryList, ...errorResponses } },
      config: { permission: "cmdb.read" },
    },
    async (req) => listCiHistory(db, actorOf(req), req.params.id, req.query),
  );
  app.get(
    "/api/v1/cis/:id/sources",
    { schema: { tags, summary: "Which source set each field and when it was last confirmed", params: IdParams, response: { 200: CiFieldSourceList, ...errorResponses } }, config: { permission: "cmdb.read" } },
    async (req) => listCiSources(db, actorOf(req), req.params.id),
  );
  app.get(
    "/api/v1/cis/:id/relationships",
    { schema: { tags, summary: "A CI's relationships in both directions", params: IdParams, response: { 200: CiRelationshipList, ...errorResponses } }, config: { permission: "cmdb.read" } },
    async (req) => listCiRelationships(db, actorOf(req), req.params.id),
  );
}
