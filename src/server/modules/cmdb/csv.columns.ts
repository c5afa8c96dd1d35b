/**
 * How CSV columns map to CI fields, as one table: OpsDesk's own column names (what export
 * writes) plus the names Snipe-IT and GLPI exports use. A header is normalised (lower case,
 * runs of other characters to `_`) before it is looked up, so "Serial number", "serial-number"
 * and "SERIAL_NUMBER" are one column.
 */
import type { CiIdentifiers, CreateCiBody } from "../../../contract/index.js";
import { CI_CRITICALITIES, CI_OPERATIONAL_STATUSES } from "../../../contract/index.js";
import { ValidationError } from "../../platform/errors.js";
import type { ClassCatalog } from "./classes.service.js";
import { IDENTIFIERS } from "./cmdb.identifiers.js";

type IdKey = keyof CiIdentifiers;
type GroupField = "supportGroupId" | "ownerGroupId";

/** What a column feeds. `soft` attributes are skipped (with a warning) for classes that lack them. */
export type Target =
  | { kind: "id" }
  | { kind: "name" }
  | { kind: "class" }
  | { kind: "lifecycleStatus" }
  | { kind: "operationalStatus" }
  | { kind: "environment" }
  | { kind: "criticality" }
  | { kind: "group"; field: GroupField }
  | { kind: "identifier"; key: IdKey }
  | { kind: "attribute"; name: string; soft: boolean };

/** Identifier columns in export order; the first alias is the column OpsDesk writes. */
const IDENTIFIER_COLUMNS: Array<[IdKey, string[]]> = [
  ["serialNumber", ["serial_number", "serial", "serialnumber", "serial_no"]],
  ["fqdn", ["fqdn", "dns_name"]],
  ["hostname", ["hostname", "host_name", "computer_name"]],
  ["ipAddresses", ["ip_addresses", "ip_address", "ip", "ips", "ip_addresses_list"]],
  ["macAddresses", ["mac_addresses", "mac_address", "mac"]],
  ["cloudId", ["cloud_id", "instance_id", "resource_id", "arn"]],
  ["prometheusInstance", ["prometheus_instance"]],
  ["prometheusJob", ["prometheus_job"]],
  ["otelServiceName", ["otel_service_name", "service_name"]],
  ["otelHostName", ["otel_host_name"]],
];

/**
 * Every known column. Snipe-IT: Asset Name, Asset Tag, Serial, Model, Manufacturer, Category,
 * Status, Location, Checked Out To, Warranty Expires, MAC Address. GLPI: Name, Serial number,
 * Inventory number, Type, Status, Location, Manufacturer, Model, Operating system - Name /
 * - Version, User, Group, Group in charge of the hardware.
 */
const COLUMN_TABLE: Array<[Target, string[]]> = [
  [{ kind: "id" }, ["id", "ci_id", "sys_id"]],
  [{ kind: "name" }, ["name", "asset_name", "ci_name", "display_name"]],
  [{ kind: "class" }, ["class", "ci_class", "type", "category", "asset_type", "item_type"]],
  [{ kind: "lifecycleStatus" }, ["lifecycle_status", "status", "status_label", "lifecycle"]],
  [{ kind: "operationalStatus" }, ["operational_status", "health"]],
  [{ kind: "environment" }, ["environment", "env"]],
  [{ kind: "criticality" }, ["criticality", "business_criticality"]],
  [{ kind: "group", field: "supportGroupId" }, ["support_group", "assignment_group", "group_in_charge_of_the_hardware", "technician_group"]],
  [{ kind: "group", field: "ownerGroupId" }, ["owner_group", "managed_by_group", "group"]],
  ...IDENTIFIER_COLUMNS.map(([key, aliases]): [Target, string[]] => [{ kind: "identifier", key }, aliases]),
  [{ kind: "attribute", name: "asset_tag", soft: true }, ["asset_tag", "inventory_number", "otherserial"]],
  [{ kind: "attribute", name: "model", soft: true }, ["model", "model_name"]],
  [{ kind: "attribute", name: "manufacturer", soft: true }, ["manufacturer", "vendor_name"]],
  [{ kind: "attribute", name: "location", soft: true }, ["location"]],
  [{ kind: "attribute", name: "os", soft: true }, ["os", "operating_system", "operating_system_name"]],
  [{ kind: "attribute", name: "os_version", soft: true }, ["os_version", "operating_system_version"]],
  [{ kind: "attribute", name: "assigned_to", soft: true }, ["assigned_to", "checked_out_to", "user"]],
  [{ kind: "attribute", name: "warranty_expires", soft: true }, ["warranty_expires", "warranty_expiration_date", "warranty_expiration"]],
];

