import type { BadgeTone } from "../../components/Badge";
import type { CiCriticality, CiLifecycleStatus, CiOperationalStatus, ImpactDirection } from "../../api/types";

/** Statuses as data: label and badge tone, read by the table, the detail page, the forms and the map. */
export const OPERATIONAL_STATUSES: Record<CiOperationalStatus, { label: string; tone: BadgeTone; cssVar: string }> = {
  up: { label: "Up", tone: "success", cssVar: "--success" },
  degraded: { label: "Degraded", tone: "warning", cssVar: "--warning" },
  down: { label: "Down", tone: "danger", cssVar: "--danger" },
  unknown: { label: "Unknown", tone: "neutral", cssVar: "--text-subtle" },
};

export const LIFECYCLE_STATUSES: Record<CiLifecycleStatus, { label: string; tone: BadgeTone }> = {
  planned: { label: "Planned", tone: "info" },
  in_service: { label: "In service", tone: "accent" },
  maintenance: { label: "Maintenance", tone: "warning" },
  retired: { label: "Retired", tone: "neutral" },
};

export const CRITICALITIES: Record<CiCriticality, { label: string; tone: BadgeTone }> = {
  low: { label: "Low", tone: "neutral" },
  medium: { label: "Medium", tone: "info" },
  high: { label: "High", tone: "warning" },
  critical: { label: "Critical", tone: "danger" },
};

export const IMPACT_DIRECTIONS: Record<ImpactDirection, { label: string; hint: string }> = {
  target_to_source: { label: "Target to source", hint: "A depends on B: B failing impacts A" },
  source_to_target: { label: "Source to target", hint: "A contains B: A failing impacts B" },
  both: { label: "Both ways", hint: "Peers: a failure at either end impacts the other" },
  none: { label: "None", hint: "Informational only; impact does not travel" },
};

/** Environments offered in filters and forms; the server accepts any name. */
export const COMMON_ENVIRONMENTS = ["production", "staging", "test", "development", "disaster_recovery"];

/** Select options from one of the status maps. */
export function optionsOf<K extends string>(map: Record<K, { label: string }>): { value: K; label: string }[] {
  return (Object.keys(map) as K[]).map((value) => ({ value, label: map[value].label }));
}

/** Identifier fields in display order with their labels. */
export const IDENTIFIER_FIELDS = [
  { key: "hostname", label: "Hostname", list: false },
  { key: "fqdn", label: "FQDN", list: false },
  { key: "ipAddresses", label: "IP addresses", list: true },
  { key: "macAddresses", label: "MAC addresses", list: true },
  { key: "serialNumber", label: "Serial number", list: false },
  { key: "cloudId", label: "Cloud id", list: false },
  { key: "prometheusInstance", label: "Prometheus instance", list: false },
  { key: "prometheusJob", label: "Prometheus job", list: false },
  { key: "otelServiceName", label: "OTel service.name", list: false },
  { key: "otelHostName", label: "OTel host.name", list: false },
] as const;

export type IdentifierKey = (typeof IDENTIFIER_FIELDS)[number]["key"];

/** Service classes (and their subclasses) get a "Service map" button. */
export const SERVICE_ROOTS = ["business_service", "technical_service", "application_service"];

/** A rough family of a class from its lineage: picks the map shape and the icon. */
export type ClassFamily = "service" | "application" | "database" | "host" | "container" | "network" | "storage" | "endpoint" | "cloud" | "other";

const FAMILY_BY_CLASS: Record<string, ClassFamily> = {
  business_service: "service",
  technical_service: "service",
  application_service: "service",
  application: "application",
  web_server: "application",
  middleware: "application",
  database: "database",
  server: "host",
  virtual_machine: "host",
  kubernetes_node: "host",
  container: "container",
  kubernetes_cluster: "container",
  kubernetes_workload: "container",
  network_device: "network",
  storage: "storage",
  endpoint: "endpoint",
  cloud_resource: "cloud",
};

/** The family of a class: the nearest ancestor (or itself) with a known family. */
export function familyOf(path: string[] | undefined, className: string): ClassFamily {
  const lineage = path && path.length ? path : [className];
  for (let i = lineage.length - 1; i >= 0; i--) {
    const family = FAMILY_BY_CLASS[lineage[i]!];
    if (family) return family;
  }
  return "other";
}

export const FAMILY_LABELS: Record<ClassFamily, string> = {
  service: "Service",
  application: "Application",
  database: "Database",
  host: "Server / host",
  container: "Container / cluster",
  network: "Network device",
  storage: "Storage",
  endpoint: "Endpoint",
  cloud: "Cloud resource",
  other: "Other",
};
