import { Suspense, useState } from "react";
import { Alert } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { Button, IconButton } from "../../components/Button";
import { Card, DetailList } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { PageHeader } from "../../components/PageHeader";
import { LoadingBlock } from "../../components/Spinner";
import { Time } from "../../components/Time";
import { useToast } from "../../components/Toast";
import { useParams, useRouter } from "../../router";
import { useSession } from "../auth/session";
import { AttachmentsCard } from "./AttachmentsCard";
import { useAllGroups } from "./AssignmentFields";
import { useUsers } from "./TicketFormFields";
import { EditTicketDialog, type EditSection } from "./EditTicketDialog";
import { KIND_SECTIONS } from "./kindSections";
import { Markdown } from "./Markdown";
import { KindBadge, PriorityBadge, StateBadge } from "./TicketBadges";
import { KIND_META, LEVEL_LABELS, ON_HOLD_LABELS, humanize } from "./ticketMeta";
import { RelatedCard } from "./RelatedCard";
import { addWatcher, removeWatcher } from "./ticketsApi";
import { TimelineCard } from "./TimelineCard";
import { SlaPanel } from "../sla/SlaPanel";
import { TransitionButtons } from "./TransitionButtons";
import type { Ticket } from "./ticketTypes";
import { useFlows } from "./useFlows";
import { useTicketAccess } from "./useTicketAccess";
import { useTicketLive } from "./useTicketLive";
import "./tickets.css";

const none = <span className="subtle">—</span>;

function EditButton({ label, onClick }: { label: string; onClick: () => void }) {
  return <IconButton icon="pencil" size="sm" label={label} onClick={onClick} />;
}