const BY_ALIAS = new Map(COLUMN_TABLE.flatMap(([target, aliases]) => aliases.map((a) => [a, target] as const)));

/** The columns export writes before the attribute columns (import reads the same names). */
export const EXPORT_COLUMNS = [
  "id",
  "name",
  "class",
  "lifecycle_status",
  "operational_status",
  "environment",
  "criticality",
  "support_group",
  "owner_group",
  ...IDENTIFIER_COLUMNS.map(([, aliases]) => aliases[0]),
] as const;

/** The export column of each identifier. */
export const IDENTIFIER_COLUMN: Record<IdKey, string> = Object.fromEntries(IDENTIFIER_COLUMNS.map(([key, aliases]) => [key, aliases[0]])) as Record<IdKey, string>;

/** "Serial number " -> "serial_number". */
export function normaliseHeader(header: string): string {
  return header.trim().toLowerCase().replace(/[^a-z0-9.]+/g, "_").replace(/^_+|_+$/g, "");
}

/** A column the import understood. */
export interface Column {
  index: number;
  header: string;
  target: Target;
}

/** Resolves a header row: the columns understood and the ones ignored. The first of two columns feeding one field wins. */
export function resolveHeader(headers: string[], catalog: ClassCatalog): { columns: Column[]; ignored: string[] } {
  const attributeNames = new Set(catalog.names().flatMap((c) => catalog.attributes(c).map((a) => a.name)));
  const columns: Column[] = [];
  const ignored: string[] = [];
  const taken = new Set<string>();
  headers.forEach((header, index) => {
    const key = normaliseHeader(header);
    let target: Target | undefined = BY_ALIAS.get(key);
    if (!target && key.startsWith("attr.")) target = { kind: "attribute", name: key.slice(5), soft: false };
    else if (!target && attributeNames.has(key)) target = { kind: "attribute", name: key, soft: true };
    const slot = target ? fieldOf(target) : "";
    if (!target || taken.has(slot)) {
      if (header.trim()) ignored.push(header);
      return;
    }
    taken.add(slot);
    columns.push({ index, header, target });
  });
  return { columns, ignored };
}

/** The flat field a target writes (the names history and errors use). */
export function fieldOf(t: Target): string {
  switch (t.kind) {
    case "group":
      return t.field;
    case "identifier":
      return `identifiers.${t.key}`;
    case "attribute":
      return `attributes.${t.name}`;
    default:
      return t.kind;
  }
}

const key = (v: string) => v.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");

/** Status words of Snipe-IT, GLPI and common usage -> lifecycle status. */
const LIFECYCLE_WORDS: Record<string, string> = {
  planned: "planned", pending: "planned", ordered: "planned", on_order: "planned", in_stock: "planned", ready_to_deploy: "planned", new: "planned", stock: "planned",
  in_service: "in_service", in_use: "in_service", deployed: "in_service", active: "in_service", production: "in_service", operational: "in_service", live: "in_service", installed: "in_service",
  maintenance: "maintenance", in_repair: "maintenance", out_for_repair: "maintenance", under_repair: "maintenance", repair: "maintenance", out_of_order: "maintenance",
  retired: "retired", archived: "retired", disposed: "retired", lost: "retired", stolen: "retired", lost_stolen: "retired", decommissioned: "retired", undeployable: "retired", broken: "retired", scrapped: "retired",
};

