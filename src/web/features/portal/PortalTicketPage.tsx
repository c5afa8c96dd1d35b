import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Card, DetailList } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { PageHeader } from "../../components/PageHeader";
import { LoadingBlock } from "../../components/Spinner";
import { Time } from "../../components/Time";
import { useParams, useRouter } from "../../router";
import { AttachmentsCard } from "../tickets/AttachmentsCard";
import { Markdown } from "../tickets/Markdown";
import { StateBadge } from "../tickets/TicketBadges";
import { humanize, KIND_META } from "../tickets/ticketMeta";
import { TimelineCard } from "../tickets/TimelineCard";
import { TransitionButtons } from "../tickets/TransitionButtons";
import { useFlows } from "../tickets/useFlows";
import { useTicketLive } from "../tickets/useTicketLive";
import "../tickets/tickets.css";
import "./portal.css";

/** A requester's ticket: status, the public conversation, files, and reopen or close when offered. */
export function PortalTicketPage() {
  const { ref = "" } = useParams();
  const flows = useFlows();
  const { navigate } = useRouter();
  const live = useTicketLive(ref);
  const crumbs = [{ label: "My tickets", to: "/portal" }];

  if (live.error && !live.ticket) {
    return (
      <>
        <PageHeader title="Ticket" breadcrumbs={crumbs} />
        {live.error.status === 404 || live.error.status === 403 ? (
          <EmptyState icon="lifebuoy" title={`No ticket ${ref}`} description="It does not exist, or it is not one of yours." action={<Button onClick={() => navigate("/portal")}>Back to my tickets</Button>} />
        ) : (
          <Alert tone="danger" title="The ticket could not be loaded">
            {live.error.message}
          </Alert>
        )}
      </>
    );
  }
  if (!live.ticket) return <LoadingBlock label="Loading ticket" />;
  const ticket = live.ticket;

  return (
    <div className="portal">
      <PageHeader
        breadcrumbs={[...crumbs, { label: ticket.number }]}
        documentTitle={`${ticket.number} ${ticket.title}`}
        title={ticket.title}
        description={
          <span className="ticket-header-badges">
            <span className="ticket-number">{ticket.number}</span>
            <StateBadge kind={ticket.kind} state={ticket.state} flows={flows} />
          </span>
        }
        actions={
          <div className="ticket-transitions" role="group" aria-label="Transitions">
            <TransitionButtons ticket={ticket} onChanged={live.apply} onStale={live.refresh} />
          </div>
        }
      />
      <div className="grid-sidebar">
        <div className="ticket-stack">
          <Card title="Description">{ticket.description.trim() ? <Markdown source={ticket.description} /> : <p className="subtle">No details given.</p>}</Card>
          {ticket.resolutionNotes ? (
            <Card title="How it was resolved">
              <Markdown source={ticket.resolutionNotes} />
            </Card>
          ) : null}
          <TimelineCard ticketRef={ticket.number} kind={ticket.kind} entries={live.timeline} flows={flows} agent={false} canComment onPosted={(entry) => (live.append(entry), live.refresh())} />
        </div>
        <div className="ticket-stack">
          <Card title="Details">
            <DetailList
              items={[
                { label: "Type", value: KIND_META[ticket.kind]?.label ?? ticket.kind },
                { label: "Status", value: <StateBadge kind={ticket.kind} state={ticket.state} flows={flows} /> },
                { label: "Handled by", value: ticket.assignee?.name ?? ticket.assignmentGroup?.name ?? <span className="subtle">Not yet assigned</span> },
                { label: "Opened", value: <Time value={ticket.createdAt} format="datetime" /> },
                { label: "Last update", value: <Time value={ticket.updatedAt} /> },
                ...(ticket.resolutionCode ? [{ label: "Resolution", value: humanize(ticket.resolutionCode) }] : []),
              ]}
            />
          </Card>
          <AttachmentsCard ticketRef={ticket.number} canUpload agent={false} version={live.changeCount} onUploaded={live.refresh} />
        </div>
      </div>
    </div>
  );
}
