import { PlannedArea } from "../../components/PlannedArea";

/** Reporting dashboards (not built yet). */
export function ReportsPage() {
  return (
    <PlannedArea
      icon="chart"
      title="Reports"
      description="How well IT delivers, in numbers you can share."
      emptyTitle="No reports yet"
      emptyText="Dashboards for MTTA, MTTR, SLA compliance, backlog and ageing, first contact resolution and change success rate will appear here, with CSV export."
      features={[
        { icon: "clock", title: "MTTA and MTTR", text: "Time to acknowledge and to restore, per group, service and priority." },
        { icon: "checkCircle", title: "SLA compliance", text: "Met and breached targets over time, with the tickets behind each number." },
        { icon: "history", title: "Backlog and ageing", text: "What is open, for how long, and where it is stuck." },
        { icon: "chart", title: "Change success rate", text: "Successful versus failed changes, and incidents caused by changes." },
      ]}
    />
  );
}
