/** Alertmanager API v2 reads: alerts with filters, alert groups, status and receivers. */
import type { AmAlertsQuery, AmGettableAlert } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { matchesAll, parseMatchers } from "./events.matchers.js";
import { getEventSettings } from "./events.settings.js";

export const RECEIVER = "opsdesk";
const ZERO_TIME = "0001-01-01T00:00:00.000Z";
const STARTED = new Date().toISOString();

interface Row {
  fingerprint: string;
  labels: string;
  annotations: string;
  generator_url: string;
  status: string;
  silenced_by: string;
  starts_at: string;
  ends_at: string | null;
  last_seen: string;
  group_id: string | null;
  alertname: string;
}

function toGettable(r: Row): AmGettableAlert {
  const suppressed = r.status === "suppressed";
  return {
    annotations: JSON.parse(r.annotations),
    endsAt: r.ends_at ?? ZERO_TIME,
    fingerprint: r.fingerprint,
    receivers: [{ name: RECEIVER }],
    startsAt: r.starts_at,
    status: { inhibitedBy: [], silencedBy: suppressed ? JSON.parse(r.silenced_by) : [], state: suppressed ? "suppressed" : "active" },
    updatedAt: r.last_seen,
    generatorURL: r.generator_url,
    labels: JSON.parse(r.labels),
  };
}

/** Active alerts (not resolved, not past endsAt) that pass the query's filters. */
async function activeRows(db: Db, query: AmAlertsQuery): Promise<Row[]> {
  const matchers = parseMatchers(query.filter, "filter");
  const receiver = query.receiver ? safeRegex(query.receiver) : null;
  if (receiver && !receiver.test(RECEIVER)) return [];
  const now = new Date().toISOString();
  let q = db
    .selectFrom("alerts")
    .select(["fingerprint", "labels", "annotations", "generator_url", "status", "silenced_by", "starts_at", "ends_at", "last_seen", "group_id", "alertname"])
    .where("status", "<>", "resolved")
    .where((eb) => eb.or([eb("ends_at", "is", null), eb("ends_at", ">", now)]));
  // An equality matcher on alertname narrows the read through its column.
  const byName = matchers.find((m) => m.name === "alertname" && !m.isRegex && m.isEqual);
  if (byName) q = q.where("alertname", "=", byName.value);
  const rows = await q.orderBy("starts_at").orderBy("fingerprint").execute();
  const active = query.active ?? true;
  const silenced = query.silenced ?? true;
  return rows.filter((r) => {
    const state = r.status === "suppressed" ? silenced : active;
    return state && (!matchers.length || matchesAll(matchers, JSON.parse(r.labels)));
  });
}

function safeRegex(text: string): RegExp | null {
  try {
    return new RegExp(`^(?:${text})$`);
  } catch {
    return null;
  }
}

/** GET /api/v2/alerts. */
export async function listAmAlerts(db: Db, actor: Actor, query: AmAlertsQuery): Promise<AmGettableAlert[]> {
  requirePermission(actor, "events.read");
  return (await activeRows(db, query)).map(toGettable);
}

/** GET /api/v2/alerts/groups: OpsDesk's correlation groups; ungrouped alerts grouped by alertname. */
export async function listAmGroups(db: Db, actor: Actor, query: AmAlertsQuery) {
  requirePermission(actor, "events.read");
  const rows = await activeRows(db, query);
  const groupIds = [...new Set(rows.map((r) => r.group_id).filter((g): g is string => g !== null))];
  const groups = new Map<string, { title: string; labels: string }>();
  for (let i = 0; i < groupIds.length; i += 500) {
    for (const g of await db.selectFrom("alert_groups").select(["id", "title", "labels"]).where("id", "in", groupIds.slice(i, i + 500)).execute()) groups.set(g.id, g);
  }
  const out = new Map<string, { labels: Record<string, string>; receiver: { name: string }; alerts: AmGettableAlert[] }>();
  for (const r of rows) {
    const key = r.group_id ?? `alertname:${r.alertname}`;
    let entry = out.get(key);
    if (!entry) {
      const g = r.group_id ? groups.get(r.group_id) : undefined;
      const labels: Record<string, string> = g ? { ...(JSON.parse(g.labels) as Record<string, string>), opsdesk_group: r.group_id!, opsdesk_group_title: g.title } : { alertname: r.alertname };
      out.set(key, (entry = { labels, receiver: { name: RECEIVER }, alerts: [] }));
    }
    entry.alerts.push(toGettable(r));
  }
  return [...out.values()];
}

/** GET /api/v2/status: what amtool checks before talking to an Alertmanager. */
export async function amStatus(db: Db, actor: Actor, version: string) {
  requirePermission(actor, "events.read");
  const s = await getEventSettings(db);
  const original = [
    "# OpsDesk event management (Alertmanager API v2 compatible)",
    "global:",
    `  resolve_timeout: ${s.resolveTimeoutSeconds}s`,
    "route:",
    `  receiver: ${RECEIVER}`,
    `  group_by: ${JSON.stringify(s.groupByRules.flatMap((r) => r.groupBy))}`,
    "receivers:",
    `  - name: ${RECEIVER}`,
    "",
  ].join("\n");
  return {
    cluster: { status: "disabled", peers: [] },
    config: { original },
    uptime: STARTED,
    versionInfo: { branch: "opsdesk", buildDate: "", buildUser: "opsdesk", goVersion: "none (Node.js)", revision: `opsdesk-${version}`, version: "0.25.0" },
  };
}
