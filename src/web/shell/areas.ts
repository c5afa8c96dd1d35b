import type { IconName } from "../components/Icon";
import type { Permission } from "../api/types";
import { ticketPermissions } from "../features/tickets/ticketMeta";

export interface Area {
  path: string;
  label: string;
  icon: IconName;
  /** One sentence for the home page card. */
  summary: string;
  /** "planned" areas show what will come; "ready" ones work today. */
  status: "ready" | "planned";
  /** Shown only to users holding any of these permissions. */
  requires?: Permission[];
}

/** The product's areas, in navigation order; the sidebar and the home page both read this. */
export const AREAS: Area[] = [
  {
    path: "/service-desk",
    label: "Service desk",
    icon: "lifebuoy",
    summary: "Incidents, problems, changes and service requests, organised in queues per assignment group.",
    status: "ready",
    requires: ticketPermissions("tickets.read"),
  },
  {
    path: "/changes",
    label: "Changes",
    icon: "history",
    summary: "The change calendar with conflicts and blackout windows, CAB approval rules and standard change templates.",
    status: "ready",
    requires: ticketPermissions("tickets.read"),
  },
  {
    path: "/portal",
    label: "My tickets",
    icon: "mail",
    summary: "Report a problem or ask for something, and follow your tickets.",
    status: "ready",
    requires: ticketPermissions("tickets.own"),
  },
  {
    path: "/operations",
    label: "Operations",
    icon: "pulse",
    summary: "Alerts from monitoring and integrations, deduplicated and correlated into actionable groups.",
    status: "ready",
    requires: ["events.read"],
  },
  {
    path: "/cmdb",
    label: "CMDB",
    icon: "graph",
    summary: "Configuration items and their relationships, service maps and impact analysis.",
    status: "ready",
    requires: ["cmdb.read"],
  },
  {
    path: "/assets",
    label: "Assets",
    icon: "cube",
    summary: "Hardware and software through their lifecycle, with contracts, warranties and licences.",
    status: "planned",
    requires: ["tickets.read"],
  },
  {
    path: "/knowledge",
    label: "Knowledge",
    icon: "book",
    summary: "Articles that help agents resolve faster and let requesters help themselves.",
    status: "planned",
    requires: ["tickets.read"],
  },
  { path: "/service-levels", label: "Service levels", icon: "clock", summary: "SLA, OLA and contract targets with business calendars, live clocks on tickets and compliance reports.", status: "ready", requires: ["sla.read"] },
  {
    path: "/reports",
    label: "Reports",
    icon: "chart",
    summary: "MTTA, MTTR, SLA compliance, backlog and change success rate dashboards.",
    status: "planned",
    requires: ["tickets.read"],
  },
  {
    path: "/admin",
    label: "Admin",
    icon: "shield",
    summary: "Users, groups, API tokens and the audit log of every change.",
    status: "ready",
    requires: ["users.write", "audit.read"],
  },
];
