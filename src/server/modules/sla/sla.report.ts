/**
 * SLA compliance: of the clocks started in a period (cancelled ones left out), how many were
 * met, breached or are still running, by definition, assignment group, service, priority or
 * period, with the same figures per period for the chart.
 */
import type { SlaReport, SlaReportQuery, SlaReportRow } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { toBool } from "../../platform/db/dialect.js";
import { ValidationError } from "../../platform/errors.js";

const DAY = 86_400_000;

/** The start (UTC) of the period holding `t`: day, ISO week (Monday) or month. */
export function periodStart(t: number, interval: "day" | "week" | "month"): string {
  const d = new Date(t);
  if (interval === "month") return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString();
  const day = Math.floor(t / DAY) * DAY;
  if (interval === "day") return new Date(day).toISOString();
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - weekday * DAY).toISOString();
}

interface Fact {
  definition: [string, string];
  group: [string | null, string];
  services: Array<[string | null, string]>;
  priority: [string, string];
  period: [string, string];
  outcome: "met" | "breached" | "running";
}

function tally(facts: Fact[], keyOf: (f: Fact) => Array<[string | null, string]>): SlaReportRow[] {
  const rows = new Map<string, SlaReportRow>();
  for (const f of facts) {
    for (const [key, label] of keyOf(f)) {
      const id = key ?? "\u0000none";
      const row = rows.get(id) ?? { key, label, total: 0, met: 0, breached: 0, inProgress: 0, compliancePercent: null };
      row.total++;
      if (f.outcome === "met") row.met++;
      else if (f.outcome === "breached") row.breached++;
      else row.inProgress++;
      rows.set(id, row);
    }
  }
  return [...rows.values()].map(finishRow);
}

function finishRow(r: SlaReportRow): SlaReportRow {
  const done = r.met + r.breached;
  return { ...r, compliancePercent: done ? Math.round((r.met / done) * 1000) / 10 : null };
}

/** The compliance report over clocks started in [from, to). */
export async function complianceReport(db: DbOrTrx, actor: Actor, q: SlaReportQuery): Promise<SlaReport> {
  requirePermission(actor, "sla.read");
  const to = q.to ? Date.parse(q.to) : Date.now();
  const from = q.from ? Date.parse(q.from) : to - 30 * DAY;
  if (!(from < to)) throw new ValidationError("sla.report_period", "from must be before to", { field: "from" });
  const groupBy = q.groupBy ?? "definition";
  const interval = q.interval ?? "day";
  let query = db
    .selectFrom("ticket_slas as s")
    .innerJoin("tickets as t", "t.id", "s.ticket_id")
    .leftJoin("groups as g", "g.id", "t.assignment_group_id")
    .select(["s.id", "s.ticket_id", "s.definition_id", "s.name", "s.state", "s.breached", "s.priority", "s.started_at", "t.assignment_group_id", "g.name as group_name"])
    .where("s.started_at", ">=", new Date(from).toISOString())
    .where("s.started_at", "<", new Date(to).toISOString())
    .where("s.state", "!=", "cancelled");
  if (q.definitionId) query = query.where("s.definition_id", "=", q.definitionId);
  if (q.type) query = query.where("s.type", "=", q.type);
  const list = await query.execute();
  const services = new Map<string, Array<[string, string]>>();
  if (groupBy === "service" && list.length) {
    const ids = [...new Set(list.map((r) => Number(r.ticket_id)))];
    for (let i = 0; i < ids.length; i += 500) {
      const links = await db.selectFrom("ticket_cis as tc").innerJoin("cis as c", "c.id", "tc.ci_id").select(["tc.ticket_id", "c.id", "c.name"]).where("tc.role", "=", "service").where("tc.ticket_id", "in", ids.slice(i, i + 500)).execute();
      for (const l of links) services.set(String(l.ticket_id), [...(services.get(String(l.ticket_id)) ?? []), [l.id, l.name]]);
    }
  }
  const facts: Fact[] = list.map((r) => {
    const period = periodStart(Date.parse(r.started_at), interval);
    const svc = services.get(String(r.ticket_id));
    return {
      definition: [r.definition_id, r.name],
      group: [r.assignment_group_id, r.group_name ?? "No group"],
      services: svc?.length ? svc : [[null, "No service"]],
      priority: [String(r.priority), `P${r.priority}`],
      period: [period, period.slice(0, 10)],
      outcome: toBool(r.breached) ? "breached" : r.state === "achieved" ? "met" : "running",
    };
  });
  const byPeriod = tally(facts, (f) => [f.period]).sort((a, b) => String(a.key).localeCompare(String(b.key)));
  const rows =
    groupBy === "period"
      ? byPeriod
      : groupBy === "priority"
        ? tally(facts, (f) => [f.priority]).sort((a, b) => Number(a.key) - Number(b.key))
        : tally(facts, (f) => (groupBy === "service" ? f.services : [f[groupBy]])).sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
  const totals = tally(facts, () => [[null, "All"]])[0] ?? finishRow({ key: null, label: "All", total: 0, met: 0, breached: 0, inProgress: 0, compliancePercent: null });
  return { groupBy, from: new Date(from).toISOString(), to: new Date(to).toISOString(), rows, totals, series: byPeriod };
}
