import { useState } from "react";
import { useApi } from "../../api/useApi";
import { Button } from "../../components/Button";
import { Link } from "../../router";
import type { Ticket } from "../tickets/ticketTypes";
import { NewProblemDialog } from "./NewProblemDialog";
import { suggestionConcerns, suggestionSubject, SUGGESTIONS_PATH } from "./problemMeta";
import { listSuggestions } from "./problemsApi";

/** On an incident: when its CI or category keeps failing and no problem covers it yet, offers to open one. */
export function RecurringIncidentsHint({ ticket, canWrite }: { ticket: Ticket; canWrite: boolean }) {
  const suggestions = useApi((signal) => (ticket.ci || ticket.category ? listSuggestions(signal) : Promise.resolve(null)), [ticket.number, ticket.ci?.id, ticket.category]);
  const [creating, setCreating] = useState(false);
  const suggestion = suggestions.data?.items.find((s) => suggestionConcerns(s, ticket));
  if (!suggestion) return null;
  const window = suggestions.data!.windowHours;
  return (
    <div className="problem-hint" role="note" aria-label="Recurring incidents">
      <p>
        <strong>Recurring incidents:</strong> {suggestion.incidents} incidents {suggestion.basis === "ci" ? "on" : "in"} {suggestionSubject(suggestion)} within {window} hours, and no problem is open for{" "}
        {suggestion.basis === "ci" ? "that CI" : "that category"} yet. <Link to={SUGGESTIONS_PATH}>All suggestions</Link>
      </p>
      {canWrite ? (
        <Button size="sm" onClick={() => setCreating(true)}>
          Create problem
        </Button>
      ) : null}
      <NewProblemDialog suggestion={creating ? suggestion : null} onClose={() => setCreating(false)} />
    </div>
  );
}
