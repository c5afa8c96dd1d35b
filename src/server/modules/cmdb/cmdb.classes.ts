/**
 * What the CMDB ships with, as data: the default class hierarchy (modelled on the common
 * service data model), the relationship types and the source precedence. Seeded at start by
 * `ensureCmdbDefaults`; admins extend it through the API.
 */
import type { CiAttributeDef, IdentifierKind, ImpactDirection } from "../../../contract/index.js";
import type { Static } from "@sinclair/typebox";

export interface ClassSeed {
  name: string;
  label: string;
  parent: string | null;
  description: string;
  attributes: CiAttributeDef[];
  /** Own rules; omitted: inherit the parent's. */
  identification?: IdentifierKind[][];
}

const str = (name: string, label: string, required = false): CiAttributeDef => ({ name, label, type: "string", required });
const num = (name: string, label: string): CiAttributeDef => ({ name, label, type: "number", required: false });
const bool = (name: string, label: string): CiAttributeDef => ({ name, label, type: "boolean", required: false });
const date = (name: string, label: string): CiAttributeDef => ({ name, label, type: "date", required: false });
const oneOf = (name: string, label: string, allowedValues: string[], required = false): CiAttributeDef => ({ name, label, type: "enum", required, allowedValues });

/** Hardware and hosts: serial first, then cloud id, then FQDN, then hostname with an address. */
const HOST_RULES: IdentifierKind[][] = [["serial_number"], ["cloud_id"], ["fqdn"], ["hostname", "ip_address"]];
/** Services are known by what telemetry calls them, else by name (service names are unique by convention). */
const LOGICAL_RULES: IdentifierKind[][] = [["otel_service_name"], ["fqdn"], ["name"]];

/**
 * Software instances share names across hosts ("nginx" on forty servers), so never match
 * them by name alone; without telemetry or an address they are created, not merged.
 */
const APP_RULES: IdentifierKind[][] = [["otel_service_name"], ["prometheus_instance"], ["fqdn"]];

const HOST_ATTRIBUTES = [str("os", "Operating system"), str("os_version", "OS version"), num("cpu_count", "CPUs"), num("memory_mb", "Memory (MB)")];
const HARDWARE_ATTRIBUTES = [str("manufacturer", "Manufacturer"), str("model", "Model"), date("warranty_expires", "Warranty expires")];

