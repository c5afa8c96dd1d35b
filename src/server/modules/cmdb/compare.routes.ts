import { CiComparison, CompareCiQuery, errorResponses, IdParams } from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { compareCi } from "./cis.compare.js";

/** GET /api/v1/cis/:id/compare: a CI at two points in time. */
export function compareRoutes(app: App, { db }: AppContext): void {
  app.get(
    "/api/v1/cis/:id/compare",
    {
      schema: {
        tags: ["CMDB"],
        summary: "Compare a CI at two points in time (rebuilt from its history)",
        params: IdParams,
        querystring: CompareCiQuery,
        response: { 200: CiComparison, ...errorResponses },
      },
      config: { permission: "cmdb.read" },
    },
    async (req) => compareCi(db, actorOf(req), req.params.id, req.query.from, req.query.to),
  );
}
