import { useApi } from "../../api/useApi";
import { Badge } from "../../components/Badge";
import { Card } from "../../components/Card";
import { Link } from "../../router";
import { Markdown } from "../tickets/Markdown";
import { ticketPath } from "../tickets/ticketMeta";
import type { Ticket } from "../tickets/ticketTypes";
import { KNOWN_ERRORS_PATH } from "./problemMeta";
import { listKnownErrors } from "./problemsApi";

/** On an incident: the known errors that match it (linked, same CI or same category) with their workarounds. */
export function MatchingKnownErrors({ ticket }: { ticket: Ticket }) {
  const known = useApi((signal) => listKnownErrors({ incident: ticket.number, limit: 5 }, signal), [ticket.number, ticket.ci?.id, ticket.category]);
  const items = known.data?.items ?? [];
  // nothing to say: keep the page quiet
  if (known.error || items.length === 0) return null;
  const more = (known.data?.total ?? 0) - items.length;
  return (
    <Card
      title="Known errors"
      description="Problems already analysed that match this incident. Try the workaround; link the incident to the problem when it fits."
      actions={<Link to={`${KNOWN_ERRORS_PATH}${ticket.ci ? `?ciId=${encodeURIComponent(ticket.ci.id)}` : ""}`}>Known error database</Link>}
      className="problem-known-errors"
    >
      <ul className="known-error-list" aria-label="Matching known errors">
        {items.map((item) => (
          <li key={item.id} className="known-error">
            <div className="known-error-head">
              <Link to={ticketPath(item.number)} className="ticket-number">
                {item.number}
              </Link>
              <span className="known-error-title">{item.title}</span>
              {item.open ? null : <Badge tone="success">Fixed</Badge>}
            </div>
            <div className="known-error-text">
              <span className="known-error-label">Workaround</span>
              {item.workaround ? <Markdown source={item.workaround} /> : <span className="subtle">None recorded</span>}
            </div>
            {item.rootCause ? (
              <details className="known-error-cause">
                <summary>Root cause</summary>
                <Markdown source={item.rootCause} />
              </details>
            ) : null}
          </li>
        ))}
      </ul>
      {more > 0 ? <p className="subtle small">and {more} more in the known error database</p> : null}
    </Card>
  );
}