const OPERATIONAL_WORDS: Record<string, string> = {
  ...Object.fromEntries(CI_OPERATIONAL_STATUSES.map((s) => [s, s])),
  ok: "up", healthy: "up", running: "up", online: "up", warning: "degraded", impaired: "degraded", critical: "down", failed: "down", offline: "down", unreachable: "down",
};

/** Words vendors use for classes OpsDesk names differently. */
const CLASS_WORDS: Record<string, string> = {
  computer: "desktop", pc: "desktop", workstation: "desktop", notebook: "laptop", phone: "mobile_device", smartphone: "mobile_device", mobile: "mobile_device",
  mobile_phone: "mobile_device", tablet: "mobile_device", vm: "virtual_machine", virtual_server: "virtual_machine", networking: "network_device",
  network_equipment: "network_device", networkequipment: "network_device", nas: "storage", san: "storage", db: "database", k8s_cluster: "kubernetes_cluster",
};

/** A class value ("Linux server", "Laptops", "Computer", "linux_server") -> a class name, or null. */
export function resolveClass(catalog: ClassCatalog, value: string): string | null {
  if (catalog.has(value)) return value;
  const k = key(value);
  const candidates = [k, k.replace(/es$/, ""), k.replace(/s$/, "")];
  for (const c of candidates) {
    if (catalog.has(c)) return c;
    if (CLASS_WORDS[c]) return CLASS_WORDS[c];
    const byLabel = catalog.names().find((n) => key(catalog.toClass(n).label) === c);
    if (byLabel) return byLabel;
  }
  return null;
}

/** Shared lookups while converting rows. */
export interface RowContext {
  catalog: ClassCatalog;
  defaultClass: string | null;
  /** Lower-cased group name (and id) -> group id. */
  groups: Map<string, string>;
  /** Warnings, deduplicated by the caller. */
  warn(message: string): void;
}

/** A converted row: the record for identification, and the CI id the row names (if any). */
export interface RowRecord {
  id: string | null;
  input: CreateCiBody;
}

function fail(column: Column, code: string, message: string): ValidationError {
  return new ValidationError(code, message, { field: column.header });
}

const TRUE = new Set(["true", "yes", "y", "1", "on"]);
const FALSE = new Set(["false", "no", "n", "0", "off"]);

function attributeValue(column: Column, type: string, allowed: string[] | undefined, raw: string): unknown {
  if (type === "number") {
    const n = Number(raw.replace(/,/g, ""));
    if (!Number.isFinite(n)) throw fail(column, "cmdb.invalid_attribute", `${column.header}: "${raw}" is not a number`);
    return n;
  }
  if (type === "boolean") {
    const v = raw.toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    throw fail(column, "cmdb.invalid_attribute", `${column.header}: "${raw}" is not true or false`);
  }
  if (type === "enum") return allowed?.find((a) => a.toLowerCase() === raw.toLowerCase()) ?? raw;
  return raw;
}

/**
 * Turns one CSV record into an identification input. Empty cells leave the field as it is.
 * Throws a ValidationError whose `field` is the column header at fault.
 */
