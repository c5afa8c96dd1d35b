/** Factories for the CMDB module's tests. */
import type { DbOrTrx } from "../../platform/db/schema.js";
import { newId } from "./cmdb.ids.js";

/** Inserts application CIs with these names directly (as a bulk load writes them), 500 per statement: much faster than the API. */
export async function insertCis(db: DbOrTrx, names: string[], createdAt = new Date().toISOString()): Promise<void> {
  for (let i = 0; i < names.length; i += 500) {
    const rows = names.slice(i, i + 500).map((name) => ({ id: newId(), class: "application", name, attributes: "{}", lifecycle_status: "in_service", operational_status: "up", created_at: createdAt, updated_at: createdAt }));
    await db.insertInto("cis").values(rows).execute();
  }
}
