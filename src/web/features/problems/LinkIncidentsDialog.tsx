import { useEffect, useState } from "react";
import { toApiError } from "../../api/client";
import { Button } from "../../components/Button";
import { Field, Textarea } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useToast } from "../../components/Toast";
import type { Ticket } from "../tickets/ticketTypes";
import { OutcomeList } from "./OutcomeList";
import { parseTicketNumbers, problemErrorMessage, summarizeOutcomes } from "./problemMeta";
import { linkIncidents } from "./problemsApi";
import type { IncidentOutcome } from "./problemTypes";

const MAX = 200;

/** Links several incidents to a problem at once by their numbers; answers per incident. */
export function LinkIncidentsDialog({ problem, open, onClose, onLinked }: { problem: Ticket; open: boolean; onClose: () => void; onLinked: () => void }) {
  const toast = useToast();
  const [text, setText] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<IncidentOutcome[] | null>(null);

  useEffect(() => {
    if (!open) return;
    setText("");
    setError(undefined);
    setOutcome(null);
  }, [open]);

  async function submit() {
    if (outcome) return onClose();
    const { numbers, invalid } = parseTicketNumbers(text);
    if (invalid.length) return setError(`Not incident numbers: ${invalid.join(", ")}`);
    if (numbers.length === 0) return setError("Enter at least one incident number, e.g. INC0001001");
    if (numbers.length > MAX) return setError(`At most ${MAX} incidents at once`);
    setBusy(true);
    try {
      const answer = await linkIncidents(problem.number, numbers);
      const { done, failed } = summarizeOutcomes(answer.items);
      if (done > 0) onLinked();
      if (failed.length === 0) {
        toast.success(`${done} incident${done === 1 ? "" : "s"} linked`, `Caused by ${problem.number}`);
        onClose();
      } else setOutcome(answer.items);
    } catch (failure) {
      setError(problemErrorMessage(toApiError(failure)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Link incidents to ${problem.number}`}
      dismissible={!busy}
      onSubmit={() => void submit()}
      footer={
        outcome ? (
          <Button variant="primary" type="submit">
            Done
          </Button>
        ) : (
          <>
            <Button onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button variant="primary" type="submit" loading={busy}>
              Link
            </Button>
          </>
        )
      }
    >
      {outcome ? (
        <OutcomeList items={outcome} verb="linked" />
      ) : (
        <Field label="Incident numbers" required error={error} hint="Separated by spaces, commas or new lines; paste them from a list. Each becomes caused by this problem.">
          <Textarea value={text} rows={4} placeholder="INC0001001, INC0001002" onChange={(event) => (setText(event.target.value), setError(undefined))} />
        </Field>
      )}
    </Modal>
  );
}
