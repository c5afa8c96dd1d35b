import { useState, type ReactNode } from "react";
import { Badge } from "../../components/Badge";
import type { Column } from "../../components/Table";
import { Time } from "../../components/Time";
import { Link } from "../../router";
import { PriorityBadge, StateBadge, KindBadge } from "./TicketBadges";
import { KIND_META, ticketPath } from "./ticketMeta";
import type { Ticket } from "./ticketTypes";
import type { FlowsValue } from "./useFlows";
import { SlaBadge } from "../sla/SlaBadge";

const none = <span className="subtle">—</span>;
const refName = (ref: { name: string } | null): ReactNode => (ref ? <span className="muted">{ref.name}</span> : none);

export interface TicketColumnDef {
  key: string;
  label: string;
  /** Shown until the agent chooses otherwise. */
  default: boolean;
  column: (flows: FlowsValue) => Column<Ticket>;
}

/** Every column a ticket list can show, in display order. */
/**
 * What the list page asks the API for (`fields`): every field a column below or a bulk action
 * reads, whichever columns are shown. A page of 50 without descriptions and resolution notes is
 * a third of the size, and the page refreshes itself while it is open. A new column that reads
 * another field adds it here.
 */
export const LIST_FIELDS = ["number", "title", "major", "kind", "state", "priority", "assignmentGroup", "assignee", "requester", "ci", "category", "tags", "createdAt", "updatedAt"].join(",");

export const TICKET_COLUMNS: TicketColumnDef[] = [
  {
    key: "number",
    label: "Number",
    default: true,
    column: () => ({
      key: "number",
      header: "Number",
      sortKey: "number",
      width: "130px",
      render: (t) => (
        <Link to={ticketPath(t.number)} className="ticket-number">
          {t.number}
        </Link>
      ),
    }),
  },
  {
    key: "title",
    label: "Title",
    default: true,
    column: () => ({
      key: "title",
      header: "Title",
      render: (t) => (
        <span className="ticket-title-cell">
          {t.major ? <Badge tone="danger">Major</Badge> : null}
          <span>{t.title}</span>
        </span>
      ),
    }),
  },
  { key: "kind", label: "Kind", default: false, column: () => ({ key: "kind", header: "Kind", render: (t) => <KindBadge kind={t.kind} /> }) },
  {
    key: "state",
    label: "State",
    default: true,
    column: (flows) => ({ key: "state", header: "State", sortKey: "state", render: (t) => <StateBadge kind={t.kind} state={t.state} flows={flows} /> }),
  },
  {
    key: "priority",
    label: "Priority",
    default: true,
    column: () => ({ key: "priority", header: "Priority", sortKey: "priority", render: (t) => <PriorityBadge priority={t.priority} short /> }),
  },
  { key: "assignmentGroup", label: "Assignment group", default: true, column: () => ({ key: "assignmentGroup", header: "Group", render: (t) => refName(t.assignmentGroup) }) },
  { key: "assignee", label: "Assignee", default: true, column: () => ({ key: "assignee", header: "Assignee", render: (t) => refName(t.assignee) }) },
  { key: "requester", label: "Requester", default: false, column: () => ({ key: "requester", header: "Requester", render: (t) => refName(t.requester) }) },
  { key: "ci", label: "Configuration item", default: false, column: () => ({ key: "ci", header: "CI", render: (t) => refName(t.ci) }) },
  { key: "category", label: "Category", default: false, column: () => ({ key: "category", header: "Category", render: (t) => (t.category ? <span className="muted">{t.category}</span> : none) }) },
  {
    key: "tags",
    label: "Tags",
    default: false,
    column: () => ({
      key: "tags",
      header: "Tags",
      render: (t) => (t.tags.length ? <span className="tag-list">{t.tags.map((tag) => <Badge key={tag}>{tag}</Badge>)}</span> : none),
    }),
  },
  {
    key: "createdAt",
    label: "Created",
    default: false,
    column: () => ({ key: "createdAt", header: "Created", sortKey: "createdAt", firstSort: "desc", render: (t) => <Time value={t.createdAt} /> }),
  },
  {
    key: "updatedAt",
    label: "Updated",
    default: true,
    column: () => ({ key: "updatedAt", header: "Updated", sortKey: "updatedAt", firstSort: "desc", render: (t) => <Time value={t.updatedAt} /> }),
  },
  { key: "sla", label: "SLA", default: true, column: () => ({ key: "sla", header: "SLA", render: (t) => <SlaBadge ticketId={t.id} /> }) },
];

const STORAGE_KEY = "opsdesk.tickets.columns";

function storedColumns(): string[] | null {
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? "null");
    return Array.isArray(parsed) && parsed.every((key) => typeof key === "string") ? (parsed as string[]) : null;
  } catch {
    return null;
  }
}

/** The columns the agent chose (kept in this browser), with a setter; number is always shown. */
export function useColumnChoice(): [string[], (keys: string[]) => void] {
  const [keys, setKeys] = useState<string[]>(() => storedColumns() ?? TICKET_COLUMNS.filter((c) => c.default).map((c) => c.key));
  const set = (next: string[]) => {
    const ordered = TICKET_COLUMNS.map((c) => c.key).filter((key) => key === "number" || next.includes(key));
    setKeys(ordered);
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(ordered));
    } catch {
      // storage unavailable: the choice lasts for this page
    }
  };
  return [keys.includes("number") ? keys : ["number", ...keys], set];
}

/** A kind's plural label for headings, "Tickets" for all kinds. */
export function listTitle(kind: keyof typeof KIND_META | undefined): string {
  return kind ? KIND_META[kind].plural : "All tickets";
}
