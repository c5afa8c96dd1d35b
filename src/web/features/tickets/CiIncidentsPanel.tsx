import { useApi } from "../../api/useApi";
import { Card } from "../../components/Card";
import { Link } from "../../router";
import { PriorityBadge, StateBadge } from "./TicketBadges";
import { ticketPath } from "./ticketMeta";
import { listTickets } from "./ticketsApi";
import { useFlows } from "./useFlows";
import { useTicketAccess } from "./useTicketAccess";
import "./tickets.css";

/** For the CMDB's CI page: the CI's open incidents (nothing for users who cannot read tickets). */
export function CiIncidentsPanel({ ciId }: { ciId: string }) {
  const { canRead } = useTicketAccess();
  if (!canRead) return null;
  return <OpenIncidents ciId={ciId} />;
}

function OpenIncidents({ ciId }: { ciId: string }) {
  const flows = useFlows();
  const incidents = useApi((signal) => listTickets({ ciId, kind: "incident", open: true, sort: "priority", limit: 10 }, signal), [ciId]);
  const items = incidents.data?.items ?? [];
  const more = (incidents.data?.total ?? 0) - items.length;
  return (
    <Card title="Open incidents" actions={<Link to={`/service-desk?kind=incident&status=open&ciId=${encodeURIComponent(ciId)}`}>All</Link>}>
      {incidents.error ? <p className="subtle small">{incidents.error.message}</p> : null}
      {!incidents.loading && !incidents.error && items.length === 0 ? <p className="subtle small">No open incidents on this CI.</p> : null}
      <ul className="ci-incidents" aria-label="Open incidents on this CI">
        {items.map((t) => (
          <li key={t.id} className="related-ticket">
            <Link to={ticketPath(t.number)} className="ticket-number">
              {t.number}
            </Link>
            <span className="related-ticket-title" title={t.title}>
              {t.title}
            </span>
            <PriorityBadge priority={t.priority} short />
            <StateBadge kind={t.kind} state={t.state} flows={flows} />
          </li>
        ))}
      </ul>
      {more > 0 ? <p className="subtle small">and {more} more</p> : null}
    </Card>
  );
}
