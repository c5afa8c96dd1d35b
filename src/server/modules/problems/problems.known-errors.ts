/**
 * The known error database: problems flagged as known errors, searchable by text, each with
 * its root cause and workaround so that agents can apply the workaround to matching incidents.
 */
import { sql } from "kysely";
import type { KnownError, KnownErrorQuery } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { toBool } from "../../platform/db/dialect.js";
import { ValidationError } from "../../platform/errors.js";
import { containsAny, paginate } from "../../platform/list.js";
import { findTicket } from "./problems.core.js";

/** Known errors, most recently flagged first; `incident` narrows them to those that match an incident. */
export async function listKnownErrors(db: Db, actor: Actor, query: KnownErrorQuery) {
  requirePermission(actor, "tickets.read");
  let q = db
    .selectFrom("problem_details as d")
    .innerJoin("tickets as t", "t.id", "d.ticket_id")
    .leftJoin("cis as ci", "ci.id", "t.ci_id")
    .where("d.known_error", "=", true)
    .where("t.kind", "=", "problem")
    .select([
      "t.id", "t.number", "t.title", "t.state", "t.is_open", "t.ci_id", "t.category", "ci.name as ci_name",
      "d.root_cause", "d.workaround", "d.known_error_at",
      (eb) =>
        eb
          .selectFrom("ticket_links as l")
          .select(sql<number | string>`count(*)`.as("n"))
          .whereRef("l.to_id", "=", "t.id")
          .where("l.type", "=", "caused_by")
          .as("incidents"),
    ]);
  if (query.q) {
    // Each word must appear somewhere, so "disk full" finds "full /var disk".
    for (const word of query.q.trim().split(/\s+/).slice(0, 10)) {
      q = q.where(containsAny(["t.number", "t.title", "t.description", "d.root_cause", "d.workaround"], word));
    }
  }
  if (query.ciId) q = q.where("t.ci_id", "=", query.ciId);
  if (query.category) q = q.where("t.category", "=", query.category);
  if (query.open !== undefined) q = q.where("t.is_open", "=", query.open);
  if (query.incident) {
    const incident = await findTicket(db, query.incident);
    if (!incident || incident.kind !== "incident") throw new ValidationError("problem.not_an_incident", `No incident ${query.incident}`, { field: "incident" });
    const incidentId = Number(incident.id);
    const { ci, category } = incident;
    q = q.where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom("ticket_links as m").select("m.id").whereRef("m.to_id", "=", "t.id").where("m.from_id", "=", incidentId).where("m.type", "=", "caused_by")),
        ...(ci ? [eb("t.ci_id", "=", ci.id)] : []),
        ...(category ? [eb("t.category", "=", category)] : []),
      ]),
    );
  }
  return paginate(q, query, { column: "d.known_error_at", direction: "desc" }, "t.id", (r): KnownError => ({
    id: String(r.id),
    number: r.number,
    title: r.title,
    state: r.state,
    open: toBool(r.is_open),
    rootCause: r.root_cause,
    workaround: r.workaround,
    knownErrorAt: r.known_error_at,
    ci: r.ci_id ? { id: r.ci_id, name: r.ci_name ?? r.ci_id } : null,
    category: r.category,
    incidents: Number(r.incidents ?? 0),
  }));
}
