/** The CI list: filters (class includes subclasses), search, sort and pagination. */
import type { ListCisQuery } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { containsAny, paginate, sortSpec } from "../../platform/list.js";
import { loadCatalog, requireClass } from "./classes.service.js";
import { IDENTIFIER_KINDS } from "./cmdb.identifiers.js";
import { hydrateCis } from "./cis.records.js";

const SORTS = { name: "c.name", class: "c.class", createdAt: "c.created_at", updatedAt: "c.updated_at" };

/** Lists CIs with filters (class includes subclasses), search, sort and pagination; the total is capped (TOTAL_CAP). */
export async function listCis(db: Db, actor: Actor, query: ListCisQuery) {
  requirePermission(actor, "cmdb.read");
  let q = db.selectFrom("cis as c").selectAll("c");
  if (query.class) {
    const catalog = await loadCatalog(db);
    requireClass(catalog, query.class);
    q = q.where("c.class", "in", catalog.descendants(query.class));
  }
  if (query.q) {
    const text = query.q.trim();
    q = q.where((eb) =>
      eb.or([
        containsAny(["c.name"], text),
        // Naming every kind lets the (kind, value) index answer; no index starts with value.
        eb("c.id", "in", eb.selectFrom("ci_identifiers").select("ci_id").where("kind", "in", IDENTIFIER_KINDS).where("value", "in", [...new Set([text.toLowerCase(), text])])),
      ]),
    );
  }
  if (query.lifecycleStatus) q = q.where("c.lifecycle_status", "=", query.lifecycleStatus);
  if (query.operationalStatus) q = q.where("c.operational_status", "=", query.operationalStatus);
  if (query.environment) q = q.where("c.environment", "=", query.environment);
  if (query.supportGroupId) q = q.where("c.support_group_id", "=", query.supportGroupId);
  if (query.ownerGroupId) q = q.where("c.owner_group_id", "=", query.ownerGroupId);
  const page = await paginate(q, query, sortSpec(query.sort, SORTS, "name"), "c.id", (row) => row, { db });
  return { ...page, items: await hydrateCis(db, page.items) };
}
