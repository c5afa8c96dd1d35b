/**
 * CI binding: which CI an alert is about, from its labels (instance, host, hostname, fqdn, ip,
 * service.name, job, or configured labels) looked up among the CMDB's identifiers. Lookups are
 * cached, so the ingest hot path asks the database only about values it has not seen lately.
 */
import { isIP } from "node:net";
import { CompiledQuery } from "kysely";
import { isPostgres } from "../../platform/db/dialect.js";
import type { EventSettings } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";

/** One way to find a CI: an identifier kind (or `name`) and the value to look for. */
export interface BindKey {
  kind: string;
  value: string;
}

const POSITIVE_MS = 5 * 60_000;
// Unknown hosts are asked about again after this, so a CI created by discovery is picked up.
const NEGATIVE_MS = 30_000;
const MAX_ENTRIES = 200_000;
const CHUNK = 400;

const hostOf = (v: string) => v.trim().toLowerCase().replace(/\.$/, "");

/** `host:port`, `[v6]:port`, `http://host:port/path` -> host. */
function stripPort(instance: string): string {
  let s = instance.trim();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/.*$/, "");
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (v6) return v6[1];
  if (isIP(s) === 6) return s;
  return s.replace(/:\d+$/, "");
}

/** Keys for a host-like value: an IP address, or an FQDN / hostname plus its short name. */
function hostKeys(raw: string, out: BindKey[]): void {
  const host = hostOf(stripPort(raw));
  if (!host) return;
  if (isIP(host)) {
    out.push({ kind: "ip_address", value: host });
    return;
  }
  if (host.includes(".")) {
    out.push({ kind: "fqdn", value: host });
    out.push({ kind: "hostname", value: host });
    out.push({ kind: "otel_host_name", value: host });
    const short = host.split(".")[0];
    out.push({ kind: "hostname", value: short });
    out.push({ kind: "name", value: short });
  } else {
    out.push({ kind: "hostname", value: host });
    out.push({ kind: "otel_host_name", value: host });
  }
  out.push({ kind: "name", value: host });
}

/** The keys an alert's labels offer, strongest first. */
export function bindKeys(labels: Record<string, string>, settings: Pick<EventSettings, "ciLabels">): BindKey[] {
  const out: BindKey[] = [];
  for (const rule of settings.ciLabels) {
    const v = labels[rule.label];
    if (v) out.push({ kind: rule.kind, value: rule.kind === "name" || rule.kind === "fqdn" || rule.kind === "hostname" ? hostOf(v) : v.trim() });
  }
  if (labels.instance) {
    out.push({ kind: "prometheus_instance", value: labels.instance.trim() });
    hostKeys(labels.instance, out);
  }
  for (const label of ["fqdn", "host", "hostname", "host_name", "nodename", "node", "ip", "ip_address", "address"]) {
    if (labels[label]) hostKeys(labels[label], out);
  }
  const service = labels["service.name"] ?? labels.service_name;
  if (service) out.push({ kind: "otel_service_name", value: service.trim() });
  if (labels.job) out.push({ kind: "prometheus_job", value: labels.job.trim() });
  // Without any host, the service label may name a CI (an application or a service).
  if (labels.service) out.push({ kind: "name", value: labels.service.trim().toLowerCase() });
  return out;
}

const keyOf = (k: BindKey) => `${k.kind}\u0000${k.value}`;

// Every label bindKeys reads, but for the configured ones (settings.ciLabels).
const BINDING_LABELS = ["instance", "fqdn", "host", "hostname", "host_name", "nodename", "node", "ip", "ip_address", "address", "service.name", "service_name", "job", "service"];

/**
 * The values of the labels that decide an alert's keys, as one string: alerts that differ only
 * in other labels (alertname, severity, ...) bind to the same CI, so a new alert on a known host
 * is bound without working out its keys again.
 */
export function bindingSignature(labels: Record<string, string>, ciLabels: EventSettings["ciLabels"]): string {
  let sig = "";
  for (const rule of ciLabels) sig += `${labels[rule.label] ?? ""}\u0000`;
  for (const name of BINDING_LABELS) sig += `${labels[name] ?? ""}\u0000`;
  return sig;
}