/** Service desk → one ticket: header with state, priority and transitions; sections; timeline; related records. */
export function TicketPage() {
  const { ref = "" } = useParams();
  const { canWrite } = useTicketAccess();
  const { user, permissions } = useSession();
  const flows = useFlows();
  const toast = useToast();
  const { navigate } = useRouter();
  const live = useTicketLive(ref);
  const { canSeeDirectory } = useTicketAccess();
  const groups = useAllGroups(canSeeDirectory);
  const users = useUsers(canSeeDirectory);
  const [editing, setEditing] = useState<EditSection | null>(null);
  const crumbs = [{ label: "Service desk", to: "/service-desk" }];

  if (live.error && !live.ticket) {
    return (
      <>
        <PageHeader title="Ticket" breadcrumbs={crumbs} />
        {live.error.status === 404 ? (
          <EmptyState icon="lifebuoy" title={`No ticket ${ref}`} description="It does not exist, or the link is wrong." action={<Button onClick={() => navigate("/service-desk")}>Back to the service desk</Button>} />
        ) : (
          <Alert tone="danger" title="The ticket could not be loaded">
            {live.error.message}
          </Alert>
        )}
      </>
    );
  }
  if (!live.ticket) return <LoadingBlock label="Loading ticket" />;
  const ticket: Ticket = live.ticket;
  const Section = KIND_SECTIONS[ticket.kind];
  const known = new Map<string, string>();
  for (const ref of [...groups, ...users]) known.set(ref.id, ref.name);
  for (const ref of [ticket.assignmentGroup, ticket.assignee, ticket.requester, ticket.ci, ...(ticket.affectedCis ?? []), ...(ticket.services ?? [])]) if (ref) known.set(ref.id, ref.name);
  const watching = ticket.watchers?.some((w) => w.id === user.id) ?? false;
  const saved = (next: Ticket) => {
    setEditing(null);
    toast.success(`${next.number} saved`);
    live.apply(next);
  };

  async function toggleWatch() {
    try {
      if (watching) await removeWatcher(ticket.number, user.id);
      else await addWatcher(ticket.number, user.id);
      live.refresh();
    } catch (failure) {
      toast.error("Watching could not be changed", failure instanceof Error ? failure.message : undefined);
    }
  }

  return (
    <div className="tickets ticket-page">
      <PageHeader
        breadcrumbs={[...crumbs, { label: KIND_META[ticket.kind].plural, to: `/service-desk?kind=${ticket.kind}` }, { label: ticket.number }]}
        documentTitle={`${ticket.number} ${ticket.title}`}
        title={
          <>
            <span className="ticket-heading-number">{ticket.number}</span> {ticket.title}
          </>
        }
        description={
          <span className="ticket-header-badges" aria-label="Status">
            <KindBadge kind={ticket.kind} />
            <StateBadge kind={ticket.kind} state={ticket.state} flows={flows} />
            <PriorityBadge priority={ticket.priority} />
            {ticket.major ? <Badge tone="danger">Major incident</Badge> : null}
            {ticket.onHoldReason && ticket.state === "on_hold" ? <Badge tone="warning">{ON_HOLD_LABELS[ticket.onHoldReason]}</Badge> : null}
          </span>
        }
        actions={<div className="ticket-transitions" role="group" aria-label="Transitions">{canWrite ? <TransitionButtons ticket={ticket} onChanged={live.apply} onStale={live.refresh} /> : null}</div>}
      />
      <div className="grid-sidebar">
        <div className="ticket-stack">
          <Card title="Description" actions={canWrite ? <EditButton label="Edit title and description" onClick={() => setEditing("summary")} /> : null}>
            {ticket.description.trim() ? <Markdown source={ticket.description} /> : <p className="subtle">No description.</p>}
          </Card>
          {ticket.resolutionCode || ticket.resolutionNotes ? (
            <Card title="Resolution">
              <DetailList
                items={[
                  { label: "Code", value: ticket.resolutionCode ? humanize(ticket.resolutionCode) : none },
                  { label: "Notes", value: ticket.resolutionNotes ? <Markdown source={ticket.resolutionNotes} /> : none },
                  { label: "Resolved", value: <Time value={ticket.resolvedAt} format="datetime" /> },
                ]}
              />
            </Card>
          ) : null}
          {Section ? (
            <Suspense fallback={<LoadingBlock />}>
              <Section ticket={ticket} canWrite={canWrite} onChanged={live.apply} />
            </Suspense>
          ) : null}
          <TimelineCard ticketRef={ticket.number} kind={ticket.kind} entries={live.timeline} flows={flows} agent canComment={canWrite} onPosted={(entry) => (live.append(entry), live.refresh())} names={(id) => known.get(id)} />
        </div>
        <div className="ticket-stack">
          <Card title="Assignment" actions={canWrite ? <EditButton label="Edit assignment" onClick={() => setEditing("assignment")} /> : null}>
            <DetailList
              items={[
                { label: "Assignment group", value: ticket.assignmentGroup?.name ?? none },
                { label: "Assignee", value: ticket.assignee?.name ?? none },
                { label: "Requester", value: ticket.requester?.name ?? none },
                { label: "Caller contact", value: ticket.callerContact ?? none },
                {
                  label: "Watchers",
                  value: (
                    <span className="watchers">
                      {ticket.watchers?.length ? ticket.watchers.map((w) => w.name).join(", ") : none}
                      {canWrite ? (
                        <Button size="sm" variant="ghost" onClick={() => void toggleWatch()}>
                          {watching ? "Stop watching" : "Watch"}
                        </Button>
                      ) : null}
                    </span>
                  ),
                },
              ]}
            />
          </Card>
          <Card title="Classification" actions={canWrite ? <EditButton label="Edit classification" onClick={() => setEditing("classification")} /> : null}>
            <DetailList
              items={[
                { label: "Impact", value: LEVEL_LABELS[ticket.impact] ?? ticket.impact },
                { label: "Urgency", value: LEVEL_LABELS[ticket.urgency] ?? ticket.urgency },
                { label: "Priority", value: <PriorityBadge priority={ticket.priority} /> },
                { label: "Category", value: ticket.category ? `${ticket.category}${ticket.subcategory ? ` › ${ticket.subcategory}` : ""}` : none },
                { label: "Tags", value: ticket.tags.length ? <span className="tag-list">{ticket.tags.map((t) => <Badge key={t}>{t}</Badge>)}</span> : none },
                { label: "Channel", value: humanize(ticket.channel) },
                { label: "Opened", value: <Time value={ticket.createdAt} format="datetime" /> },
                { label: "Updated", value: <Time value={ticket.updatedAt} /> },
              ]}
            />
          </Card>
          {permissions.includes("sla.read") ? <SlaPanel ticketRef={ticket.number} version={live.changeCount} /> : null}
          <RelatedCard ticket={ticket} flows={flows} canWrite={canWrite} linkCis={permissions.includes("cmdb.read")} version={live.changeCount} />
          <AttachmentsCard ticketRef={ticket.number} canUpload={canWrite} agent version={live.changeCount} onUploaded={live.refresh} />
        </div>
      </div>
      <EditTicketDialog
        ticket={ticket}
        section={editing}
        onClose={() => {
          setEditing(null);
          // after a 409 the dialog asks to close and look: show the ticket as it is now
          live.refresh();
        }}
        onSaved={saved}
      />
    </div>
  );
}
