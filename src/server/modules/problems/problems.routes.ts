/** /api/v1/problems/...: action items, linked incidents, suggestions and the known error database. */
import { Type } from "@sinclair/typebox";
import {
  CreateProblemActionBody,
  errorResponses,
  IncidentOutcomeList,
  KnownErrorList,
  KnownErrorQuery,
  LinkIncidentsBody,
  ProblemAction,
  ProblemActionList,
  ProblemActionParams,
  ProblemIncidentList,
  ProblemParams,
  ProblemSuggestionList,
  ResolveIncidentsBody,
  UpdateProblemActionBody,
} from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { createAction, deleteAction, listActions, updateAction } from "./problems.actions.js";
import { linkIncidents, listProblemIncidents, resolveProblemIncidents } from "./problems.incidents.js";
import { listKnownErrors } from "./problems.known-errors.js";
import { listSuggestions } from "./problems.suggest.js";

const tags = ["Problems"];

/** Mounts the problem routes (the problems themselves are tickets: /api/v1/problems and /api/v1/tickets/{ref}). */
export function problemRoutes(app: App, { db }: AppContext): void {
  app.get(
    "/api/v1/problems/suggestions",
    { schema: { tags, summary: "CIs and categories whose recent incidents suggest a problem", response: { 200: ProblemSuggestionList, ...errorResponses } }, config: { permission: "tickets.read" } },
    async (req) => listSuggestions(db, actorOf(req)),
  );
  app.get(
    "/api/v1/problems/known-errors",
    { schema: { tags, summary: "Search the known error database", querystring: KnownErrorQuery, response: { 200: KnownErrorList, ...errorResponses } }, config: { permission: "tickets.read" } },
    async (req) => listKnownErrors(db, actorOf(req), req.query),
  );
  app.get(
    "/api/v1/problems/:ref/actions",
    { schema: { tags, summary: "List a problem's action items", params: ProblemParams, response: { 200: ProblemActionList, ...errorResponses } }, config: { permission: "tickets.read" } },
    async (req) => listActions(db, actorOf(req), req.params.ref),
  );
  app.post(
    "/api/v1/problems/:ref/actions",
    { schema: { tags, summary: "Add an action item", params: ProblemParams, body: CreateProblemActionBody, response: { 201: ProblemAction, ...errorResponses } }, config: { permission: "tickets.write" } },
    async (req, reply) => reply.status(201).send(await createAction(db, actorOf(req), req.params.ref, req.body)),
  );
  app.patch(
    "/api/v1/problems/:ref/actions/:actionId",
    { schema: { tags, summary: "Change an action item (or mark it done)", params: ProblemActionParams, body: UpdateProblemActionBody, response: { 200: ProblemAction, ...errorResponses } }, config: { permission: "tickets.write" } },
    async (req) => updateAction(db, actorOf(req), req.params.ref, req.params.actionId, req.body),
  );
  app.delete(
    "/api/v1/problems/:ref/actions/:actionId",
    { schema: { tags, summary: "Remove an action item", params: ProblemActionParams, response: { 204: Type.Null(), ...errorResponses } }, config: { permission: "tickets.write" } },
    async (req, reply) => {
      await deleteAction(db, actorOf(req), req.params.ref, req.params.actionId);
      return reply.status(204).send(null);
    },
  );
  app.get(
    "/api/v1/problems/:ref/incidents",
    { schema: { tags, summary: "List the incidents caused by a problem", params: ProblemParams, response: { 200: ProblemIncidentList, ...errorResponses } }, config: { permission: "tickets.read" } },
    async (req) => listProblemIncidents(db, actorOf(req), req.params.ref),
  );
  app.post(
    "/api/v1/problems/:ref/incidents",
    { schema: { tags, summary: "Link several incidents to a problem (answered per incident)", params: ProblemParams, body: LinkIncidentsBody, response: { 200: IncidentOutcomeList, ...errorResponses } }, config: { permission: "tickets.write" } },
    async (req) => linkIncidents(db, actorOf(req), req.params.ref, req.body),
  );
  app.post(
    "/api/v1/problems/:ref/resolve-incidents",
    {
      schema: {
        tags,
        summary: "Resolve a resolved problem's open incidents with its resolution (answered per incident)",
        params: ProblemParams,
        body: ResolveIncidentsBody,
        response: { 200: IncidentOutcomeList, ...errorResponses },
      },
      config: { permission: "tickets.write" },
    },
    async (req) => resolveProblemIncidents(db, actorOf(req), req.params.ref, req.body),
  );
}
