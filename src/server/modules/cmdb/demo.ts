/**
 * Demo data: Acme Retail, a small company with three business services (Online Shop, Payroll,
 * Email), the applications, databases, servers, VMs, Kubernetes cluster, network and storage
 * they run on, and the laptops and desktops people use — about 200 CIs. Everything goes through
 * identifyOrCreate with source "demo" and carries identifiers, so loading it twice changes
 * nothing, and an edit a person made to a demo CI is never overwritten (demo is the weakest source).
 * No randomness: names, serials and addresses are computed from indexes.
 */
import type { CreateCiBody } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor, type Role } from "../../platform/auth/permissions.js";
import { addMember, createGroup, createUser, findUserByEmail } from "../users/index.js";
import { loadCatalog } from "./classes.service.js";
import { lockIdentification, lockKeys } from "./cmdb.locks.js";
import { identifyOrCreate } from "./cmdb.identify.js";
import { linkCis } from "./relationships.service.js";

const SOURCE = "demo";
const DOMAIN = "acme.lan";

/** Assignment groups the demo CIs are supported by. */
export const DEMO_GROUPS = ["Service Desk", "Network Ops", "Platform", "Database Admins", "Applications"] as const;
type GroupName = (typeof DEMO_GROUPS)[number];

/** Demo sign-ins (created only when missing); the passwords are documented in docs/cmdb.md. */
export const DEMO_USERS: Array<{ email: string; name: string; role: Role; password: string; group: GroupName | null }> = [
  { email: "agent@demo.opsdesk.example", name: "Alex Agent", role: "agent", password: "demo-agent-1", group: "Service Desk" },
  { email: "viewer@demo.opsdesk.example", name: "Vic Viewer", role: "viewer", password: "demo-viewer-1", group: null },
  { email: "requester@demo.opsdesk.example", name: "Rita Requester", role: "requester", password: "demo-requester-1", group: null },
];

interface DemoCi {
  ref: string;
  group: GroupName;
  ci: CreateCiBody;
}
type Rel = [source: string, type: string, target: string];

