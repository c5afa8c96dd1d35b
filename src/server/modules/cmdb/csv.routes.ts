import { Type } from "@sinclair/typebox";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { CsvExportQuery, CsvImportQuery, CsvImportResult, errorResponses } from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { ValidationError } from "../../platform/errors.js";
import { exportCisCsv, importCisCsv, IMPORT_BODY_LIMIT } from "./csv.service.js";

const tags = ["CMDB"];
const CSV_TYPES = ["text/csv", "application/csv"];

/**
 * CSV import and export. They live in their own plugin scope: only here is a text/csv body
 * accepted (handed to the service as a stream, so a 100,000-row file is never held whole);
 * every other route keeps refusing anything but JSON.
 */
export function csvRoutes(app: App, { db }: AppContext): void {
  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(CSV_TYPES, (_req, payload, done) => done(null, payload));

    scope.post(
      "/api/v1/cmdb/import",
      {
        // The service counts the streamed bytes against the same limit.
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags,
          summary: "Import CIs from CSV (Content-Type: text/csv); dryRun=true reports the diff and writes nothing",
          description:
            "Send the CSV file as the request body with `Content-Type: text/csv` (comma, semicolon or tab separated; UTF-8). Columns: id, name, class, lifecycle_status (or status), operational_status, environment, criticality, support_group, owner_group (group names), identifier columns (serial_number, fqdn, hostname, ip_addresses, mac_addresses, cloud_id, prometheus_instance, prometheus_job, otel_service_name, otel_host_name) and attribute columns (`attr.<name>` or the bare name). Snipe-IT and GLPI export column names are understood. Every row is identified and reconciled like any other source, so re-importing a file creates no duplicates.",
          querystring: CsvImportQuery,
          response: { 200: CsvImportResult, ...errorResponses },
        },
        config: { permission: "cmdb.write" },
      },
      async (req) => {
        const body = req.body as AsyncIterable<Buffer> | undefined;
        if (!body || typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== "function") {
          throw new ValidationError("request.empty_body", "Send the CSV as the request body with Content-Type: text/csv", { field: "body" });
        }
        return importCisCsv(db, actorOf(req), body, { dryRun: req.query.dryRun, defaultClass: req.query.class, source: req.query.source, match: req.query.match });
      },
    );

    scope.get(
      "/api/v1/cmdb/export",
      {
        schema: {
          tags,
          summary: "Export CIs as CSV, in the columns import reads (filters as in GET /api/v1/cis)",
          querystring: CsvExportQuery,
          response: { 200: { description: "CSV, one CI per row, header first", content: { "text/csv": { schema: Type.String() } } }, ...errorResponses },
        },
        config: { permission: "cmdb.read" },
      },
      async (req, reply) => {
        const csv = await exportCisCsv(db, actorOf(req), req.query);
        return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="cis.csv"').send(csv as never);
      },
    );
  });
}
