/**
 * Demo service desk: a dozen incidents and requests on the demo company's CIs, in every state,
 * with comments and work notes, so that `serve --demo` shows a working desk. Loaded only
 * when there are no tickets yet.
 */
import type { CreateTicketBody, TransitionBody } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import { SYSTEM_ACTOR, type Actor } from "../../platform/auth/permissions.js";
import { addComment } from "./tickets.timeline.js";
import { createTicket } from "./tickets.create.js";
import { transitionTicket } from "./tickets.transition.js";

interface DemoTicket {
  kind: "incident" | "request";
  ci?: string;
  group?: string;
  body: Omit<CreateTicketBody, "ciId" | "assignmentGroupId">;
  steps?: TransitionBody[];
  notes?: Array<{ body: string; type: "comment" | "work_note" | "communication" }>;
}

const DEMO: DemoTicket[] = [
  {
    kind: "incident",
    ci: "sw-core-01",
    group: "Network Ops",
    body: { title: "Core switch sw-core-01 unreachable", description: "Monitoring lost **sw-core-01** at 08:12; several racks report link down.", impact: 1, urgency: 1, major: true, category: "network", channel: "event" },
    steps: [{ transition: "start" }],
    notes: [
      { body: "Supervisor module shows a fault LED; vendor case opened.", type: "work_note" },
      { body: "We are aware of a network outage in the data centre and are working on it.", type: "communication" },
    ],
  },
  { kind: "incident", ci: "nginx (web-01)", group: "Applications", body: { title: "Online shop returns 502 for some customers", impact: 1, urgency: 2, category: "application", channel: "phone" }, steps: [{ transition: "start" }] },
  { kind: "incident", ci: "db-01", group: "Database Admins", body: { title: "Replication lag on db-01 above 10 minutes", impact: 2, urgency: 2, category: "database", channel: "event" } },
  {
    kind: "incident",
    ci: "mail-relay-01",
    group: "Platform",
    body: { title: "Outgoing mail delayed", description: "Users report mails to external addresses arrive an hour late.", impact: 2, urgency: 3, category: "email", channel: "email" },
    steps: [{ transition: "hold", onHoldReason: "awaiting_vendor", workNote: "Waiting for the mail provider to lift the rate limit." }],
  },
  {
    kind: "incident",
    group: "Service Desk",
    body: { title: "VPN disconnects every few minutes", impact: 3, urgency: 2, category: "network", subcategory: "vpn", channel: "portal" },
    steps: [{ transition: "resolve", resolutionCode: "solved_workaround", resolutionNotes: "Switched the client to TCP mode; a permanent fix follows with the next VPN update." }],
  },
  { kind: "incident", group: "Service Desk", body: { title: "Printer on floor 3 jams constantly", impact: 3, urgency: 3, category: "hardware", subcategory: "printer", channel: "phone" } },
  {
    kind: "incident",
    ci: "IIS (payroll-app-01)",
    group: "Applications",
    body: { title: "Payroll export fails with a timeout", impact: 2, urgency: 1, category: "application", channel: "portal" },
    steps: [{ transition: "start" }, { transition: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "Raised the export timeout and added an index on the payslip table." }, { transition: "close" }],
  },
  { kind: "incident", group: "Service Desk", body: { title: "Cannot open shared calendar", impact: 3, urgency: 3, category: "email" }, steps: [{ transition: "cancel", reason: "Duplicate of a report made by phone." }] },
  { kind: "request", group: "Service Desk", body: { title: "New laptop for Nia Meyer", description: "Starts on Monday in Finance.", category: "hardware", channel: "portal" } },
  { kind: "request", group: "Platform", body: { title: "Access to the staging Kubernetes cluster", category: "access", channel: "portal" }, steps: [{ transition: "start" }] },
];

/** Loads the demo tickets when there are none yet; returns how many it created. */
export async function loadTicketDemo(db: Db, actor: Actor = SYSTEM_ACTOR): Promise<number> {
  const existing = await db.selectFrom("tickets").select("id").limit(1).executeTakeFirst();
  if (existing) return 0;
  const requester = await db.selectFrom("users").select("id").where("email", "=", "requester@demo.opsdesk.example").executeTakeFirst();
  let created = 0;
  for (const item of DEMO) {
    const ci = item.ci ? await db.selectFrom("cis").select("id").where("name", "=", item.ci).executeTakeFirst() : undefined;
    const group = item.group ? await db.selectFrom("groups").select("id").where("name", "=", item.group).executeTakeFirst() : undefined;
    const ticket = await createTicket(db, actor, item.kind, {
      ...item.body,
      ciId: ci?.id,
      assignmentGroupId: group?.id,
      requesterId: item.body.channel === "portal" ? requester?.id : undefined,
    });
    for (const note of item.notes ?? []) await addComment(db, actor, ticket.number, note);
    for (const step of item.steps ?? []) await transitionTicket(db, actor, ticket.number, step);
    created++;
  }
  return created;
}