const pad = (n: number | string, w = 2) => String(n).padStart(w, "0");
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** The whole data set as plain data: CIs by ref, relationships between refs. */
export function demoDataSet(): { cis: DemoCi[]; relationships: Rel[] } {
  const cis: DemoCi[] = [];
  const rels: Rel[] = [];
  const add = (ref: string, group: GroupName, ci: CreateCiBody) => cis.push({ ref, group, ci: { environment: "production", lifecycleStatus: "in_service", operationalStatus: "up", ...ci } });
  const link = (source: string, type: string, ...targets: string[]) => targets.forEach((t) => rels.push([source, type, t]));
  let serial = 0;
  const sn = (prefix: string) => `${prefix}${pad(++serial * 7919 % 100000, 5)}`;
  const host = (name: string, ip: string, prefix: string) => ({ serialNumber: sn(prefix), fqdn: `${name}.${DOMAIN}`, hostname: name, ipAddresses: [ip] });

  // Network: edge routers, firewalls, core and data-centre switches, access switches, load balancers.
  const net = (ref: string, cls: string, i: number, model: string, extra: Record<string, string | number> = {}) =>
    add(ref, "Network Ops", { class: cls, name: ref, criticality: "high", identifiers: host(ref, `10.0.0.${i}`, "FOC"), attributes: { manufacturer: model.split(" ")[0], model, ...extra } });
  net("rtr-edge-01", "router", 1, "Cisco ISR4331");
  net("rtr-edge-02", "router", 2, "Cisco ISR4331");
  net("fw-01", "firewall", 3, "Fortinet FortiGate 100F");
  net("fw-02", "firewall", 4, "Fortinet FortiGate 100F");
  for (const fw of ["fw-01", "fw-02"]) link(fw, "connects_to", "rtr-edge-01", "rtr-edge-02");
  for (const i of [1, 2]) {
    net(`sw-core-0${i}`, "switch", 10 + i, "Arista 7050X3", { port_count: 48 });
    link(`sw-core-0${i}`, "connects_to", "fw-01", "fw-02");
    net(`lb-0${i}`, "load_balancer", 20 + i, "F5 BIG-IP i2600", { vip: `10.0.1.${i}` });
    link(`lb-0${i}`, "connects_to", `sw-core-0${i}`);
  }
  for (const i of range(4)) {
    net(`sw-dc-0${i}`, "switch", 30 + i, "Arista 7020R", { port_count: 48 });
    link(`sw-dc-0${i}`, "connects_to", `sw-core-0${((i - 1) % 2) + 1}`);
  }
  for (const i of range(6)) {
    net(`sw-access-0${i}`, "switch", 40 + i, "Cisco Catalyst 9200", { port_count: 48 });
    link(`sw-access-0${i}`, "connects_to", `sw-core-0${((i - 1) % 2) + 1}`);
  }
  cis.find((c) => c.ref === "sw-access-05")!.ci.operationalStatus = "down";

  // Storage and cloud.
  add("san-01", "Platform", { class: "storage", name: "san-01", criticality: "critical", identifiers: { serialNumber: sn("NTAP") }, attributes: { manufacturer: "NetApp", model: "AFF A250", capacity_gb: 40960, storage_type: "san" } });
  add("nas-01", "Platform", { class: "storage", name: "nas-01", identifiers: { serialNumber: sn("SYN") }, attributes: { manufacturer: "Synology", model: "RS3621xs+", capacity_gb: 96000, storage_type: "nas" } });
  add("shop-cdn", "Platform", { class: "cloud_resource", name: "shop-cdn", identifiers: { cloudId: "arn:aws:cloudfront::123456789012:distribution/E2ACMESHOP" }, attributes: { provider: "aws", region: "global", resource_type: "CloudFront distribution", account_id: "123456789012" } });
  add("backup-bucket", "Platform", { class: "cloud_resource", name: "acme-backups", identifiers: { cloudId: "arn:aws:s3:::acme-backups" }, attributes: { provider: "aws", region: "eu-central-1", resource_type: "S3 bucket", account_id: "123456789012" } });
  link("sw-dc-01", "connects_to", "san-01", "nas-01");

  // Hypervisors (physical) and the VMs on them.
  for (const i of range(4)) {
    add(`esx-0${i}`, "Platform", { class: "server", name: `esx-0${i}`, criticality: "critical", identifiers: host(`esx-0${i}`, `10.10.1.${i}`, "DL"), attributes: { os: "VMware ESXi", os_version: "8.0", cpu_count: 64, memory_mb: 524288, manufacturer: "Dell", model: "PowerEdge R750", virtual: false } });
    link(`esx-0${i}`, "connects_to", `sw-dc-0${i}`);
    link(`esx-0${i}`, "depends_on", "san-01");
  }
  const linuxVm = (name: string, ip: number, cpu: number, mem: number, status: "up" | "degraded" | "down" = "up") => {
    add(name, "Platform", { class: "virtual_machine", name, operationalStatus: status, identifiers: { fqdn: `${name}.${DOMAIN}`, hostname: name, ipAddresses: [`10.10.2.${ip}`] }, attributes: { os: "Ubuntu", os_version: "24.04", cpu_count: cpu, memory_mb: mem, hypervisor: "vmware" } });
    link(name, "virtualized_by", `esx-0${(ip % 4) + 1}`);
  };
  for (const i of range(4)) linuxVm(`web-0${i}`, i, 4, 8192);
  for (const i of range(3)) linuxVm(`es-0${i}`, 10 + i, 8, 32768, i === 2 ? "down" : "up");
  linuxVm("redis-01", 20, 4, 16384);
  linuxVm("mq-01", 21, 4, 8192);
  linuxVm("mail-relay-01", 22, 2, 4096);
  linuxVm("kc-01", 23, 4, 8192);
  linuxVm("kc-db-01", 24, 4, 16384);
  linuxVm("monitoring-01", 25, 4, 16384);
  linuxVm("web-stg-01", 26, 2, 4096);
  cis.find((c) => c.ref === "web-stg-01")!.ci.environment = "staging";

  // Physical Linux and Windows servers.
  for (const i of range(2)) {
    add(`db-0${i}`, "Platform", { class: "linux_server", name: `db-0${i}`, criticality: "critical", identifiers: host(`db-0${i}`, `10.10.1.${10 + i}`, "DL"), attributes: { os: "Debian", os_version: "12", distribution: "debian", cpu_count: 32, memory_mb: 262144, manufacturer: "Dell", model: "PowerEdge R660", virtual: false } });
    link(`db-0${i}`, "connects_to", `sw-dc-0${i}`);
    link(`db-0${i}`, "depends_on", "san-01");
  }
  add("backup-01", "Platform", { class: "linux_server", name: "backup-01", identifiers: host("backup-01", "10.10.1.20", "HP"), attributes: { os: "Rocky Linux", os_version: "9", distribution: "rocky", manufacturer: "HPE", model: "ProLiant DL380", virtual: false } });
  link("backup-01", "depends_on", "nas-01", "backup-bucket");
  const win = (name: string, ip: number, status: "up" | "degraded" = "up") => {
    add(name, "Platform", { class: "windows_server", name, operationalStatus: status, identifiers: host(name, `10.10.1.${ip}`, "HP"), attributes: { os: "Windows Server", os_version: "2022", domain: "ACME", cpu_count: 16, memory_mb: 65536, manufacturer: "HPE", model: "ProLiant DL360", virtual: false } });
    link(name, "connects_to", `sw-dc-0${(ip % 4) + 1}`);
  };
  win("dc-01", 30);
  win("dc-02", 31);
  win("exch-01", 32);
  win("exch-02", 33, "degraded");
  win("payroll-app-01", 34);
  win("payroll-db-01", 35);

  // Kubernetes: one production cluster, six nodes on the hypervisors, the shop's workloads.
  add("k8s", "Platform", { class: "kubernetes_cluster", name: "acme-prod-k8s", criticality: "critical", attributes: { version: "1.31", api_endpoint: `https://k8s.${DOMAIN}:6443` } });
  for (const i of range(6)) {
    const name = `k8s-node-0${i}`;
    add(name, "Platform", { class: "kubernetes_node", name, identifiers: { fqdn: `${name}.${DOMAIN}`, hostname: name, ipAddresses: [`10.10.3.${i}`] }, attributes: { os: "Ubuntu", os_version: "24.04", cpu_count: 16, memory_mb: 65536, kubelet_version: "1.31", node_role: i <= 1 ? "control_plane" : "worker" } });
    link("k8s", "cluster_of", name);
    link(name, "virtualized_by", `esx-0${((i - 1) % 4) + 1}`);
  }
  const workloads = ["storefront", "cart", "checkout-api", "payments", "catalog-api", "search-indexer", "recommendations", "notifications"];
  for (const w of workloads) {
    add(`wl-${w}`, "Platform", { class: "kubernetes_workload", name: w, identifiers: { otelServiceName: `k8s/shop/${w}` }, attributes: { namespace: "shop", kind: "Deployment", replicas: w === "search-indexer" ? 1 : 3 } });
    link(`wl-${w}`, "runs_on", "k8s");
  }

  // Databases, web servers, middleware: known by their Prometheus exporter's instance.
  const db = (ref: string, name: string, engine: string, on: string, port: number) => {
    add(ref, "Database Admins", { class: "database", name, criticality: "high", identifiers: { prometheusInstance: `${on}.${DOMAIN}:${port}` }, attributes: { engine, version: engine === "postgresql" ? "16" : engine === "sqlserver" ? "2022" : "7.2" } });
    link(ref, "runs_on", on);
  };
  db("orders-db", "orders-db", "postgresql", "db-01", 9187);
  db("catalog-db", "catalog-db", "postgresql", "db-02", 9187);
  db("sessions-redis", "sessions-redis", "redis", "redis-01", 9121);
  db("payroll-db", "payroll-db", "sqlserver", "payroll-db-01", 9399);
  db("keycloak-db", "keycloak-db", "postgresql", "kc-db-01", 9187);
  for (const i of range(4)) {
    add(`nginx-web-0${i}`, "Applications", { class: "web_server", name: `nginx (web-0${i})`, identifiers: { prometheusInstance: `web-0${i}.${DOMAIN}:9113` }, attributes: { software: "nginx", version: "1.26" } });
    link(`nginx-web-0${i}`, "runs_on", `web-0${i}`);
  }
  add("iis-payroll", "Applications", { class: "web_server", name: "IIS (payroll-app-01)", identifiers: { prometheusInstance: `payroll-app-01.${DOMAIN}:9182` }, attributes: { software: "iis", version: "10" } });
  link("iis-payroll", "runs_on", "payroll-app-01");
  add("elasticsearch", "Applications", { class: "middleware", name: "elasticsearch", operationalStatus: "degraded", identifiers: { prometheusInstance: `es-01.${DOMAIN}:9114` }, attributes: { product: "Elasticsearch", version: "8.15" } });
  link("elasticsearch", "runs_on", "es-01", "es-02", "es-03");
  add("rabbitmq", "Applications", { class: "middleware", name: "rabbitmq", identifiers: { prometheusInstance: `mq-01.${DOMAIN}:15692` }, attributes: { product: "RabbitMQ", version: "3.13" } });
  link("rabbitmq", "runs_on", "mq-01");

  // Applications, known by their OpenTelemetry service name.
  const app = (ref: string, name: string, vendor: string, runsOn: string[], dependsOn: string[], version = "1.0") => {
    add(ref, "Applications", { class: "application", name, identifiers: { otelServiceName: ref }, attributes: { vendor, version } });
    link(ref, "runs_on", ...runsOn);
    link(ref, "depends_on", ...dependsOn);
  };
  app("storefront", "Storefront", "Acme", ["wl-storefront"], ["catalog-api", "cart", "sessions-redis"], "4.12");
  app("cart", "Cart service", "Acme", ["wl-cart"], ["sessions-redis"], "2.3");
  app("checkout-api", "Checkout API", "Acme", ["wl-checkout-api"], ["orders-db", "payments", "rabbitmq"], "3.8");
  app("payments", "Payments gateway", "Acme", ["wl-payments"], ["orders-db"], "1.9");
  app("catalog-api", "Catalog API", "Acme", ["wl-catalog-api"], ["catalog-db", "elasticsearch"], "5.1");
  app("search-indexer", "Search indexer", "Acme", ["wl-search-indexer"], ["catalog-db", "elasticsearch", "rabbitmq"], "1.4");
  app("recommendations", "Recommendations", "Acme", ["wl-recommendations"], ["catalog-db"], "0.9");
  app("notifications", "Notifications", "Acme", ["wl-notifications"], ["rabbitmq", "postfix"], "1.2");
  app("payroll", "Payroll", "Sage", ["payroll-app-01"], ["payroll-db", "active-directory"], "2024.2");
  app("exchange", "Exchange Server", "Microsoft", ["exch-01", "exch-02"], ["active-directory"], "2019 CU14");
  app("postfix", "Postfix relay", "Postfix", ["mail-relay-01"], [], "3.8");
  app("active-directory", "Active Directory", "Microsoft", ["dc-01", "dc-02"], [], "2022");
  app("keycloak", "Keycloak", "Red Hat", ["kc-01"], ["keycloak-db", "active-directory"], "26.0");
  app("prometheus", "Prometheus", "CNCF", ["monitoring-01"], [], "3.0");
  app("bacula", "Bacula", "Bacula Systems", ["backup-01"], [], "15.0");

  // Application services, technical services and the three business services.
  const svc = (ref: string, name: string, url: string, dependsOn: string[], status: "up" | "degraded" = "up") => {
    add(ref, "Applications", { class: "application_service", name, criticality: "high", operationalStatus: status, attributes: { url } });
    link(ref, "depends_on", ...dependsOn);
  };
  svc("svc-shop-web", "Shop web front", "https://shop.acme.example", ["lb-01", "shop-cdn", "nginx-web-01", "nginx-web-02", "storefront"]);
  svc("svc-checkout", "Shop checkout", "https://shop.acme.example/checkout", ["checkout-api", "payments", "lb-01"]);
  svc("svc-search", "Product search", "https://shop.acme.example/search", ["catalog-api", "search-indexer", "elasticsearch"], "degraded");
  svc("svc-payroll", "Payroll web", "https://payroll.acme.lan", ["payroll", "iis-payroll", "svc-sso"]);
  svc("svc-mail", "Mail", "https://mail.acme.example", ["exchange", "postfix", "lb-02"]);
  svc("svc-sso", "Single sign-on", "https://sso.acme.lan", ["keycloak", "nginx-web-03"]);
  add("ts-identity", "Platform", { class: "technical_service", name: "Identity and access", attributes: { service_hours: "24x7" } });
  link("ts-identity", "depends_on", "svc-sso", "active-directory");
  add("ts-backup", "Platform", { class: "technical_service", name: "Backup", attributes: { service_hours: "24x7" } });
  link("ts-backup", "depends_on", "bacula", "nas-01", "backup-bucket");
  const business = (ref: string, name: string, tier: string, status: "up" | "degraded", dependsOn: string[]) => {
    add(ref, "Service Desk", { class: "business_service", name, criticality: tier === "gold" ? "critical" : "high", operationalStatus: status, attributes: { service_tier: tier, service_hours: tier === "gold" ? "24x7" : "Mon-Fri 07:00-19:00" } });
    link(ref, "depends_on", ...dependsOn);
  };
  business("bs-shop", "Online Shop", "gold", "degraded", ["svc-shop-web", "svc-checkout", "svc-search"]);
  business("bs-payroll", "Payroll", "silver", "up", ["svc-payroll"]);
  business("bs-email", "Email", "silver", "up", ["svc-mail", "ts-identity"]);

  // Endpoints: laptops, desktops and phones of about sixty people.
  const people = ["Ann", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kim", "Lea", "Max", "Nia", "Omar", "Pia", "Quinn", "Raj", "Sara", "Tom"];
  const surnames = ["Smith", "Meyer", "Rossi"];
  for (const i of range(100)) {
    const kind = i <= 60 ? "laptop" : i <= 88 ? "desktop" : "mobile_device";
    const prefix = { laptop: "LT", desktop: "PC", mobile_device: "MB" }[kind];
    const name = `${prefix}-${pad(i, 4)}`;
    const person = `${people[(i - 1) % people.length]} ${surnames[Math.floor((i - 1) / people.length) % surnames.length]}`;
    const model = { laptop: i % 3 ? "Lenovo ThinkPad T14" : "Apple MacBook Pro 14", desktop: "Dell OptiPlex 7010", mobile_device: "Apple iPhone 15" }[kind];
    const os = model.startsWith("Apple") ? (kind === "mobile_device" ? ["iOS", "18"] : ["macOS", "15"]) : ["Windows", "11"];
    add(name, "Service Desk", {
      class: kind,
      name,
      operationalStatus: "unknown",
      lifecycleStatus: i % 25 === 0 ? "maintenance" : "in_service",
      identifiers: { serialNumber: sn(prefix), hostname: name.toLowerCase(), macAddresses: [`02:00:5e:00:${pad((i >> 8).toString(16))}:${pad((i & 255).toString(16))}`] },
      attributes: { manufacturer: model.split(" ")[0], model, os: os[0], os_version: os[1], assigned_to: person },
    });
  }
  return { cis, relationships: rels };
}

/** What loading the demo did. */
export interface DemoSummary {
  cis: { created: number; updated: number; unchanged: number };
  relationships: { created: number; unchanged: number };
  groupsCreated: string[];
  usersCreated: string[];
}

/** True when the CMDB holds no CI at all (serve --demo loads the demo only then). */
export async function cmdbIsEmpty(db: DbOrTrx): Promise<boolean> {
  return !(await db.selectFrom("cis").select("id").limit(1).executeTakeFirst());
}

async function ensureGroups(db: Db, actor: Actor): Promise<{ ids: Map<string, string>; created: string[] }> {
  const existing = await db.selectFrom("groups").select(["id", "name"]).execute();
  const ids = new Map(existing.map((g) => [g.name.toLowerCase(), g.id]));
  const created: string[] = [];
  for (const name of DEMO_GROUPS) {
    if (ids.has(name.toLowerCase())) continue;
    const g = await createGroup(db, actor, { name, description: `${name} (demo)` });
    ids.set(name.toLowerCase(), g.id);
    created.push(name);
  }
  return { ids, created };
}

/** Loads (or re-confirms) the demo company; idempotent. Needs the CMDB defaults to be seeded. */
export async function loadDemoData(db: Db, actor: Actor): Promise<DemoSummary> {
  requirePermission(actor, "cmdb.write");
  const groups = await ensureGroups(db, actor);
  const usersCreated: string[] = [];
  for (const u of DEMO_USERS) {
    if (await findUserByEmail(db, u.email)) continue;
    const user = await createUser(db, actor, { email: u.email, name: u.name, role: u.role, password: u.password });
    if (u.group) await addMember(db, actor, groups.ids.get(u.group.toLowerCase())!, user.id);
    usersCreated.push(u.email);
  }
  const data = demoDataSet();
  const summary: DemoSummary = { cis: { created: 0, updated: 0, unchanged: 0 }, relationships: { created: 0, unchanged: 0 }, groupsCreated: groups.created, usersCreated };
  await db.transaction().execute(async (trx) => {
    // All keys at once, first: a transaction that identifies many records never waits holding some.
    await lockIdentification(trx, () => data.cis.flatMap((item) => lockKeys(item.ci)));
    const catalog = await loadCatalog(trx);
    const idOf = new Map<string, string>();
    for (const item of data.cis) {
      const supportGroupId = groups.ids.get(item.group.toLowerCase())!;
      const { ci, outcome } = await identifyOrCreate(trx, actor, SOURCE, { ...item.ci, supportGroupId, ownerGroupId: supportGroupId }, { catalog, locked: true });
      idOf.set(item.ref, ci.id);
      summary.cis[outcome]++;
    }
    for (const [source, type, target] of data.relationships) {
      const { created } = await linkCis(trx, actor, SOURCE, { sourceId: idOf.get(source)!, type, targetId: idOf.get(target)! });
      summary.relationships[created ? "created" : "unchanged"]++;
    }
  });
  return summary;
}