const IDENTIFIERS_PG = `select "ci_id", "kind", "value" from "ci_identifiers" where "kind" = any($1::text[]) and "value" = any($2::text[])`;
const IDENTIFIERS_SQLITE = `select "ci_id", "kind", "value" from "ci_identifiers" where "kind" in (select value from json_each(?)) and "value" in (select value from json_each(?))`;
// CIs by lowercased name, through the (lower(name), ...) index of migration 0022.
const NAMES_PG = `select "id", "class", lower("name") as "lname" from "cis" where lower("name") = any($1::text[])`;
const NAMES_SQLITE = `select "id", "class", lower("name") as "lname" from "cis" where lower("name") in (select value from json_each(?))`;
// The identifier kinds in use, one index seek per kind (a loose index scan; "select distinct"
// would read every identifier).
const KINDS = `with recursive k(kind) as (select min("kind") from "ci_identifiers" union all select (select min("kind") from "ci_identifiers" where "kind" > k.kind) from k where k.kind is not null) select kind from k where kind is not null`;

/**
 * Rows of a statement with one list parameter per array (SQLite: JSON text read by json_each;
 * PostgreSQL: arrays). One fixed statement per shape: Kysely building an IN list of hundreds
 * of values cost more than the lookup.
 */
async function listRows<R>(db: DbOrTrx, pgText: string, sqliteText: string, lists: string[][]): Promise<R[]> {
  const pg = isPostgres(db);
  const res = await db.executeQuery<R>(CompiledQuery.raw(pg ? pgText : sqliteText, pg ? lists : lists.map((l) => JSON.stringify(l))));
  return res.rows;
}

/**
 * A cache of key -> CI id (null: known to match nothing, or more than one CI), and of
 * fingerprint -> CI id with the same lifetimes, so that repeats of an alert skip working out
 * its keys again.
 */
export class Binder {
  readonly #cache = new Map<string, { ciId: string | null; at: number }>();
  /**
   * The identifier kinds the CMDB holds, and when they were read: keys of other kinds cannot
   * match, so they are neither looked up nor cached (a host offers seven or eight keys; a CMDB
   * mostly identifies hosts by two or three kinds). Read again after a CMDB change (clear) and
   * as often as unknown hosts are, so a kind that appears on another node is seen as soon as
   * an unknown host would be.
   */
  #kinds: { set: Set<string>; at: number } | null = null;
  readonly #byAlert = new Map<string, { ciId: string | null; at: number }>();
  readonly #bySignature = new Map<string, { ciId: string | null; at: number }>();
  #ciLabels = "";

  /** Forgets everything (the CMDB changed). */
  clear(): void {
    this.#kinds = null;
    this.#cache.clear();
    this.#byAlert.clear();
    this.#bySignature.clear();
  }

