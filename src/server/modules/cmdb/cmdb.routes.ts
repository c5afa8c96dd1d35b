import { BulkBody, BulkResult, errorResponses, SourcePrecedence } from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { reconcileBatch } from "./bulk.service.js";
import { readPrecedence, setPrecedence } from "./cmdb.identify.js";

const tags = ["CMDB"];

/** CMDB-wide operations: the bulk identify-and-reconcile endpoint and source precedence. */
export function cmdbRoutes(app: App, { db }: AppContext): void {
  app.post(
    "/api/v1/cmdb/bulk",
    {
      schema: { tags, summary: "Identify and reconcile a batch of CIs and relationships; answers per item", body: BulkBody, response: { 200: BulkResult, ...errorResponses } },
      config: { permission: "cmdb.write" },
    },
    async (req) => reconcileBatch(db, actorOf(req), req.body),
  );
  app.get(
    "/api/v1/cmdb/precedence",
    { schema: { tags, summary: "Source precedence for reconciliation", response: { 200: SourcePrecedence, ...errorResponses } }, config: { permission: "cmdb.read" } },
    async (req) => readPrecedence(db, actorOf(req)),
  );
  app.put(
    "/api/v1/cmdb/precedence",
    { schema: { tags, summary: "Set the source precedence (highest first)", body: SourcePrecedence, response: { 200: SourcePrecedence, ...errorResponses } }, config: { permission: "cmdb.admin" } },
    async (req) => setPrecedence(db, actorOf(req), req.body),
  );
}
