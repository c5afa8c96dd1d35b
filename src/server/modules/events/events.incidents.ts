/**
 * The seam between event management and incidents. Groups flagged `incident_sync` are brought
 * in line with their incident here: opened when the group reaches the severity threshold
 * (suppressed and flapping alerts never open one: "suppress creation, never resolution"),
 * told about alerts that joined, resolved when every alert has resolved. Everything the
 * incidents module is asked to do goes through IncidentPort, in this one file.
 */
import type { AlertSeverity, EventSettings } from "../../../contract/index.js";
import type { Db, DbOrTrx, Trx } from "../../platform/db/schema.js";
import { toBool } from "../../platform/db/dialect.js";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { createIncident } from "../incidents/index.js";
import { addEntry, applyTransition, findTicket } from "../tickets/index.js";
import { atLeast } from "./events.severity.js";

/** What event management needs from incidents. */
export interface IncidentPort {
  /** Opens an incident (channel "event"); returns its id. */
  open(db: DbOrTrx, input: OpenIncidentInput): Promise<string>;
  /** Adds a timeline entry. */
  note(db: DbOrTrx, incidentId: string, body: string): Promise<void>;
  /** Resolves the incident with a timeline entry; false when it was no longer open. */
  resolve(db: DbOrTrx, incidentId: string, body: string): Promise<boolean>;
  /** True while the incident is open (not resolved, closed or canceled). */
  isOpen(db: DbOrTrx, incidentId: string): Promise<boolean>;
}

export interface OpenIncidentInput {
  title: string;
  description: string;
  ciId: string | null;
  /** 1 (critical) .. 5 (planning), from severity and the CI's criticality. */
  priority: number;
  impact: number;
  urgency: number;
  assignmentGroupId: string | null;
  groupId: string;
}

/**
 * The port over the incidents module (createIncident) and the ticket core it builds on
 * (timeline entries, the "resolve" transition): everything runs inside the caller's transaction.
 */
export const ticketsIncidentPort: IncidentPort = {
  async open(db, input) {
    const ticket = await createIncident(db as Db, SYSTEM_ACTOR, {
      title: input.title.slice(0, 200),
      description: input.description,
      channel: "event",
      ciId: input.ciId,
      impact: input.impact,
      urgency: input.urgency,
      assignmentGroupId: input.assignmentGroupId,
    });
    return ticket.id;
  },
  async note(db, incidentId, body) {
    await addEntry(db, SYSTEM_ACTOR, incidentId, { type: "work_note", public: false, body });
  },
  async resolve(db, incidentId, body) {
    const ticket = await findTicket(db, incidentId);
    if (!ticket || !["new", "in_progress", "on_hold"].includes(ticket.state)) return false;
    await applyTransition(db as Trx, SYSTEM_ACTOR, incidentId, { transition: "resolve", resolutionCode: "solved_permanently", resolutionNotes: body });
    return true;
  },
  async isOpen(db, incidentId) {
    const ticket = await findTicket(db, incidentId);
    return !!ticket && ["new", "in_progress", "on_hold"].includes(ticket.state);
  },
};

let port: IncidentPort | null = ticketsIncidentPort;

/** Installs the incidents implementation (done by the module at start). */
export function setIncidentPort(p: IncidentPort | null): void {
  port = p;
}

/** Impact from the CI's criticality, urgency from the severity (1 high .. 3 low). */
export function priorityFor(severity: AlertSeverity, criticality: string | null): { impact: number; urgency: number; priority: number } {
  const urgency = severity === "critical" ? 1 : severity === "major" ? 2 : 3;
  const impact = criticality === "critical" || criticality === "high" ? 1 : criticality === "medium" || criticality === null ? 2 : 3;
  // The ITIL matrix: 1+1 -> P1, 1+2 / 2+1 -> P2, 2+2 / 1+3 / 3+1 -> P3, 2+3 / 3+2 -> P4, 3+3 -> P5.
  const priority = Math.min(5, impact + urgency - 1);
  return { impact, urgency, priority };
}

