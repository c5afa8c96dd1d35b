import { PlannedArea } from "../../components/PlannedArea";

/** Operations console: alerts, monitoring and event correlation (not built yet). */
export function OperationsPage() {
  return (
    <PlannedArea
      icon="pulse"
      title="Operations"
      description="The live operational picture of your infrastructure and services."
      emptyTitle="No alerts yet"
      emptyText="Alerts from Prometheus, Alertmanager, webhooks, email and OpsDesk's own checks will arrive here, deduplicated, bound to configuration items and correlated into groups you can act on."
      features={[
        { icon: "bell", title: "Alerts and events", text: "Normalised severities, fingerprints, silences and maintenance windows." },
        { icon: "graph", title: "Event correlation", text: "Related alerts grouped by time and topology; one incident instead of fifty pages." },
        { icon: "monitor", title: "Monitoring", text: "HTTP, TCP, ICMP, DNS and TLS checks, uptime per CI and per service." },
        { icon: "clock", title: "On-call", text: "Schedules and escalation policies that page the owning group." },
      ]}
    />
  );
}
