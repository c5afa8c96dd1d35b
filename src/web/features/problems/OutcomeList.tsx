import { Badge } from "../../components/Badge";
import { Link } from "../../router";
import { ticketPath } from "../tickets/ticketMeta";
import { problemErrorMessage, summarizeOutcomes } from "./problemMeta";
import type { IncidentOutcome } from "./problemTypes";

/** The per-incident answer of a multi-incident call: what was done, and why the rest was not. */
export function OutcomeList({ items, verb }: { items: IncidentOutcome[]; verb: string }) {
  const { done, failed } = summarizeOutcomes(items);
  return (
    <div className="problem-outcomes">
      <p>
        <strong>
          {done} of {items.length} {verb}.
        </strong>
        {failed.length ? ` ${failed.length} left as ${failed.length === 1 ? "it was" : "they were"}:` : ""}
      </p>
      <ul aria-label={`Incidents ${verb}`}>
        {items.map((item) => (
          <li key={item.ref}>
            <Link to={ticketPath(item.number ?? item.ref)} className="ticket-number">
              {item.number ?? item.ref}
            </Link>
            {item.ok ? <Badge tone="success">{verb[0]!.toUpperCase() + verb.slice(1)}</Badge> : <Badge tone="danger">Not {verb}</Badge>}
            {item.ok ? null : <span className="subtle small">{problemErrorMessage({ error: item.error, message: item.message })}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
