import { Badge } from "../../components/Badge";
import { KIND_META, PRIORITY_META } from "./ticketMeta";
import type { TicketKind } from "./ticketTypes";
import type { FlowsValue } from "./useFlows";

/** A ticket's state with the colour its flow gives it. */
export function StateBadge({ kind, state, flows }: { kind: TicketKind; state: string; flows: FlowsValue }) {
  return (
    <Badge tone={flows.stateTone(kind, state)} dot>
      {flows.stateLabel(kind, state)}
    </Badge>
  );
}

/** P1 Critical … P5 Planning. */
export function PriorityBadge({ priority, short = false }: { priority: number; short?: boolean }) {
  const meta = PRIORITY_META[priority] ?? { label: `P${priority}`, tone: "neutral" as const };
  return <Badge tone={meta.tone}>{short ? `P${priority}` : meta.label}</Badge>;
}

/** Incident, Problem, Change, Request or Task. */
export function KindBadge({ kind }: { kind: TicketKind }) {
  return <Badge tone="accent">{KIND_META[kind]?.label ?? kind}</Badge>;
}
