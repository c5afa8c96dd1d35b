import type { KindSectionProps } from "../tickets/kindSections";
import { ActionItemsCard } from "./ActionItemsCard";
import { LinkedIncidentsCard } from "./LinkedIncidentsCard";
import { FINISHED } from "./problemMeta";
import { ProblemFieldsCard } from "./ProblemFieldsCard";
import "./problems.css";

/** The problem part of the ticket page: root cause, workaround, known error, action items and linked incidents. */
export function ProblemSection({ ticket, canWrite, onChanged }: KindSectionProps) {
  if (ticket.kind !== "problem") return null;
  return (
    <>
      <ProblemFieldsCard ticket={ticket} editable={canWrite && !FINISHED.has(ticket.state)} onChanged={onChanged} />
      <ActionItemsCard ticket={ticket} canWrite={canWrite} />
      <LinkedIncidentsCard ticket={ticket} canWrite={canWrite} onChanged={onChanged} />
    </>
  );
}
