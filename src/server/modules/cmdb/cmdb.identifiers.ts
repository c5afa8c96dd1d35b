/**
 * CI identifiers as data: how each one is normalised, stored (one row per value in
 * ci_identifiers, so lookups are index-backed) and matched by identification rules.
 */
import { isIP } from "node:net";
import { sql } from "kysely";
import type { CiIdentifiers, IdentifierKind } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { ValidationError } from "../../platform/errors.js";

type Key = keyof CiIdentifiers;

interface KindSpec {
  kind: Exclude<IdentifierKind, "name">;
  multi: boolean;
  normalise(value: string): string | null;
}

const trim = (v: string) => v.trim() || null;
const host = (v: string) => v.trim().toLowerCase().replace(/\.$/, "") || null;

/** Values firmware and hypervisors put where a serial number should be; they identify nothing. */
const JUNK_SERIALS = new Set(["0", "none", "n/a", "na", "unknown", "default string", "to be filled by o.e.m.", "system serial number", "not specified", "not applicable", "0123456789", "123456789", "chassis serial number"]);

function serial(v: string): string | null {
  const s = v.trim();
  return s && !JUNK_SERIALS.has(s.toLowerCase()) ? s : null;
}

function ip(v: string): string | null {
  const s = v.trim().toLowerCase();
  if (!isIP(s)) throw new ValidationError("cmdb.invalid_identifier", `"${v}" is not an IP address`, { field: "identifiers.ipAddresses" });
  return s;
}

function mac(v: string): string | null {
  const s = v.trim().toLowerCase().replace(/-/g, ":");
  if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(s)) throw new ValidationError("cmdb.invalid_identifier", `"${v}" is not a MAC address`, { field: "identifiers.macAddresses" });
  return s;
}

/** Every identifier of the API, keyed by its field name. */
export const IDENTIFIERS: Record<Key, KindSpec> = {
  serialNumber: { kind: "serial_number", multi: false, normalise: serial },
  fqdn: { kind: "fqdn", multi: false, normalise: host },
  hostname: { kind: "hostname", multi: false, normalise: host },
  ipAddresses: { kind: "ip_address", multi: true, normalise: ip },
  macAddresses: { kind: "mac_address", multi: true, normalise: mac },
  cloudId: { kind: "cloud_id", multi: false, normalise: trim },
  prometheusInstance: { kind: "prometheus_instance", multi: false, normalise: trim },
  prometheusJob: { kind: "prometheus_job", multi: false, normalise: trim },
  otelServiceName: { kind: "otel_service_name", multi: false, normalise: trim },
  otelHostName: { kind: "otel_host_name", multi: false, normalise: host },
};

/** Every stored identifier kind. */
export const IDENTIFIER_KINDS: string[] = Object.values(IDENTIFIERS).map((s) => s.kind);

const KEY_OF_KIND = new Map(Object.entries(IDENTIFIERS).map(([key, spec]) => [spec.kind as string, key as Key]));

/** Kinds that name exactly one CI (a unique index guards them). */
export const UNIQUE_KINDS = new Set(["serial_number", "fqdn", "cloud_id"]);

/** Normalises identifiers; junk is dropped, malformed addresses are refused with a 400. */
export function normaliseIdentifiers(input: CiIdentifiers | undefined): CiIdentifiers {
  const out: Record<string, string | string[]> = {};
  for (const [key, raw] of Object.entries(input ?? {}) as Array<[Key, string | string[]]>) {
    const spec = IDENTIFIERS[key];
    if (spec.multi) {
      const values = [...new Set((raw as string[]).map(spec.normalise).filter((v): v is string => v !== null))].sort();
      if (values.length) out[key] = values;
    } else {
      const value = spec.normalise(raw as string);
      if (value !== null) out[key] = value;
    }
  }
  return out as CiIdentifiers;
}

/** The storage rows of a CI's identifiers. */
export function identifierRows(ciId: string, ids: CiIdentifiers): Array<{ ci_id: string; kind: string; value: string }> {
  return (Object.entries(ids) as Array<[Key, string | string[]]>).flatMap(([key, v]) =>
    (Array.isArray(v) ? v : [v]).map((value) => ({ ci_id: ciId, kind: IDENTIFIERS[key].kind, value })),
  );
}

/** Rebuilds the API shape from storage rows. */
export function identifiersFromRows(rows: Array<{ kind: string; value: string }>): CiIdentifiers {
  const out: Record<string, string | string[]> = {};
  for (const r of rows) {
    const key = KEY_OF_KIND.get(r.kind);
    if (!key) continue;
    if (IDENTIFIERS[key].multi) out[key] = [...((out[key] as string[]) ?? []), r.value].sort();
    else out[key] = r.value;
  }
  return out as CiIdentifiers;
}

/** The values a record carries for a rule kind (empty when it has none). */
function valuesFor(ids: CiIdentifiers, kind: IdentifierKind): string[] {
  const key = KEY_OF_KIND.get(kind);
  if (!key) return [];
  const v = ids[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * CIs (at most two: enough to tell "one" from "ambiguous") that match every kind of a rule,
 * within the given classes. Null when the record lacks a kind the rule needs.
 * The identifier lookups run first and on their own: asked as subqueries of one statement,
 * SQLite preferred walking every CI of the class family (each lookup read all 300,000 VMs of a
 * large CMDB); a handful of candidate ids keeps every lookup an index probe.
 */
export async function matchRule(
  db: DbOrTrx,
  rule: IdentifierKind[],
  record: { name: string; identifiers: CiIdentifiers },
  classes: string[] | null,
): Promise<string[] | null> {
  let candidates: string[] | null = null;
  for (const kind of rule) {
    if (kind === "name") continue;
    const values = valuesFor(record.identifiers, kind);
    if (!values.length) return null;
    const rows = await db.selectFrom("ci_identifiers").select("ci_id").where("kind", "=", kind).where("value", "in", values).execute();
    const ids = new Set(rows.map((r) => r.ci_id));
    candidates = candidates === null ? [...ids] : candidates.filter((id) => ids.has(id));
  }
  if (candidates && !candidates.length) return [];
  let q = db.selectFrom("cis as c").select("c.id");
  if (candidates) q = q.where("c.id", "in", candidates);
  if (rule.includes("name")) q = q.where(sql`lower(c.name)`, "=", record.name.toLowerCase());
  if (classes) q = q.where("c.class", "in", classes);
  const rows = await q.orderBy("c.created_at").limit(2).execute();
  return rows.map((r) => r.id);
}

/** Which identifier field a stored kind belongs to (for error messages). */
export function fieldOfKind(kind: string): string {
  return `identifiers.${KEY_OF_KIND.get(kind) ?? kind}`;
}
