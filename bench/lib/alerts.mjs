// The synthetic alerts of alert-ingest and alert-fold.
import { rng } from "./rng.mjs";

/**
 * One phase's alerts in the Alertmanager API's shape, in sending order: `distinct` alerts, each
 * once, plus duplicates (`dup` of all sent) of random ones, shuffled by `seed`. Alert i names host
 * `first + i`, so alerts of phases with different `first` never share a host.
 */
export function syntheticAlerts({ distinct, dup, tag, first = 0, seed }) {
  const r = rng(seed);
  const total = Math.round(distinct / (1 - dup));
  const seq = Array.from({ length: total }, (_, i) => (i < distinct ? i : Math.floor(r() * distinct)));
  for (let i = seq.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [seq[i], seq[j]] = [seq[j], seq[i]];
  }
  const startsAt = new Date().toISOString();
  const endsAt = new Date(Date.now() + 3600_000).toISOString();
  const sev = ["critical", "warning", "info"];
  return seq.map((i) => ({
    labels: { alertname: `Load${tag}_${i % 50}`, instance: `host-${first + i}.example.internal:9100`, job: "node", severity: sev[i % 3], alert_id: String(first + i) },
    annotations: { summary: `Synthetic alert ${first + i}`, description: `Load-test alert ${first + i}` },
    startsAt,
    endsAt,
    generatorURL: `http://127.0.0.1:19090/graph?g0.expr=up`,
  }));
}
