/** One ticket as GET /tickets/:ref answers it, with its relations and the caller's next steps. */
import { sql } from "kysely";
import type { Ticket } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { NotFoundError } from "../../platform/errors.js";
import { kindDef } from "./tickets.kinds.js";
import { requireVisible } from "./tickets.policy.js";
import { param, parseRef, runCompiled, ticketJsonSqlite, ticketQuery } from "./tickets.records.js";
import { getTicket } from "./tickets.service.js";
import { allowedTransitions } from "./tickets.transition.js";

/** The ticket's impacted services, affected CIs and watchers, by name, as JSON arrays (SQLite). */
function relationsJsonSqlite() {
  const cis = (role: string) =>
    sql.raw(`(select coalesce(json_group_array(json_object('id', c.id, 'name', c.name) order by c.name), json('[]'))
      from ticket_cis tc join cis c on c.id = tc.ci_id where tc.ticket_id = t.id and tc.role = '${role}')`);
  const watchers = sql.raw(`(select coalesce(json_group_array(json_object('id', u.id, 'name', u.name) order by u.name), json('[]'))
      from ticket_watchers w join users u on u.id = w.user_id where w.ticket_id = t.id)`);
  return sql<string>`json_set(${ticketJsonSqlite()}, '$.services', json(${cis("service")}), '$.affectedCis', json(${cis("affected")}), '$.watchers', json(${watchers}))`;
}

/**
 * The ticket by number or id. On SQLite one compiled statement reads it with its relations
 * as JSON that SQLite builds (as the lists do), and the caller's allowed transitions are
 * appended; a get cost four statements and a serialisation of the object before. Kinds with
 * fields of their own (problem, change) and PostgreSQL take getTicket.
 */
export async function getTicketResponse(db: Db, actor: Actor, ref: string): Promise<Ticket | string> {
  if (isPostgres(db)) return getTicket(db, actor, ref);
  const parsed = parseRef(ref);
  const build = (where: "id" | "number") => () => {
    const q = ticketQuery(db).clearSelect().select(["t.kind", relationsJsonSqlite().as("json")]);
    return (where === "id" ? q.where("t.id", "=", param("id") as unknown as number) : q.where("t.number", "=", param("number"))).compile();
  };
  const [row] =
    "id" in parsed
      ? await runCompiled<{ kind: string; json: string }>(db, "ticket-get-json-by-id", build("id"), { id: parsed.id })
      : await runCompiled<{ kind: string; json: string }>(db, "ticket-get-json-by-number", build("number"), { number: parsed.number });
  if (!row) throw new NotFoundError("ticket.not_found", `No ticket ${ref}`, { ref });
  if (kindDef(row.kind).hooks.load) return getTicket(db, actor, ref);
  const ticket = JSON.parse(row.json) as Ticket;
  await requireVisible(db, actor, ticket);
  const allowed = await allowedTransitions(db, actor, ticket);
  return `${row.json.slice(0, -1)},"allowedTransitions":${JSON.stringify(allowed)}}`;
}
