/**
 * The extension point for kind-specific parts of the ticket page. Each kind may add one
 * section below the description: problem management plugs in root cause, workaround and
 * actions; change management plugs in plans, risk, schedule and approvals. Until those land,
 * the fields carried on the Ticket record are shown read-only.
 *
 * To add or replace a kind's section, point its entry at your component (ideally lazy-loaded
 * from your own feature folder): `change: lazy(() => import("../changes/ChangeSection")...)`.
 */
import { lazy, type ComponentType, type ReactNode } from "react";
import { Badge } from "../../components/Badge";
import { Card, DetailList } from "../../components/Card";
import { Time } from "../../components/Time";
import { Markdown } from "./Markdown";
import { humanize } from "./ticketMeta";
import type { Ticket, TicketKind } from "./ticketTypes";

export interface KindSectionProps {
  ticket: Ticket;
  /** The caller may change the ticket (tickets.write). */
  canWrite: boolean;
  /** Call with the ticket a mutation answered; the page re-renders with it. */
  onChanged: (ticket: Ticket) => void;
}

const none = <span className="subtle">—</span>;
const text = (value: string | null): ReactNode => (value ? <Markdown source={value} /> : none);
const when = (value: string | null): ReactNode => (value ? <Time value={value} format="datetime" /> : none);

function ProblemFieldsSection({ ticket }: KindSectionProps) {
  const problem = ticket.problem;
  if (!problem) return null;
  return (
    <Card title="Problem" description={problem.knownError ? "Listed in the known error database." : undefined}>
      <DetailList
        items={[
          { label: "Known error", value: problem.knownError ? <Badge tone="warning">Known error</Badge> : "No" },
          { label: "Root cause", value: text(problem.rootCause) },
          { label: "Workaround", value: text(problem.workaround) },
        ]}
      />
    </Card>
  );
}

function ChangeFieldsSection({ ticket }: KindSectionProps) {
  const change = ticket.change;
  if (!change) return null;
  return (
    <Card title="Change">
      <DetailList
        items={[
          { label: "Type", value: humanize(change.type) },
          { label: "Risk", value: change.risk === change.computedRisk ? humanize(change.risk) : `${humanize(change.risk)} (computed ${humanize(change.computedRisk)})` },
          { label: "Planned start", value: when(change.plannedStart) },
          { label: "Planned end", value: when(change.plannedEnd) },
          { label: "Justification", value: text(change.justification) },
          { label: "Implementation plan", value: text(change.implementationPlan) },
          { label: "Backout plan", value: text(change.backoutPlan) },
          { label: "Test plan", value: text(change.testPlan) },
          { label: "Outcome", value: change.outcome ? humanize(change.outcome) : none },
          { label: "Review", value: text(change.review) },
        ]}
      />
    </Card>
  );
}

/** Kind -> the section the ticket page shows for it. */
export const KIND_SECTIONS: Partial<Record<TicketKind, ComponentType<KindSectionProps>>> = {
  problem: lazy(() => import("../problems/ProblemSection").then((m) => ({ default: m.ProblemSection }), () => ({ default: ProblemFieldsSection }))),
  incident: lazy(() => import("../problems/IncidentSection").then((m) => ({ default: m.IncidentSection }), () => ({ default: () => null }))),
  change: lazy(() => import("../changes/ChangeSection").then((m) => ({ default: m.ChangeSection }), () => ({ default: ChangeFieldsSection }))),
};