/** Parents come before their children. */
export const DEFAULT_CLASSES: ClassSeed[] = [
  { name: "business_service", label: "Business service", parent: null, description: "A service the business consumes, e.g. Online shop", attributes: [str("service_hours", "Service hours"), oneOf("service_tier", "Service tier", ["gold", "silver", "bronze"])], identification: [["name"]] },
  { name: "technical_service", label: "Technical service", parent: null, description: "A service IT provides to IT, e.g. Email relay", attributes: [str("service_hours", "Service hours")], identification: [["name"]] },
  { name: "application_service", label: "Application service", parent: null, description: "A deployed instance of an application stack serving a service", attributes: [str("url", "URL"), str("version", "Version")], identification: LOGICAL_RULES },
  { name: "application", label: "Application", parent: null, description: "Software running somewhere", attributes: [str("version", "Version"), str("vendor", "Vendor"), num("port", "Port")], identification: APP_RULES },
  { name: "database", label: "Database", parent: "application", description: "A database instance", attributes: [oneOf("engine", "Engine", ["postgresql", "mysql", "mariadb", "oracle", "sqlserver", "mongodb", "redis", "other"])] },
  { name: "web_server", label: "Web server", parent: "application", description: "An HTTP server", attributes: [oneOf("software", "Software", ["nginx", "apache", "iis", "caddy", "other"])] },
  { name: "middleware", label: "Middleware", parent: "application", description: "Message brokers, application servers, caches", attributes: [str("product", "Product")] },
  { name: "server", label: "Server", parent: null, description: "A physical or virtual server", attributes: [...HOST_ATTRIBUTES, ...HARDWARE_ATTRIBUTES, bool("virtual", "Virtual")], identification: HOST_RULES },
  { name: "linux_server", label: "Linux server", parent: "server", description: "A server running Linux", attributes: [str("distribution", "Distribution"), str("kernel_version", "Kernel version")] },
  { name: "windows_server", label: "Windows server", parent: "server", description: "A server running Windows", attributes: [str("domain", "Domain")] },
  { name: "virtual_machine", label: "Virtual machine", parent: null, description: "A guest on a hypervisor or in a cloud", attributes: [...HOST_ATTRIBUTES, oneOf("hypervisor", "Hypervisor", ["vmware", "kvm", "hyperv", "xen", "cloud", "other"])], identification: HOST_RULES },
  { name: "container", label: "Container", parent: null, description: "A running container", attributes: [str("image", "Image"), oneOf("runtime", "Runtime", ["docker", "containerd", "cri-o", "podman", "other"])], identification: [["cloud_id"], ["hostname", "ip_address"]] },
  { name: "kubernetes_cluster", label: "Kubernetes cluster", parent: null, description: "A Kubernetes cluster", attributes: [str("version", "Kubernetes version"), str("api_endpoint", "API endpoint")], identification: [["cloud_id"], ["fqdn"], ["name"]] },
  { name: "kubernetes_node", label: "Kubernetes node", parent: null, description: "A node of a Kubernetes cluster", attributes: [...HOST_ATTRIBUTES, str("kubelet_version", "Kubelet version"), oneOf("node_role", "Role", ["control_plane", "worker"])], identification: HOST_RULES },
  { name: "kubernetes_workload", label: "Kubernetes workload", parent: null, description: "A Deployment, StatefulSet, DaemonSet or Job", attributes: [str("namespace", "Namespace", true), oneOf("kind", "Kind", ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]), num("replicas", "Replicas")], identification: [["otel_service_name"], ["cloud_id"]] },
  { name: "network_device", label: "Network device", parent: null, description: "Any managed network device", attributes: [...HARDWARE_ATTRIBUTES, str("firmware_version", "Firmware version"), num("port_count", "Ports")], identification: [["serial_number"], ["fqdn"], ["mac_address"], ["hostname", "ip_address"]] },
  { name: "router", label: "Router", parent: "network_device", description: "A router", attributes: [] },
  { name: "switch", label: "Switch", parent: "network_device", description: "A switch", attributes: [] },
  { name: "firewall", label: "Firewall", parent: "network_device", description: "A firewall", attributes: [] },
  { name: "load_balancer", label: "Load balancer", parent: "network_device", description: "A load balancer (hardware or virtual)", attributes: [str("vip", "Virtual IP")] },
  { name: "storage", label: "Storage", parent: null, description: "A storage array, NAS or volume", attributes: [...HARDWARE_ATTRIBUTES, num("capacity_gb", "Capacity (GB)"), oneOf("storage_type", "Type", ["san", "nas", "das", "object"])], identification: [["serial_number"], ["cloud_id"], ["fqdn"], ["hostname", "ip_address"]] },
  { name: "endpoint", label: "Endpoint", parent: null, description: "A device people use", attributes: [...HARDWARE_ATTRIBUTES, str("os", "Operating system"), str("os_version", "OS version"), str("assigned_to", "Assigned to")], identification: [["serial_number"], ["mac_address"], ["hostname", "ip_address"]] },
  { name: "laptop", label: "Laptop", parent: "endpoint", description: "A laptop", attributes: [] },
  { name: "desktop", label: "Desktop", parent: "endpoint", description: "A desktop computer", attributes: [] },
  { name: "mobile_device", label: "Mobile device", parent: "endpoint", description: "A phone or tablet", attributes: [str("imei", "IMEI")] },
  { name: "cloud_resource", label: "Cloud resource", parent: null, description: "A managed cloud resource (bucket, queue, managed database, ...)", attributes: [oneOf("provider", "Provider", ["aws", "azure", "gcp", "oci", "other"]), str("region", "Region"), str("resource_type", "Resource type"), str("account_id", "Account")], identification: [["cloud_id"]] },
  { name: "unidentified", label: "Unidentified", parent: null, description: "Seen by a source but not yet classified; upgraded when a source knows better", attributes: [], identification: [["serial_number"], ["cloud_id"], ["fqdn"], ["hostname", "ip_address"], ["mac_address"]] },
];

export interface RelationshipTypeSeed {
  name: string;
  label: string;
  reverseLabel: string;
  impact: Static<typeof ImpactDirection>;
}

/**
 * "A depends_on B": B failing impacts A (target_to_source). "A contains B" and "A provides B":
 * A failing impacts B (source_to_target). A link between two peers impacts both ends.
 */
export const DEFAULT_RELATIONSHIP_TYPES: RelationshipTypeSeed[] = [
  { name: "depends_on", label: "depends on", reverseLabel: "used by", impact: "target_to_source" },
  { name: "runs_on", label: "runs on", reverseLabel: "runs", impact: "target_to_source" },
  { name: "hosted_on", label: "hosted on", reverseLabel: "hosts", impact: "target_to_source" },
  { name: "connects_to", label: "connects to", reverseLabel: "connected by", impact: "both" },
  { name: "contains", label: "contains", reverseLabel: "contained by", impact: "source_to_target" },
  { name: "virtualized_by", label: "virtualized by", reverseLabel: "virtualizes", impact: "target_to_source" },
  { name: "cluster_of", label: "cluster of", reverseLabel: "cluster", impact: "target_to_source" },
  { name: "provides", label: "provides", reverseLabel: "provided by", impact: "source_to_target" },
];

/** Highest precedence first: what a person or an import says beats what a scan guessed. */
export const DEFAULT_SOURCE_PRECEDENCE = ["manual", "import", "agent", "discovery", "api", "events"];

/** The settings row holding the configured precedence. */
export const PRECEDENCE_SETTING = "cmdb.source_precedence";

/** The class business services and everything below it: targets of "which services" questions. */
export const BUSINESS_SERVICE_CLASS = "business_service";
