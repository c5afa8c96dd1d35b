import type { KindSectionProps } from "../tickets/kindSections";
import { CommunicationLog } from "./CommunicationLog";
import { MatchingKnownErrors } from "./MatchingKnownErrors";
import { RecurringIncidentsHint } from "./RecurringIncidentsHint";
import "./problems.css";

/**
 * What problem management adds to an incident's page: the major incident communication log,
 * the known errors that match it (with their workarounds), and a nudge to open a problem when
 * its CI or category keeps failing.
 */
export function IncidentSection({ ticket, canWrite, onChanged }: KindSectionProps) {
  if (ticket.kind !== "incident") return null;
  return (
    <>
      {ticket.major ? <CommunicationLog ticket={ticket} canWrite={canWrite} onChanged={onChanged} /> : null}
      <MatchingKnownErrors ticket={ticket} />
      {ticket.open ? <RecurringIncidentsHint ticket={ticket} canWrite={canWrite} /> : null}
    </>
  );
}