export function toRecord(ctx: RowContext, columns: Column[], cells: string[]): RowRecord {
  const value = (c: Column) => (cells[c.index] ?? "").trim();
  const classColumn = columns.find((c) => c.target.kind === "class");
  const rawClass = classColumn ? value(classColumn) : "";
  let cls = rawClass ? resolveClass(ctx.catalog, rawClass) : ctx.defaultClass;
  if (!cls) {
    if (rawClass) throw fail(classColumn!, "cmdb.unknown_class", `${classColumn!.header}: there is no CI class "${rawClass}"`);
    throw new ValidationError("cmdb.missing_class", "The row has no class; add a class column or pass a default class", { field: classColumn?.header ?? "class" });
  }
  const defs = new Map(ctx.catalog.attributes(cls).map((a) => [a.name, a]));
  const input: CreateCiBody = { class: cls, name: "" };
  const identifiers: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = {};
  let id: string | null = null;
  for (const column of columns) {
    const raw = value(column);
    if (!raw) continue;
    const t = column.target;
    switch (t.kind) {
      case "id":
        id = raw;
        break;
      case "name":
        input.name = raw;
        break;
      case "class":
        break;
      case "lifecycleStatus": {
        const s = LIFECYCLE_WORDS[key(raw)];
        if (!s) throw fail(column, "cmdb.invalid_status", `${column.header}: "${raw}" is not a lifecycle status (planned, in_service, maintenance, retired)`);
        input.lifecycleStatus = s as CreateCiBody["lifecycleStatus"];
        break;
      }
      case "operationalStatus": {
        const s = OPERATIONAL_WORDS[key(raw)];
        if (!s) throw fail(column, "cmdb.invalid_status", `${column.header}: "${raw}" is not an operational status (up, degraded, down, unknown)`);
        input.operationalStatus = s as CreateCiBody["operationalStatus"];
        break;
      }
      case "environment":
        input.environment = raw;
        break;
      case "criticality": {
        const c = key(raw);
        if (!(CI_CRITICALITIES as readonly string[]).includes(c)) throw fail(column, "cmdb.invalid_criticality", `${column.header}: "${raw}" is not one of ${CI_CRITICALITIES.join(", ")}`);
        input.criticality = c as CreateCiBody["criticality"];
        break;
      }
      case "group": {
        const gid = ctx.groups.get(raw.toLowerCase());
        if (!gid) throw fail(column, "cmdb.unknown_group", `${column.header}: there is no group "${raw}"`);
        input[t.field] = gid;
        break;
      }
      case "identifier":
        identifiers[t.key] = t.key === "ipAddresses" || t.key === "macAddresses" ? raw.split(/[;,\s]+/).filter(Boolean) : raw;
        break;
      case "attribute": {
        const def = defs.get(t.name);
        if (!def) {
          if (t.soft) {
            ctx.warn(`Column "${column.header}" skipped for class ${cls}: it has no attribute ${t.name}`);
            break;
          }
          throw fail(column, "cmdb.invalid_attribute", `${column.header}: class ${cls} has no attribute "${t.name}"`);
        }
        attributes[t.name] = attributeValue(column, def.type, def.allowedValues, raw);
        break;
      }
    }
  }
  if (!input.name) {
    // Asset lists often name a machine only by its host name or serial.
    input.name = String(identifiers.hostname ?? identifiers.fqdn ?? identifiers.serialNumber ?? attributes.asset_tag ?? "");
    if (!input.name) throw new ValidationError("request.invalid", "The row has no name", { field: columns.find((c) => c.target.kind === "name")?.header ?? "name" });
  }
  if (Object.keys(identifiers).length) input.identifiers = identifiers as CiIdentifiers;
  if (Object.keys(attributes).length) input.attributes = attributes as CreateCiBody["attributes"];
  return { id, input };
}

/** Column name -> identifier kind, for declared match keys. */
const MATCH_KINDS: Record<string, string> = {
  name: "name",
  ...Object.fromEntries(IDENTIFIER_COLUMNS.flatMap(([k, aliases]) => aliases.map((a) => [a, IDENTIFIERS[k].kind as string]))),
};

/** Parses `serial_number,hostname+ip_addresses` into identification rules. */
export function parseMatchKeys(spec: string): string[][] {
  return spec.split(",").map((rule, i) =>
    rule.split("+").map((part) => {
      const kind = MATCH_KINDS[normaliseHeader(part)];
      if (!kind) {
        throw new ValidationError("cmdb.invalid_match_key", `"${part.trim()}" cannot be a match key; use name or an identifier column (${Object.values(IDENTIFIER_COLUMN).join(", ")})`, {
          field: "match",
          rule: i,
        });
      }
      return kind;
    }),
  );
}