function alertLine(a: { alertname: string; severity: string; ci_name: string | null; fingerprint: string; annotations: string }): string {
  const summary = (JSON.parse(a.annotations) as Record<string, string>).summary;
  return `- [${a.severity}] ${a.alertname}${a.ci_name ? ` on ${a.ci_name}` : ""}${summary ? `: ${summary}` : ""} (fingerprint ${a.fingerprint})`;
}

/** Brings every flagged group's incident up to date. */
export async function syncIncidents(db: Db, settings: EventSettings): Promise<void> {
  for (;;) {
    const groups = await db.selectFrom("alert_groups").selectAll().where("incident_sync", "=", 1).orderBy("created_at").limit(100).execute();
    if (!groups.length) return;
    for (const g of groups) {
      try {
        await syncGroup(db, settings, g.id);
      } finally {
        await db.updateTable("alert_groups").set({ incident_sync: 0 }).where("id", "=", g.id).where("updated_at", "=", g.updated_at).execute();
      }
    }
    if (groups.length < 100) return;
  }
}

async function syncGroup(db: Db, settings: EventSettings, groupId: string): Promise<void> {
  if (!port) return;
  const p = port;
  await db.transaction().execute(async (trx) => {
    const g = await trx.selectFrom("alert_groups").selectAll().where("id", "=", groupId).executeTakeFirst();
    if (!g || g.status === "merged") return;
    const alerts = await trx
      .selectFrom("alerts as a")
      .leftJoin("cis as c", "c.id", "a.ci_id")
      .select(["a.fingerprint", "a.alertname", "a.severity", "a.status", "a.flapping", "a.annotations", "a.first_seen", "c.name as ci_name"])
      .where("a.group_id", "=", groupId)
      .orderBy("a.first_seen")
      .execute();
    const actionable = alerts.filter((a) => (a.status === "firing" || a.status === "acknowledged") && !toBool(a.flapping));
    if (!g.incident_id) {
      if (g.status !== "open" || !actionable.some((a) => atLeast(a.severity as AlertSeverity, settings.incidentMinSeverity))) return;
      if (!g.root_ci_id && !settings.incidentsForUnboundAlerts) return;
      const ci = g.root_ci_id ? await trx.selectFrom("cis").select(["criticality", "support_group_id", "name"]).where("id", "=", g.root_ci_id).executeTakeFirst() : undefined;
      const worst = actionable.reduce<AlertSeverity>((w, a) => (atLeast(a.severity as AlertSeverity, w) ? (a.severity as AlertSeverity) : w), "info");
      const { impact, urgency, priority } = priorityFor(worst, ci?.criticality ?? null);
      const description = [`Opened by event management for alert group ${g.id}.`, ci ? `Probable root cause: ${ci.name}.` : "", "", "Alerts:", ...alerts.map(alertLine)].join("\n");
      const incidentId = await p.open(trx, { title: g.title, description, ciId: g.root_ci_id, priority, impact, urgency, assignmentGroupId: ci?.support_group_id ?? null, groupId: g.id });
      await trx.updateTable("alert_groups").set({ incident_id: incidentId, announced: JSON.stringify(alerts.map((a) => a.fingerprint)) }).where("id", "=", g.id).execute();
      return;
    }
    const known = new Set<string>(JSON.parse(g.announced) as string[]);
    const fresh = alerts.filter((a) => !known.has(a.fingerprint));
    if (fresh.length && (await p.isOpen(trx, g.incident_id))) {
      await p.note(trx, g.incident_id, [`${fresh.length} more alert${fresh.length > 1 ? "s" : ""} joined alert group ${g.id}:`, ...fresh.map(alertLine)].join("\n"));
      await trx.updateTable("alert_groups").set({ announced: JSON.stringify(alerts.map((a) => a.fingerprint)) }).where("id", "=", g.id).execute();
    }
    if (g.status === "resolved" && settings.autoResolveIncidents) {
      await p.resolve(trx, g.incident_id, `Every alert of alert group ${g.id} has resolved (${alerts.length} alert${alerts.length > 1 ? "s" : ""}); resolved automatically by event management.`);
    }
  });
}

