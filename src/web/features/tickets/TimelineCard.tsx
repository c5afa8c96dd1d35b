import { useState } from "react";
import { toApiError } from "../../api/client";
import { Avatar } from "../../components/Avatar";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Textarea } from "../../components/Field";
import { Icon } from "../../components/Icon";
import { Time } from "../../components/Time";
import { Markdown } from "./Markdown";
import { addComment } from "./ticketsApi";
import { humanize } from "./ticketMeta";
import type { CommentType, TicketKind, TimelineEntry } from "./ticketTypes";
import type { FlowsValue } from "./useFlows";

const TYPE_LABELS: Record<string, string> = {
  comment: "commented",
  work_note: "added a work note",
  communication: "posted a communication",
  created: "opened the ticket",
  field_change: "changed fields",
  state_change: "changed the state",
  link: "linked a record",
  attachment: "attached a file",
  system: "",
};

const FIELD_LABELS: Record<string, string> = {
  assignmentGroupId: "Assignment group",
  assigneeId: "Assignee",
  requesterId: "Requester",
  ciId: "Configuration item",
  affectedCiIds: "Affected CIs",
  callerContact: "Caller contact",
};

/** Names of records a field change refers to by id (groups, users, CIs), when the page knows them. */
export type NameLookup = (id: string) => string | undefined;

function asText(value: unknown, names: NameLookup): string {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.length ? value.map((v) => asText(v, names)).join(", ") : "—";
  if (typeof value === "object") return JSON.stringify(value);
  const text = String(value);
  return names(text) ?? text;
}

/** The structured part of an entry: state moves and field changes. */
function EntryFacts({ entry, kind, flows, names }: { entry: TimelineEntry; kind: TicketKind; flows: FlowsValue; names: NameLookup }) {
  const data = entry.data ?? {};
  if (entry.type === "state_change" && typeof data.to === "string") {
    return (
      <p className="timeline-facts">
        {typeof data.from === "string" ? <>{flows.stateLabel(kind, data.from)} → </> : null}
        <strong>{flows.stateLabel(kind, data.to)}</strong>
      </p>
    );
  }
  const changes = Array.isArray(data.changes) ? (data.changes as Array<{ field?: string; from?: unknown; to?: unknown }>) : null;
  if (entry.type === "field_change" && changes) {
    return (
      <ul className="timeline-facts">
        {changes.map((change, index) => (
          <li key={`${change.field}-${index}`}>
            {FIELD_LABELS[change.field ?? ""] ?? humanize(change.field ?? "field")}: <span className="value-old">{asText(change.from, names)}</span> →{" "}
            <span className="value-new">{asText(change.to, names)}</span>
          </li>
        ))}
      </ul>
    );
  }
  if (entry.type === "attachment" && typeof data.filename === "string") return <p className="timeline-facts">{data.filename}</p>;
  return null;
}

/** One timeline entry; work notes are marked as internal so they cannot be mistaken for replies. */
function Entry({ entry, kind, flows, showVisibility, names }: { entry: TimelineEntry; kind: TicketKind; flows: FlowsValue; showVisibility: boolean; names: NameLookup }) {
  const note = entry.type === "work_note";
  const spoken = entry.type === "comment" || note || entry.type === "communication" || entry.type === "created";
  return (
    <li className={`timeline-entry timeline-${entry.type}`} data-entry-type={entry.type}>
      <Avatar name={entry.actorName || "System"} seed={entry.actor?.id} size={28} />
      <div className="timeline-content">
        <p className="timeline-head">
          <strong>{entry.actorName || "System"}</strong> <span className="muted">{TYPE_LABELS[entry.type] ?? humanize(entry.type)}</span>{" "}
          {note ? (
            <Badge tone="warning">
              <Icon name="lock" size={11} /> Work note · internal
            </Badge>
          ) : showVisibility && entry.type === "comment" ? (
            <Badge tone="info">Public</Badge>
          ) : null}
          <span className="timeline-time">
            <Time value={entry.at} />
          </span>
        </p>
        <EntryFacts entry={entry} kind={kind} flows={flows} names={names} />
        {entry.body && spoken ? <Markdown source={entry.body} className="timeline-body" /> : entry.body ? <p className="timeline-facts">{entry.body}</p> : null}
      </div>
    </li>
  );
}

/** Writes a public comment or (agents) an internal work note; the two look different on purpose. */
export function Composer({ ticketRef, allowWorkNote, onPosted }: { ticketRef: string; allowWorkNote: boolean; onPosted: (entry: TimelineEntry) => void }) {
  const [type, setType] = useState<CommentType>("comment");
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const note = type === "work_note";

  async function post() {
    if (!body.trim()) return setError("Write something first");
    setBusy(true);
    setError(null);
    try {
      onPosted(await addComment(ticketRef, { body, type }));
      setBody("");
    } catch (failure) {
      setError(toApiError(failure).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className={note ? "composer composer-note" : "composer"}
      aria-label="Add to the timeline"
      onSubmit={(event) => {
        event.preventDefault();
        void post();
      }}
    >
      {allowWorkNote ? (
        <div className="composer-tabs" role="radiogroup" aria-label="Entry type">
          {(["comment", "work_note"] as const).map((value) => (
            <button
              key={value}
              type="button"
              role="radio"
              aria-checked={type === value}
              className={type === value ? "composer-tab composer-tab-active" : "composer-tab"}
              onClick={() => setType(value)}
            >
              {value === "comment" ? "Public comment" : "Work note"}
            </button>
          ))}
        </div>
      ) : null}
      <Textarea
        aria-label={note ? "Work note" : "Comment"}
        placeholder={note ? "Internal note for agents; the requester never sees it" : allowWorkNote ? "Reply to the requester; they will see this" : "Write a comment"}
        rows={3}
        value={body}
        onChange={(event) => setBody(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) void post();
        }}
      />
      {error ? <p className="field-error">{error}</p> : null}
      <div className="composer-actions">
        <span className="subtle small">{note ? "Visible to agents only." : allowWorkNote ? "Visible to the requester." : "Markdown is supported."}</span>
        <Button type="submit" variant={note ? "secondary" : "primary"} size="sm" loading={busy}>
          {note ? "Add work note" : "Post comment"}
        </Button>
      </div>
    </form>
  );
}

/** The ticket's story, oldest first, with the composer below. */
export function TimelineCard({
  ticketRef,
  kind,
  entries,
  flows,
  agent,
  canComment,
  onPosted,
  names = () => undefined,
}: {
  ticketRef: string;
  kind: TicketKind;
  entries: TimelineEntry[];
  flows: FlowsValue;
  agent: boolean;
  canComment: boolean;
  onPosted: (entry: TimelineEntry) => void;
  names?: NameLookup;
}) {
  return (
    <Card title="Timeline" description={agent ? "Comments are public; work notes stay among agents." : undefined}>
      {entries.length === 0 ? <p className="subtle">Nothing on the timeline yet.</p> : null}
      <ol className="timeline" aria-label="Timeline entries">
        {entries.map((entry) => (
          <Entry key={entry.id} entry={entry} kind={kind} flows={flows} showVisibility={agent} names={names} />
        ))}
      </ol>
      {canComment ? <Composer ticketRef={ticketRef} allowWorkNote={agent} onPosted={onPosted} /> : null}
    </Card>
  );
}
