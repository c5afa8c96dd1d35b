import { DepthQuery, errorResponses, IdParams, ImpactQuery, ImpactResult, ServicesQuery } from "../../../contract/index.js";
import type { FastifyReply } from "fastify";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { Type } from "@sinclair/typebox";
import { ciImpact, DEFAULT_DEPTH, impactedServices, MAX_DEPTH, serviceDependencies } from "./cmdb.impact.js";
import { graphStatus } from "./cmdb.graph.sync.js";

const tags = ["CMDB"];

const GraphStatus = Type.Object({
  state: Type.Union([Type.Literal("none"), Type.Literal("building"), Type.Literal("ready")], { description: "none until the first walk asks for the graph; walks use SQL until it is ready" }),
  cis: Type.Integer({ description: "CIs with at least one relationship, as numbered in the graph" }),
  relationships: Type.Integer({ description: "Relationships in the graph" }),
  bytes: Type.Integer({ description: "Bytes of the link rows and overlay (CI ids and their index not counted)" }),
  buildMs: Type.Union([Type.Integer(), Type.Null()], { description: "How long the last build took, in milliseconds" }),
  builds: Type.Integer({ description: "Builds so far (a node that fell behind the pruned log rebuilds)" }),
  rowsKept: Type.Integer({ description: "CIs whose name, class and status are kept beside the graph (read by the build, or by walks since)" }),
  rowsRead: Type.Integer({ description: "CI rows walks had to read because they were not kept (changed since, or past the build's limit)" }),
  lastError: Type.Union([Type.String(), Type.Null()], { description: "Why the last build or log read failed, if it did" }),
});

/**
 * The answers are built field by field (nothing to strip), and an impact answer holds about a
 * thousand CIs: JSON.stringify writes it in half the time fast-json-stringify takes, which
 * tests every CI's status against the four literals of its union schema.
 */
function asJson(reply: FastifyReply, answer: Promise<ImpactResult>): Promise<ImpactResult> {
  reply.serializer(JSON.stringify);
  return answer;
}

/** Impact analysis over the relationship graph. */
export function impactRoutes(app: App, { db }: AppContext): void {
  app.get(
    "/api/v1/cis/:id/impact",
    {
      schema: {
        tags,
        summary: "CIs impacted by (downstream) or impacting (upstream) this CI, each with its depth and the hop that reached it (paths and edges on request)",
        params: IdParams,
        querystring: ImpactQuery,
        response: { 200: ImpactResult, ...errorResponses },
      },
      config: { permission: "cmdb.read" },
    },
    async (req, reply) => asJson(reply, ciImpact(db, actorOf(req), req.params.id, req.query.direction, req.query.depth ?? DEFAULT_DEPTH, req.query)),
  );
  app.get(
    "/api/v1/cis/:id/services",
    {
      schema: { tags, summary: "Business services this CI's failure would impact, with the path to each", params: IdParams, querystring: ServicesQuery, response: { 200: ImpactResult, ...errorResponses } },
      config: { permission: "cmdb.read" },
    },
    async (req, reply) => asJson(reply, impactedServices(db, actorOf(req), req.params.id, req.query.depth ?? MAX_DEPTH, req.query)),
  );
  app.get(
    "/api/v1/cis/:id/dependencies",
    {
      schema: { tags, summary: "What a service (or any CI) depends on (paths and edges on request)", params: IdParams, querystring: DepthQuery, response: { 200: ImpactResult, ...errorResponses } },
      config: { permission: "cmdb.read" },
    },
    async (req, reply) => asJson(reply, serviceDependencies(db, actorOf(req), req.params.id, req.query.depth ?? DEFAULT_DEPTH, req.query)),
  );
  app.get(
    "/api/v1/cmdb/impact-graph",
    { schema: { tags, summary: "The in-memory relationship graph impact walks use on this node: state and size", response: { 200: GraphStatus, ...errorResponses } }, config: { permission: "cmdb.read" } },
    async () => graphStatus(db),
  );
}
