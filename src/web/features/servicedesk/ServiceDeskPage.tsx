import { PlannedArea } from "../../components/PlannedArea";

/** Service desk: incidents, problems, changes and requests (not built yet). */
export function ServiceDeskPage() {
  return (
    <PlannedArea
      icon="lifebuoy"
      title="Service desk"
      description="The agent workspace for everything users report and request."
      emptyTitle="No tickets yet"
      emptyText="Incidents, problems, changes and requests will be listed here: queues per assignment group, SLAs with their clocks, work notes and public comments on one timeline."
      features={[
        { icon: "alert", title: "Incidents", text: "Impact × urgency priority, ITIL states, major incidents and parent/child links." },
        { icon: "search", title: "Problems", text: "Root cause analysis, known errors with workarounds, linked incidents." },
        { icon: "history", title: "Changes", text: "Standard, normal and emergency changes, CAB approval and a change calendar." },
        { icon: "users", title: "Queues and SLAs", text: "Work per assignment group, response and resolution targets, breach warnings." },
      ]}
    />
  );
}
