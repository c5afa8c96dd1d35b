import { useState, type ReactNode } from "react";
import { toApiError } from "../../api/client";
import { Alert } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { IconButton } from "../../components/Button";
import { Card, DetailList } from "../../components/Card";
import { Checkbox } from "../../components/Field";
import { Time } from "../../components/Time";
import { useToast } from "../../components/Toast";
import { Link } from "../../router";
import { Markdown } from "../tickets/Markdown";
import { updateTicket } from "../tickets/ticketsApi";
import type { Ticket } from "../tickets/ticketTypes";
import { EditProblemDialog } from "./EditProblemDialog";
import { KNOWN_ERRORS_PATH, problemErrorMessage } from "./problemMeta";

const none = <span className="subtle">—</span>;
const text = (value: string | null | undefined): ReactNode => (value ? <Markdown source={value} /> : none);

/** Root cause, workaround and the known-error toggle of a problem. */
export function ProblemFieldsCard({ ticket, editable, onChanged }: { ticket: Ticket; editable: boolean; onChanged: (ticket: Ticket) => void }) {
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const problem = ticket.problem ?? { rootCause: null, workaround: null, knownError: false, knownErrorAt: null };
  const incomplete = !problem.rootCause && !problem.workaround;

  async function toggleKnownError(knownError: boolean) {
    setBusy(true);
    setError(null);
    try {
      const next = await updateTicket(ticket.number, { version: ticket.version, problem: { knownError } });
      toast.success(knownError ? `${next.number} is a known error` : `${next.number} is no longer a known error`);
      onChanged(next);
    } catch (failure) {
      setError(problemErrorMessage(toApiError(failure)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card
      title="Problem"
      description={
        <>
          {problem.knownError ? "Listed in the " : "Not in the "}
          <Link to={KNOWN_ERRORS_PATH}>known error database</Link>
          {problem.knownError ? "." : " yet."}
        </>
      }
      actions={editable ? <IconButton icon="pencil" size="sm" label="Edit root cause and workaround" onClick={() => setEditing(true)} /> : null}
    >
      <DetailList
        items={[
          { label: "Root cause", value: text(problem.rootCause) },
          { label: "Workaround", value: text(problem.workaround) },
          {
            label: "Known error",
            value: (
              <div className="problem-known-error">
                {editable ? (
                  <Checkbox
                    label="Known error"
                    checked={problem.knownError}
                    disabled={busy}
                    description={
                      problem.knownError
                        ? "Its workaround is offered on incidents with the same CI or category."
                        : incomplete
                          ? "A known error needs a workaround or a root cause: record one first."
                          : "List it in the known error database, so agents find the workaround."
                    }
                    onChange={(event) => void toggleKnownError(event.target.checked)}
                  />
                ) : problem.knownError ? (
                  <Badge tone="warning">Known error</Badge>
                ) : (
                  "No"
                )}
                {problem.knownError && problem.knownErrorAt ? (
                  <span className="subtle small">
                    since <Time value={problem.knownErrorAt} format="datetime" />
                  </span>
                ) : null}
              </div>
            ),
          },
        ]}
      />
      {error ? <Alert tone="danger">{error}</Alert> : null}
      <EditProblemDialog
        ticket={ticket}
        open={editing}
        onClose={() => setEditing(false)}
        onSaved={(next) => {
          setEditing(false);
          toast.success(`${next.number} saved`);
          onChanged(next);
        }}
      />
    </Card>
  );
}