  /** The CI of each alert (null when none is found), from the alert cache, else from its labels' keys. */
  async bindAlerts(db: DbOrTrx, alerts: Array<{ fingerprint: string; labels: Record<string, string> }>, settings: Pick<EventSettings, "ciLabels">): Promise<Array<string | null>> {
    const ciLabels = settings.ciLabels.length ? JSON.stringify(settings.ciLabels) : "";
    if (ciLabels !== this.#ciLabels) {
      this.#byAlert.clear();
      this.#bySignature.clear();
      this.#ciLabels = ciLabels;
    }
    const now = Date.now();
    const fresh = (hit: { ciId: string | null; at: number } | undefined) => hit !== undefined && now - hit.at <= (hit.ciId ? POSITIVE_MS : NEGATIVE_MS);
    const out: Array<string | null> = new Array(alerts.length).fill(null);
    const todo: number[] = [];
    const signatures: string[] = [];
    if (this.#byAlert.size > MAX_ENTRIES) this.#byAlert.clear();
    for (let i = 0; i < alerts.length; i++) {
      const hit = this.#byAlert.get(alerts[i].fingerprint);
      if (fresh(hit)) {
        out[i] = hit!.ciId;
        continue;
      }
      const signature = bindingSignature(alerts[i].labels, settings.ciLabels);
      const bySignature = this.#bySignature.get(signature);
      if (fresh(bySignature)) {
        out[i] = bySignature!.ciId;
        // Keeps the signature's time: the answer is as old as the lookup it came from.
        this.#byAlert.set(alerts[i].fingerprint, bySignature!);
        continue;
      }
      todo.push(i);
      signatures.push(signature);
    }
    if (!todo.length) return out;
    const kinds = await this.#kindsInUse(db, now);
    const bound = await this.bind(db, todo.map((i) => bindKeys(alerts[i].labels, settings).filter((k) => k.kind === "name" || kinds.has(k.kind))));
    if (this.#bySignature.size > MAX_ENTRIES) this.#bySignature.clear();
    todo.forEach((i, j) => {
      out[i] = bound[j];
      const entry = { ciId: bound[j], at: now };
      this.#byAlert.set(alerts[i].fingerprint, entry);
      this.#bySignature.set(signatures[j], entry);
    });
    return out;
  }

  /** The CI of each label set (null when none is found), reading the CMDB only for keys not cached. */
  async bind(db: DbOrTrx, items: BindKey[][]): Promise<Array<string | null>> {
    const now = Date.now();
    // Each key's cache key, made once (new hosts offer several keys each, and each was built
    // four or five times over before).
    const ids = items.map((keys) => keys.map(keyOf));
    const missing = new Map<string, BindKey>();
    for (let i = 0; i < items.length; i++) {
      for (let j = 0; j < ids[i].length; j++) {
        const hit = this.#cache.get(ids[i][j]);
        if (!hit || now - hit.at > (hit.ciId ? POSITIVE_MS : NEGATIVE_MS)) missing.set(ids[i][j], items[i][j]);
      }
    }
    if (missing.size) await this.#load(db, missing, now);
    return ids.map((keys) => {
      for (const id of keys) {
        const ciId = this.#cache.get(id)?.ciId;
        if (ciId) return ciId;
      }
      return null;
    });
  }

  async #kindsInUse(db: DbOrTrx, now: number): Promise<Set<string>> {
    if (!this.#kinds || now - this.#kinds.at > NEGATIVE_MS) {
      const rows = await listRows<{ kind: string }>(db, KINDS, KINDS, []);
      this.#kinds = { set: new Set(rows.map((r) => r.kind)), at: now };
    }
    return this.#kinds.set;
  }

  /** Reads the CMDB for `keys` (cache key -> key) and caches what each one finds. */
  async #load(db: DbOrTrx, keys: Map<string, BindKey>, now: number): Promise<void> {
    if (this.#cache.size > MAX_ENTRIES) this.#cache.clear();
    const found = new Map<string, Set<string>>();
    const add = (k: string, id: string) => (found.get(k) ?? found.set(k, new Set()).get(k)!).add(id);
    const idKeys: BindKey[] = [];
    const names: BindKey[] = [];
    for (const k of keys.values()) (k.kind === "name" ? names : idKeys).push(k);
    for (let i = 0; i < idKeys.length; i += CHUNK) {
      const part = idKeys.slice(i, i + CHUNK);
      const rows = await listRows<{ ci_id: string; kind: string; value: string }>(db, IDENTIFIERS_PG, IDENTIFIERS_SQLITE, [[...new Set(part.map((k) => k.kind))], [...new Set(part.map((k) => k.value))]]);
      for (const r of rows) add(`${r.kind}\u0000${r.value}`, r.ci_id);
    }
    for (let i = 0; i < names.length; i += CHUNK) {
      const part = [...new Set(names.slice(i, i + CHUNK).map((k) => k.value.toLowerCase()))];
      const rows = await listRows<{ id: string; class: string; lname: string }>(db, NAMES_PG, NAMES_SQLITE, [part]);
      // An unidentified CI answers to its name only when no classified CI has that name.
      for (const r of rows) if (r.class !== "unidentified") add(`name\u0000${r.lname}`, r.id);
      for (const r of rows) if (r.class === "unidentified" && !found.has(`name\u0000${r.lname}`)) add(`name\u0000${r.lname}`, r.id);
    }
    for (const id of keys.keys()) {
      const ids = found.get(id);
      // Two CIs with the same hostname: a guess would bind the alert to the wrong one.
      this.#cache.set(id, { ciId: ids && ids.size === 1 ? [...ids][0] : null, at: now });
    }
  }
}
