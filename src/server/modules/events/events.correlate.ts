/**
 * Correlation, after the alerts are stored: each alert that changed joins a group — by a
 * group_by rule, or through the CMDB (same CI, or CIs connected within a few hops, arriving
 * within the window) — groups that an alert bridges are merged, and each touched group gets
 * its counts, worst severity and probable root cause (the most upstream CI) again.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { AlertSeverity, EventSettings } from "../../../contract/index.js";
import type { DbOrTrx, Trx } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { identifyOrCreate } from "../cmdb/index.js";
import { matchesAll, type CompiledMatcher } from "./events.matchers.js";
import { rootCause, type Topology } from "./events.topology.js";
import { SEVERITY_RANK } from "./events.severity.js";
import { bindKeys, type Binder } from "./events.binding.js";
import type { AlertRow } from "./events.model.js";

export interface CorrelateDeps {
  settings: EventSettings;
  groupRules: CompiledMatcher[][];
  topology: Topology;
  binder: Binder;
}

const BATCH = 200;
const SERVICE_CLASSES = ["business_service", "application_service", "technical_service"];

/** Claims up to BATCH alerts waiting for correlation and processes them; returns how many. */
export async function correlatePending(db: DbOrTrx, deps: CorrelateDeps): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let q = trx.selectFrom("alerts").selectAll().where("pending", "=", 1).orderBy("first_seen").orderBy("fingerprint").limit(BATCH);
    if (isPostgres(trx)) q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    if (!rows.length) return 0;
    const touched = new Set<string>();
    // Groups this pass gave alerts; a merge later in the pass redirects them.
    const assigned = new Map<string, string>();
    const merged = (from: string, into: string) => {
      for (const [fp, g] of assigned) if (g === from) assigned.set(fp, into);
      for (const r of rows) if (r.group_id === from) r.group_id = into;
      touched.add(into);
    };
    const now = new Date().toISOString();
    for (const row of rows) {
      if (row.group_id) touched.add(row.group_id);
      if (row.status === "resolved") continue;
      if (!row.ci_id && deps.settings.createUnidentifiedCis) row.ci_id = await createUnidentified(trx, deps, row);
      if (row.ci_id && !row.service_id) row.service_id = await serviceOf(trx, deps, row);
      const open = row.group_id ? await trx.selectFrom("alert_groups").select("status").where("id", "=", row.group_id).executeTakeFirst() : undefined;
      if (open?.status === "open") continue;
      const groupId = await assignGroup(trx, deps, row, now, merged);
      if (groupId) {
        row.group_id = groupId;
        assigned.set(row.fingerprint, groupId);
        await trx.updateTable("alert_groups").set({ last_alert_at: now }).where("id", "=", groupId).execute();
        touched.add(groupId);
        await trx.insertInto("alert_history").values({ fingerprint: row.fingerprint, alertname: row.alertname, at: now, event: "grouped", status: row.status, severity: row.severity, ci_id: row.ci_id, group_id: groupId, data: null }).execute();
      }
    }
    for (const row of rows) {
      const group = assigned.get(row.fingerprint);
      await trx
        .updateTable("alerts")
        .set({ pending: 0, ci_id: row.ci_id, service_id: row.service_id, ...(group ? { group_id: group } : {}) })
        .where("fingerprint", "=", row.fingerprint)
        .execute();
    }
    for (const groupId of touched) await refreshGroup(trx, deps, groupId, now);
    return rows.length;
  });
}

/** A CI of class "unidentified" for a host the CMDB does not know (the setting createUnidentifiedCis). */
async function createUnidentified(trx: Trx, deps: CorrelateDeps, row: AlertRow): Promise<string | null> {
  const labels = JSON.parse(row.labels) as Record<string, string>;
  const keys = bindKeys(labels, deps.settings);
  const host = keys.find((k) => k.kind === "fqdn" || k.kind === "hostname" || k.kind === "ip_address");
  if (!host) return null;
  const identifiers: Record<string, unknown> = {};
  if (host.kind === "fqdn") identifiers.fqdn = host.value;
  else if (host.kind === "hostname") identifiers.hostname = host.value;
  else identifiers.ipAddresses = [host.value];
  if (labels.instance) identifiers.prometheusInstance = labels.instance;
  try {
    const { ci } = await identifyOrCreate(trx, SYSTEM_ACTOR, "events", { class: "unidentified", name: host.value, identifiers });
    deps.binder.clear();
    return ci.id;
  } catch {
    // An ambiguous or conflicting identity: leave the alert unbound for a person to review.
    return null;
  }
}

