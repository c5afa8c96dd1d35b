// The CSV half of cmdb-load: the synthetic company as a CSV file in the columns `opsdesk cmdb
// import` reads, and a timed import of it through POST /api/v1/cmdb/import.
import http from "node:http";

const IDENTIFIER_COLUMNS = [
  ["serialNumber", "serial_number"],
  ["fqdn", "fqdn"],
  ["hostname", "hostname"],
  ["ipAddresses", "ip_addresses"],
  ["macAddresses", "mac_addresses"],
  ["cloudId", "cloud_id"],
  ["prometheusInstance", "prometheus_instance"],
  ["otelServiceName", "otel_service_name"],
];

function cell(v) {
  if (v === undefined || v === null) return "";
  const s = Array.isArray(v) ? v.join(";") : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The CIs of `pods` pods (from the benchmark's generator `podOf`) as one CSV text: OpsDesk's
 * own columns, group names instead of ids, every attribute as an `attr.<name>` column.
 */
export function companyCsv(pods, podOf, groupNames) {
  const all = [];
  for (let p = 0; p < pods; p++) all.push(...podOf(p).cis);
  const attributes = [...new Set(all.flatMap((ci) => Object.keys(ci.attributes ?? {})))].sort();
  const header = ["name", "class", "environment", "criticality", "lifecycle_status", "operational_status", "support_group", "owner_group", ...IDENTIFIER_COLUMNS.map(([, c]) => c), ...attributes.map((a) => `attr.${a}`)];
  const lines = [header.join(",")];
  for (const ci of all) {
    const ids = ci.identifiers ?? {};
    lines.push(
      [
        ci.name,
        ci.class,
        ci.environment,
        ci.criticality,
        ci.lifecycleStatus,
        ci.operationalStatus,
        groupNames.get(ci.supportGroupId),
        groupNames.get(ci.ownerGroupId),
        ...IDENTIFIER_COLUMNS.map(([k]) => ids[k]),
        ...attributes.map((a) => ci.attributes?.[a]),
      ]
        .map(cell)
        .join(","),
    );
  }
  return { text: lines.join("\n") + "\n", rows: all.length, columns: header.length };
}

/** POSTs the CSV to /api/v1/cmdb/import in 64 kB chunks (a streamed upload); the answer and its time. */
export function importCsv(baseUrl, headers, text, { dryRun = false, timeoutMs = 900_000 } = {}) {
  const body = Buffer.from(text);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      `${baseUrl}/api/v1/cmdb/import${dryRun ? "?dryRun=true" : ""}`,
      { method: "POST", headers: { ...headers, "content-type": "text/csv", "content-length": body.length } },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const seconds = (performance.now() - started) / 1000;
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) return reject(new Error(`CSV import: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
          resolve({ seconds, result: JSON.parse(text), bytes: body.length });
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error("timeout: CSV import")));
    req.on("error", reject);
    for (let i = 0; i < body.length; i += 65536) req.write(body.subarray(i, i + 65536));
    req.end();
  });
}
