/**
 * Risk from the CMDB: the highest business criticality among the change's CIs (main and
 * affected) and the services they impact, one level higher when the change impacts many
 * services. A CI without a recorded criticality counts as medium: unknown is not harmless.
 */
import type { ChangeRiskLevel } from "../../../contract/index.js";
import { CHANGE_RISKS } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";

/** Impacting this many business services or more raises the risk one level. */
export const MANY_SERVICES = 3;

const LEVEL_OF_CRITICALITY: Record<string, number> = { low: 0, medium: 1, high: 2, critical: 3 };
/** The level a CI of unknown criticality counts as (moderate). */
const UNKNOWN_LEVEL = 1;

export interface ChangeScope {
  /** The main CI and the affected CIs. */
  cis: Array<{ id: string; name: string; criticality: string | null }>;
  /** Business services impacted (ticket_cis role service, kept by the ticket core). */
  services: Array<{ id: string; name: string; criticality: string | null }>;
}

/** The CIs and impacted services of one change, as recorded on the ticket. */
export async function loadScope(db: DbOrTrx, ticketId: string | number): Promise<ChangeScope> {
  const id = Number(ticketId);
  const main = await db
    .selectFrom("tickets as t")
    .innerJoin("cis as c", "c.id", "t.ci_id")
    .select(["c.id", "c.name", "c.criticality"])
    .where("t.id", "=", id)
    .execute();
  const linked = await db
    .selectFrom("ticket_cis as tc")
    .innerJoin("cis as c", "c.id", "tc.ci_id")
    .select(["tc.role", "c.id", "c.name", "c.criticality"])
    .where("tc.ticket_id", "=", id)
    .orderBy("c.name")
    .execute();
  const cis = [...main];
  for (const r of linked) if (r.role === "affected" && !cis.some((c) => c.id === r.id)) cis.push({ id: r.id, name: r.name, criticality: r.criticality });
  const services = linked.filter((r) => r.role === "service").map((r) => ({ id: r.id, name: r.name, criticality: r.criticality }));
  return { cis, services };
}

/** The risk a change's scope implies (moderate when the change names no CI at all). */
export function riskOf(scope: ChangeScope): ChangeRiskLevel {
  const all = [...scope.cis, ...scope.services];
  if (!all.length) return "moderate";
  let level = Math.max(...all.map((c) => (c.criticality ? (LEVEL_OF_CRITICALITY[c.criticality] ?? UNKNOWN_LEVEL) : UNKNOWN_LEVEL)));
  if (scope.services.length >= MANY_SERVICES) level += 1;
  return CHANGE_RISKS[Math.min(level, CHANGE_RISKS.length - 1)];
}
