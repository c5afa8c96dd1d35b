import { PlannedArea } from "../../components/PlannedArea";

/** CMDB: configuration items and service maps (not built yet). */
export function CmdbPage() {
  return (
    <PlannedArea
      icon="graph"
      title="CMDB"
      description="The single source of truth that connects the service desk and operations."
      emptyTitle="No configuration items yet"
      emptyText="Configuration items (business services, applications, servers, databases, network devices and more) and their relationships will be here, kept current by discovery and imports."
      features={[
        { icon: "cube", title: "Typed CI classes", text: "Attributes, identifiers and lifecycle per class, with full history." },
        { icon: "graph", title: "Service maps", text: "Depends on, runs on, hosted on: see how a service is built." },
        { icon: "alert", title: "Impact analysis", text: "Which business services an outage or a change touches, upstream and downstream." },
        { icon: "search", title: "Discovery", text: "Network sweeps and a light agent reconcile into the CMDB without duplicates." },
      ]}
    />
  );
}
