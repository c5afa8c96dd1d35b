import { useEffect, useState } from "react";
import { toApiError } from "../../api/client";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Field, Textarea } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { Markdown } from "../tickets/Markdown";
import type { Ticket } from "../tickets/ticketTypes";
import { problemErrorMessage } from "./problemMeta";
import { resolveIncidents } from "./problemsApi";
import type { IncidentOutcome } from "./problemTypes";

/**
 * Confirms resolving a resolved problem's open incidents: shows the resolution they get
 * (resolved_by_problem with the problem's notes), lets the agent word it differently.
 */
export function ResolveIncidentsDialog({
  problem,
  open,
  openCount,
  onClose,
  onResolved,
}: {
  problem: Ticket;
  open: boolean;
  openCount: number;
  onClose: () => void;
  onResolved: (items: IncidentOutcome[]) => void;
}) {
  const [notes, setNotes] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const standard = `Resolved by problem ${problem.number}${problem.resolutionNotes ? `: ${problem.resolutionNotes}` : ""}`;

  useEffect(() => {
    if (!open) return;
    setNotes("");
    setError(null);
  }, [open]);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const answer = await resolveIncidents(problem.number, notes.trim() ? { resolutionNotes: notes.trim() } : {});
      onResolved(answer.items);
    } catch (failure) {
      setError(problemErrorMessage(toApiError(failure)));
    } finally {
      setBusy(false);
    }
  }

  const count = `${openCount} open incident${openCount === 1 ? "" : "s"}`;
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Resolve ${count}`}
      description={`Each incident caused by ${problem.number} that is still open is resolved through its own flow: its requester sees the resolution and child incidents follow. Incidents you may not change are reported and left as they are.`}
      dismissible={!busy}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" loading={busy}>
            Resolve {count}
          </Button>
        </>
      }
    >
      {error ? <Alert tone="danger">{error}</Alert> : null}
      <div className="problem-resolution-preview">
        <p className="subtle small">Resolution code: resolved by problem. Notes, unless you write your own:</p>
        <Markdown source={standard} />
      </div>
      <Field label="Resolution notes for the incidents" aside="Optional">
        <Textarea value={notes} rows={3} maxLength={20_000} placeholder={standard} onChange={(event) => setNotes(event.target.value)} />
      </Field>
    </Modal>
  );
}