/** The service an alert affects: a `service` label naming a service CI, else the nearest service downstream of its CI. */
async function serviceOf(trx: Trx, deps: CorrelateDeps, row: AlertRow): Promise<string | null> {
  const labels = JSON.parse(row.labels) as Record<string, string>;
  if (labels.service) {
    const named = await trx.selectFrom("cis").select("id").where(sql`lower(name)`, "=", labels.service.toLowerCase()).where("class", "in", SERVICE_CLASSES).executeTakeFirst();
    if (named) return named.id;
  }
  const down = [...(await deps.topology.downstream(trx, row.ci_id!, 6))];
  if (!down.length) return null;
  const svc = await trx.selectFrom("cis").select("id").where("id", "in", down.slice(0, 1000)).where("class", "in", SERVICE_CLASSES).orderBy("name").executeTakeFirst();
  return svc?.id ?? null;
}

function ruleKey(deps: CorrelateDeps, labels: Record<string, string>): { key: string; labels: Record<string, string>; name: string } | null {
  const rules = deps.settings.groupByRules;
  for (let i = 0; i < rules.length; i++) {
    if (!matchesAll(deps.groupRules[i] ?? [], labels)) continue;
    const values: Record<string, string> = {};
    for (const l of rules[i].groupBy) values[l] = labels[l] ?? "";
    return { key: `rule:${rules[i].name}:${JSON.stringify(values)}`, labels: values, name: rules[i].name };
  }
  return null;
}

async function createGroup(trx: Trx, g: { kind: string; key: string; title: string; severity: string; rootCiId: string | null; labels: Record<string, string> }, now: string): Promise<string> {
  const id = randomUUID();
  await trx
    .insertInto("alert_groups")
    .values({
      id, kind: g.kind, key: g.key, title: g.title, status: "open", severity: g.severity, root_ci_id: g.rootCiId, labels: JSON.stringify(g.labels),
      alert_count: 0, active_count: 0, incident_id: null, incident_sync: 0, announced: "[]", merged_into: null, created_at: now, updated_at: now, last_alert_at: now, resolved_at: null,
    })
    .execute();
  return id;
}

async function addCi(trx: Trx, groupId: string, ciId: string | null): Promise<void> {
  if (!ciId) return;
  await trx.insertInto("alert_group_cis").values({ group_id: groupId, ci_id: ciId }).onConflict((oc) => oc.doNothing()).execute();
}

/** Finds or creates the group an active alert belongs to; null when it stays ungrouped. */
async function assignGroup(trx: Trx, deps: CorrelateDeps, row: AlertRow, now: string, merged: (from: string, into: string) => void): Promise<string | null> {
  const labels = JSON.parse(row.labels) as Record<string, string>;
  const rule = ruleKey(deps, labels);
  if (rule) {
    const found = await trx.selectFrom("alert_groups").select("id").where("key", "=", rule.key).where("status", "=", "open").executeTakeFirst();
    const id = found?.id ?? (await createGroup(trx, { kind: "labels", key: rule.key, title: `${rule.name}: ${Object.values(rule.labels).join(", ")}`, severity: row.severity, rootCiId: row.ci_id, labels: rule.labels }, now));
    await addCi(trx, id, row.ci_id);
    return id;
  }
  if (row.ci_id) {
    const windowStart = new Date(Date.parse(now) - deps.settings.correlationWindowSeconds * 1000).toISOString();
    const connected = [...(await deps.topology.connected(trx, row.ci_id, deps.settings.topologyDepth))];
    const candidates = await trx
      .selectFrom("alert_group_cis as gc")
      .innerJoin("alert_groups as g", "g.id", "gc.group_id")
      .select(["g.id", "g.created_at", "gc.ci_id"])
      .where("gc.ci_id", "in", connected.slice(0, 2000))
      .where("g.status", "=", "open")
      .where("g.kind", "=", "topology")
      .orderBy("g.created_at")
      .orderBy("g.id")
      .execute();
    // Same CI: join while the group is open. A connected CI: only within the window.
    const recent = new Set((await trx.selectFrom("alert_groups").select("id").where("id", "in", candidates.length ? candidates.map((c) => c.id) : [""]).where("last_alert_at", ">=", windowStart).execute()).map((r) => r.id));
    const ids = [...new Set(candidates.filter((c) => c.ci_id === row.ci_id || recent.has(c.id)).map((c) => c.id))];
    if (!ids.length) {
      const ci = await trx.selectFrom("cis").select("name").where("id", "=", row.ci_id).executeTakeFirst();
      const id = await createGroup(trx, { kind: "topology", key: `ci:${row.ci_id}`, title: `${row.alertname || "Alert"} on ${ci?.name ?? "unknown CI"}`, severity: row.severity, rootCiId: row.ci_id, labels: {} }, now);
      await addCi(trx, id, row.ci_id);
      return id;
    }
    const [survivor, ...others] = ids;
    for (const other of others) {
      await mergeGroup(trx, other, survivor, now);
      merged(other, survivor);
    }
    await addCi(trx, survivor, row.ci_id);
    return survivor;
  }
  if (deps.settings.incidentsForUnboundAlerts) {
    const key = `alert:${row.fingerprint}`;
    return createGroup(trx, { kind: "labels", key, title: row.alertname || "Alert", severity: row.severity, rootCiId: null, labels }, now);
  }
  return null;
}

