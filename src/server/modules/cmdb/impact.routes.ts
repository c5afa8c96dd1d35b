import { DepthQuery, errorResponses, IdParams, ImpactQuery, ImpactResult } from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { ciImpact, DEFAULT_DEPTH, impactedServices, MAX_DEPTH, serviceDependencies } from "./cmdb.impact.js";

const tags = ["CMDB"];

/** Impact analysis over the relationship graph. */
export function impactRoutes(app: App, { db }: AppContext): void {
  app.get(
    "/api/v1/cis/:id/impact",
    {
      schema: { tags, summary: "CIs impacted by (downstream) or impacting (upstream) this CI, with depth and path", params: IdParams, querystring: ImpactQuery, response: { 200: ImpactResult, ...errorResponses } },
      config: { permission: "cmdb.read" },
    },
    async (req) => ciImpact(db, actorOf(req), req.params.id, req.query.direction, req.query.depth ?? DEFAULT_DEPTH),
  );
  app.get(
    "/api/v1/cis/:id/services",
    {
      schema: { tags, summary: "Business services this CI's failure would impact", params: IdParams, querystring: DepthQuery, response: { 200: ImpactResult, ...errorResponses } },
      config: { permission: "cmdb.read" },
    },
    async (req) => impactedServices(db, actorOf(req), req.params.id, req.query.depth ?? MAX_DEPTH),
  );
  app.get(
    "/api/v1/cis/:id/dependencies",
    {
      schema: { tags, summary: "What a service (or any CI) depends on", params: IdParams, querystring: DepthQuery, response: { 200: ImpactResult, ...errorResponses } },
      config: { permission: "cmdb.read" },
    },
    async (req) => serviceDependencies(db, actorOf(req), req.params.id, req.query.depth ?? DEFAULT_DEPTH),
  );
}
