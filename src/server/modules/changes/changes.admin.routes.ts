/** Configuration of change management: standard change templates, approval rules, blackout windows. */
import { Type } from "@sinclair/typebox";
import {
  ChangeApprovalRule,
  ChangeApprovalRuleList,
  ChangeBlackout,
  ChangeBlackoutList,
  ChangeRecordParams,
  ChangeTemplate,
  ChangeTemplateList,
  CreateApprovalRuleBody,
  CreateChangeBlackoutBody,
  CreateChangeTemplateBody,
  errorResponses,
  ListApprovalRulesQuery,
  ListChangeBlackoutsQuery,
  ListChangeTemplatesQuery,
  UpdateApprovalRuleBody,
  UpdateChangeBlackoutBody,
  UpdateChangeTemplateBody,
} from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { createBlackout, deleteBlackout, getBlackout, listBlackouts, updateBlackout } from "./changes.blackouts.js";
import { createRule, deleteRule, getRule, listRules, updateRule } from "./changes.rules.js";
import { createTemplate, deleteTemplate, getTemplate, listTemplates, updateTemplate } from "./changes.templates.js";

const tags = ["Changes"];
const params = ChangeRecordParams;

/** Mounts /api/v1/change-templates, /api/v1/change-approval-rules and /api/v1/change-blackouts. */
export function changeAdminRoutes(app: App, { db }: AppContext): void {
  app.get("/api/v1/change-templates", { schema: { tags, summary: "List standard change templates", querystring: ListChangeTemplatesQuery, response: { 200: ChangeTemplateList, ...errorResponses } }, config: { permission: "tickets.read" } }, async (req) =>
    listTemplates(db, actorOf(req), req.query),
  );
  app.post("/api/v1/change-templates", { schema: { tags, summary: "Add a standard change template", body: CreateChangeTemplateBody, response: { 201: ChangeTemplate, ...errorResponses } }, config: { permission: "tickets.admin" } }, async (req, reply) =>
    reply.status(201).send(await createTemplate(db, actorOf(req), req.body)),
  );
  app.get("/api/v1/change-templates/:id", { schema: { tags, summary: "Get a standard change template", params, response: { 200: ChangeTemplate, ...errorResponses } }, config: { permission: "tickets.read" } }, async (req) =>
    getTemplate(db, actorOf(req), req.params.id),
  );
  app.patch("/api/v1/change-templates/:id", { schema: { tags, summary: "Edit a standard change template", params, body: UpdateChangeTemplateBody, response: { 200: ChangeTemplate, ...errorResponses } }, config: { permission: "tickets.admin" } }, async (req) =>
    updateTemplate(db, actorOf(req), req.params.id, req.body),
  );
  app.delete("/api/v1/change-templates/:id", { schema: { tags, summary: "Delete a standard change template", params, response: { 204: Type.Null(), ...errorResponses } }, config: { permission: "tickets.admin" } }, async (req, reply) => {
    await deleteTemplate(db, actorOf(req), req.params.id);
    return reply.status(204).send(null);
  });

  app.get("/api/v1/change-approval-rules", { schema: { tags, summary: "List change approval rules", querystring: ListApprovalRulesQuery, response: { 200: ChangeApprovalRuleList, ...errorResponses } }, config: { permission: "tickets.read" } }, async (req) =>
    listRules(db, actorOf(req), req.query),
  );
  app.post("/api/v1/change-approval-rules", { schema: { tags, summary: "Add a change approval rule", body: CreateApprovalRuleBody, response: { 201: ChangeApprovalRule, ...errorResponses } }, config: { permission: "tickets.admin" } }, async (req, reply) =>
    reply.status(201).send(await createRule(db, actorOf(req), req.body)),
  );
  app.get("/api/v1/change-approval-rules/:id", { schema: { tags, summary: "Get a change approval rule", params, response: { 200: ChangeApprovalRule, ...errorResponses } }, config: { permission: "tickets.read" } }, async (req) =>
    getRule(db, actorOf(req), req.params.id),
  );
  app.patch("/api/v1/change-approval-rules/:id", { schema: { tags, summary: "Edit a change approval rule", params, body: UpdateApprovalRuleBody, response: { 200: ChangeApprovalRule, ...errorResponses } }, config: { permission: "tickets.admin" } }, async (req) =>
    updateRule(db, actorOf(req), req.params.id, req.body),
  );
  app.delete("/api/v1/change-approval-rules/:id", { schema: { tags, summary: "Delete a change approval rule", params, response: { 204: Type.Null(), ...errorResponses } }, config: { permission: "tickets.admin" } }, async (req, reply) => {
    await deleteRule(db, actorOf(req), req.params.id);
    return reply.status(204).send(null);
  });

  app.get("/api/v1/change-blackouts", { schema: { tags, summary: "List blackout windows", querystring: ListChangeBlackoutsQuery, response: { 200: ChangeBlackoutList, ...errorResponses } }, config: { permission: "tickets.read" } }, async (req) =>
    listBlackouts(db, actorOf(req), req.query),
  );
  app.post("/api/v1/change-blackouts", { schema: { tags, summary: "Add a blackout window", body: CreateChangeBlackoutBody, response: { 201: ChangeBlackout, ...errorResponses } }, config: { permission: "tickets.admin" } }, async (req, reply) =>
    reply.status(201).send(await createBlackout(db, actorOf(req), req.body)),
  );
  app.get("/api/v1/change-blackouts/:id", { schema: { tags, summary: "Get a blackout window", params, response: { 200: ChangeBlackout, ...errorResponses } }, config: { permission: "tickets.read" } }, async (req) =>
    getBlackout(db, actorOf(req), req.params.id),
  );
  app.patch("/api/v1/change-blackouts/:id", { schema: { tags, summary: "Edit a blackout window", params, body: UpdateChangeBlackoutBody, response: { 200: ChangeBlackout, ...errorResponses } }, config: { permission: "tickets.admin" } }, async (req) =>
    updateBlackout(db, actorOf(req), req.params.id, req.body),
  );
  app.delete("/api/v1/change-blackouts/:id", { schema: { tags, summary: "Delete a blackout window", params, response: { 204: Type.Null(), ...errorResponses } }, config: { permission: "tickets.admin" } }, async (req, reply) => {
    await deleteBlackout(db, actorOf(req), req.params.id);
    return reply.status(204).send(null);
  });
}