/** Moves a group's alerts and CIs into another; the emptied group is kept as "merged" for the record. */
async function mergeGroup(trx: Trx, from: string, into: string, now: string): Promise<void> {
  await trx.updateTable("alerts").set({ group_id: into }).where("group_id", "=", from).execute();
  const cis = await trx.selectFrom("alert_group_cis").select("ci_id").where("group_id", "=", from).execute();
  for (const c of cis) await addCi(trx, into, c.ci_id);
  const old = await trx.selectFrom("alert_groups").select(["incident_id"]).where("id", "=", from).executeTakeFirstOrThrow();
  const target = await trx.selectFrom("alert_groups").select(["incident_id"]).where("id", "=", into).executeTakeFirstOrThrow();
  // An incident already opened for the merged group carries on as the survivor's.
  if (old.incident_id && !target.incident_id) await trx.updateTable("alert_groups").set({ incident_id: old.incident_id }).where("id", "=", into).execute();
  await trx.updateTable("alert_groups").set({ status: "merged", merged_into: into, updated_at: now, active_count: 0, incident_sync: 0 }).where("id", "=", from).execute();
}

/** Recomputes a group's counts, severity, status and root cause; flags its incident for an update. */
export async function refreshGroup(trx: Trx, deps: Pick<CorrelateDeps, "topology" | "settings">, groupId: string, now: string): Promise<void> {
  const group = await trx.selectFrom("alert_groups").selectAll().where("id", "=", groupId).executeTakeFirst();
  if (!group || group.status === "merged") return;
  const alerts = await trx.selectFrom("alerts").select(["status", "severity", "ci_id", "first_seen"]).where("group_id", "=", groupId).execute();
  const active = alerts.filter((a) => a.status !== "resolved");
  let severity = group.severity as AlertSeverity;
  const pool = active.length ? active : alerts;
  if (pool.length) severity = pool.reduce((w, a) => (SEVERITY_RANK[a.severity as AlertSeverity] < SEVERITY_RANK[w] ? (a.severity as AlertSeverity) : w), "info" as AlertSeverity);
  const cis = (await trx.selectFrom("alert_group_cis").select("ci_id").where("group_id", "=", groupId).execute()).map((r) => r.ci_id);
  const root = await rootCause(deps.topology, trx, cis, deps.settings.topologyDepth, group.root_ci_id);
  let title = group.title;
  if (root && root !== group.root_ci_id) {
    const ci = await trx.selectFrom("cis").select("name").where("id", "=", root).executeTakeFirst();
    const onRoot = await trx.selectFrom("alerts").select("alertname").where("group_id", "=", groupId).where("ci_id", "=", root).orderBy("first_seen").executeTakeFirst();
    title = `${onRoot?.alertname || "Alerts"} on ${ci?.name ?? "unknown CI"}${cis.length > 1 ? ` (+${cis.length - 1} related CIs)` : ""}`;
  } else if (root && cis.length > 1) {
    title = title.replace(/ \(\+\d+ related CIs\)$/, "") + ` (+${cis.length - 1} related CIs)`;
  }
  const status = active.length ? "open" : "resolved";
  await trx
    .updateTable("alert_groups")
    .set({
      severity, title, root_ci_id: root, alert_count: alerts.length, active_count: active.length, status,
      resolved_at: status === "resolved" ? (group.resolved_at ?? now) : null, updated_at: now, incident_sync: 1,
    })
    .where("id", "=", groupId)
    .execute();
}
