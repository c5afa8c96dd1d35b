import { useState, type ReactNode } from "react";
import { Badge } from "../../components/Badge";
import { Button, IconButton } from "../../components/Button";
import { Card, DetailList } from "../../components/Card";
import { Time } from "../../components/Time";
import { useToast } from "../../components/Toast";
import { Link } from "../../router";
import { useSession } from "../auth/session";
import type { KindSectionProps } from "../tickets/kindSections";
import { Markdown } from "../tickets/Markdown";
import { getTicket } from "../tickets/ticketsApi";
import type { Ticket } from "../tickets/ticketTypes";
import { ApprovalsPanel } from "./ApprovalsPanel";
import { calendarPath } from "./calendarModel";
import { OUTCOME_META, RISK_META, TYPE_META } from "./changeMeta";
import type { ChangeDetails, ChangeOutcome, ChangeRisk, ChangeType } from "./changeTypes";
import { ConflictWarning } from "./ConflictList";
import { EditChangeDialog, type ChangeEditSection } from "./EditChangeDialog";
import { ImpactCard } from "./ImpactCard";
import { ScheduleDialog } from "./ScheduleDialog";
import "./changes.css";

const none = <span className="subtle">—</span>;
const text = (value: string | null): ReactNode => (value ? <Markdown source={value} /> : none);

function RiskValue({ change }: { change: ChangeDetails }) {
  const risk = RISK_META[change.risk as ChangeRisk];
  const computed = RISK_META[change.computedRisk as ChangeRisk];
  return (
    <span className="change-risk">
      <Badge tone={risk?.tone ?? "neutral"}>{risk?.label ?? change.risk}</Badge>
      {change.riskOverrideReason ? (
        <span className="subtle">
          overridden (computed {computed?.label ?? change.computedRisk}): {change.riskOverrideReason}
        </span>
      ) : (
        <span className="subtle">computed from the CMDB</span>
      )}
    </span>
  );
}

function Window({ start, end }: { start: string | null; end: string | null }) {
  if (!start && !end) return none;
  return (
    <span>
      <Time value={start} format="datetime" /> – <Time value={end} format="datetime" />
    </span>
  );
}

/** The change part of the ticket page: fields, conflicts, scheduling, approvals and impact. */
export function ChangeSection({ ticket, canWrite, onChanged }: KindSectionProps) {
  const { permissions } = useSession();
  const toast = useToast();
  const [editing, setEditing] = useState<ChangeEditSection | null>(null);
  const [scheduling, setScheduling] = useState(false);
  const change = ticket.change as ChangeDetails | undefined;
  if (!change) return null;
  const conflicts = change.conflicts ?? [];
  const canSchedule = canWrite && (ticket.allowedTransitions ?? []).some((t) => t.name === "schedule");
  const editable = canWrite && ticket.open;
  const edit = (section: ChangeEditSection, label: string) => (editable ? <IconButton icon="pencil" size="sm" label={label} onClick={() => setEditing(section)} /> : null);
  const reload = () =>
    getTicket(ticket.number).then(onChanged, () => toast.error("The change could not be reloaded"));
  const saved = (next: Ticket) => {
    setEditing(null);
    toast.success(`${next.number} saved`);
    onChanged(next);
  };
  const outcome = change.outcome ? OUTCOME_META[change.outcome as ChangeOutcome] : null;

  return (
    <>
      {conflicts.length ? <ConflictWarning conflicts={conflicts} /> : null}
      <Card
        title="Change"
        description={TYPE_META[change.type as ChangeType]?.hint}
        actions={
          <>
            {canSchedule ? (
              <Button size="sm" variant="primary" onClick={() => setScheduling(true)}>
                Schedule…
              </Button>
            ) : null}
            {edit("plans", "Edit type and plans")}
          </>
        }
        className="change-card"
      >
        <DetailList
          items={[
            { label: "Type", value: <Badge tone={change.type === "emergency" ? "danger" : change.type === "standard" ? "success" : "info"}>{TYPE_META[change.type as ChangeType]?.label ?? change.type}</Badge> },
            {
              label: "Risk",
              value: (
                <span className="change-row">
                  <RiskValue change={change} />
                  {edit("risk", "Edit risk")}
                </span>
              ),
            },
            {
              label: "Planned window",
              value: (
                <span className="change-row">
                  <Window start={change.plannedStart} end={change.plannedEnd} />
                  {change.plannedStart ? <Link to={calendarPath("week", new Date(change.plannedStart))}>On the calendar</Link> : null}
                  {edit("window", "Edit planned and actual window")}
                </span>
              ),
            },
            { label: "Actual window", value: <Window start={change.actualStart} end={change.actualEnd} /> },
            { label: "Justification", value: text(change.justification) },
            { label: "Implementation plan", value: text(change.implementationPlan) },
            { label: "Backout plan", value: text(change.backoutPlan) },
            { label: "Test plan", value: text(change.testPlan) },
            {
              label: "Outcome",
              value: (
                <span className="change-row">
                  {outcome ? <Badge tone={outcome.tone}>{outcome.label}</Badge> : none}
                  {edit("outcome", "Edit outcome and review")}
                </span>
              ),
            },
            { label: "Review", value: text(change.review) },
          ]}
        />
      </Card>
      <ApprovalsPanel ticket={ticket} canWrite={canWrite} onDecided={() => void reload()} />
      <ImpactCard ticket={ticket} canWrite={canWrite} linkCis={permissions.includes("cmdb.read")} onChanged={onChanged} />
      <EditChangeDialog ticket={ticket} section={editing} onClose={() => setEditing(null)} onSaved={saved} />
      {canSchedule ? (
        <ScheduleDialog
          ticket={ticket}
          open={scheduling}
          onClose={() => setScheduling(false)}
          onChanged={(next) => {
            if (next.state === "scheduled") toast.success(`${next.number} scheduled`, next.change && (next.change as ChangeDetails).conflicts?.length ? "Scheduled with conflicts: see the warning on the change." : undefined);
            onChanged(next);
          }}
        />
      ) : null}
    </>
  );
}
