import { useState } from "react";
import { toApiError } from "../../api/client";
import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Button, IconButton } from "../../components/Button";
import { Card } from "../../components/Card";
import { useToast } from "../../components/Toast";
import { Link } from "../../router";
import { PriorityBadge, StateBadge } from "../tickets/TicketBadges";
import { ticketPath } from "../tickets/ticketMeta";
import { deleteLink, getTicket } from "../tickets/ticketsApi";
import type { Ticket } from "../tickets/ticketTypes";
import { useFlows } from "../tickets/useFlows";
import { LinkIncidentsDialog } from "./LinkIncidentsDialog";
import { OutcomeList } from "./OutcomeList";
import { FINISHED, RESOLVED } from "./problemMeta";
import { listProblemIncidents } from "./problemsApi";
import type { IncidentOutcome, ProblemIncident } from "./problemTypes";
import { ResolveIncidentsDialog } from "./ResolveIncidentsDialog";

/**
 * The incidents a problem causes, with their states: link several at once by number, unlink,
 * and once the problem is resolved, resolve its open incidents with its resolution.
 */
export function LinkedIncidentsCard({ ticket, canWrite, onChanged }: { ticket: Ticket; canWrite: boolean; onChanged: (ticket: Ticket) => void }) {
  const toast = useToast();
  const flows = useFlows();
  const incidents = useApi((signal) => listProblemIncidents(ticket.number, signal), [ticket.number, ticket.updatedAt]);
  const [linking, setLinking] = useState(false);
  const [resolving, setResolving] = useState(false);
  const [resolved, setResolved] = useState<IncidentOutcome[] | null>(null);
  const items = incidents.data?.items ?? [];
  const openCount = incidents.data?.open ?? 0;
  const offer = canWrite && RESOLVED.has(ticket.state) && openCount > 0;
  // links and resolutions show elsewhere on the page too (related records, timeline): reload the ticket
  const changed = () => {
    incidents.reload();
    getTicket(ticket.number).then(onChanged, () => undefined);
  };

  async function unlink(incident: ProblemIncident) {
    try {
      await deleteLink(ticket.number, incident.linkId);
      toast.success("Incident unlinked", `${incident.number} is no longer caused by ${ticket.number}`);
      changed();
    } catch (failure) {
      toast.error("The incident could not be unlinked", toApiError(failure).message);
    }
  }

  return (
    <Card
      title="Linked incidents"
      description={items.length ? `${items.length} caused by this problem, ${openCount} still open` : undefined}
      actions={
        canWrite && !FINISHED.has(ticket.state) ? (
          <Button size="sm" icon="plus" onClick={() => setLinking(true)}>
            Link incidents
          </Button>
        ) : null
      }
    >
      {offer ? (
        <div className="problem-offer" role="region" aria-label="Resolve open incidents">
          <p>
            <strong>{ticket.number} is resolved</strong>, but {openCount === 1 ? "1 linked incident is" : `${openCount} linked incidents are`} still open. Resolve{" "}
            {openCount === 1 ? "it" : "them"} with the problem's resolution?
          </p>
          <Button variant="primary" size="sm" onClick={() => setResolving(true)}>
            Resolve {openCount} open incident{openCount === 1 ? "" : "s"}
          </Button>
        </div>
      ) : null}
      {resolved ? (
        <div className="problem-outcome" role="status" aria-label="Result of resolving the incidents">
          <OutcomeList items={resolved} verb="resolved" />
          <Button size="sm" variant="ghost" onClick={() => setResolved(null)}>
            Dismiss
          </Button>
        </div>
      ) : null}
      {incidents.error ? <Alert tone="danger">{incidents.error.message}</Alert> : null}
      {!incidents.loading && !incidents.error && items.length === 0 ? <p className="subtle small">No incidents linked yet. Link the incidents this problem causes, several at once by their numbers.</p> : null}
      {items.length ? (
        <ul className="problem-incidents" aria-label="Incidents caused by this problem">
          {items.map((incident) => (
            <li key={incident.id} className="related-ticket">
              <Link to={ticketPath(incident.number)} className="ticket-number">
                {incident.number}
              </Link>
              <span className="related-ticket-title" title={incident.title}>
                {incident.title}
              </span>
              <PriorityBadge priority={incident.priority} short />
              <StateBadge kind="incident" state={incident.state} flows={flows} />
              {canWrite && !FINISHED.has(ticket.state) ? <IconButton icon="close" size="sm" label={`Unlink ${incident.number}`} onClick={() => void unlink(incident)} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <LinkIncidentsDialog
        problem={ticket}
        open={linking}
        onClose={() => setLinking(false)}
        onLinked={changed}
      />
      <ResolveIncidentsDialog
        problem={ticket}
        open={resolving}
        openCount={openCount}
        onClose={() => setResolving(false)}
        onResolved={(items) => {
          setResolving(false);
          setResolved(items);
          changed();
        }}
      />
    </Card>
  );
}
