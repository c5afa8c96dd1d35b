import { useEffect, useState } from "react";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Field, Textarea } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useApiForm } from "../../components/useApiForm";
import { toApiError } from "../../api/client";
import { updateTicket } from "../tickets/ticketsApi";
import type { Ticket } from "../tickets/ticketTypes";
import { problemErrorMessage, ROOT_CAUSE_KEPT } from "./problemMeta";

const FIELDS = ["rootCause", "workaround"] as const;

/** Edits a problem's root cause and workaround (Markdown); the server's rules come back as field errors. */
export function EditProblemDialog({ ticket, open, onClose, onSaved }: { ticket: Ticket; open: boolean; onClose: () => void; onSaved: (ticket: Ticket) => void }) {
  const form = useApiForm(FIELDS);
  const [rootCause, setRootCause] = useState("");
  const [workaround, setWorkaround] = useState("");
  const problem = ticket.problem;
  const kept = ROOT_CAUSE_KEPT.has(ticket.state) && Boolean(problem?.rootCause);

  useEffect(() => {
    if (!open) return;
    setRootCause(problem?.rootCause ?? "");
    setWorkaround(problem?.workaround ?? "");
    form.reset();
    // reset on each opening only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const validate = () => {
    const errors: Partial<Record<(typeof FIELDS)[number], string>> = {};
    if (kept && !rootCause.trim()) errors.rootCause = "The root cause stays once the fix is in progress: change it, do not remove it.";
    if (problem?.knownError && !rootCause.trim() && !workaround.trim()) errors.workaround = "A known error needs a workaround or a root cause.";
    return errors;
  };

  const submit = () =>
    form.submit(async () => {
      try {
        const next = await updateTicket(ticket.number, { version: ticket.version, problem: { rootCause: rootCause.trim() || null, workaround: workaround.trim() || null } });
        onSaved(next);
      } catch (failure) {
        const error = toApiError(failure);
        // the rules' messages are clearer than the codes; keep the field the server named
        throw Object.assign(error, { message: problemErrorMessage(error) });
      }
    }, validate);

  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Root cause and workaround of ${ticket.number}`}
      size="lg"
      dismissible={!form.busy}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={form.busy}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" loading={form.busy}>
            Save
          </Button>
        </>
      }
    >
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <Field
        label="Root cause"
        error={form.errors.rootCause}
        hint={kept ? "Needed from Fix in progress on: it can be changed, not removed." : "What causes the incidents. Needed to start the fix and to resolve. Markdown is supported."}
      >
        <Textarea value={rootCause} rows={5} maxLength={20_000} onChange={(event) => (setRootCause(event.target.value), form.clearError("rootCause"))} />
      </Field>
      <Field label="Workaround" error={form.errors.workaround} hint="How agents restore service until the fix is in; shown on matching incidents once this is a known error.">
        <Textarea value={workaround} rows={4} maxLength={20_000} onChange={(event) => (setWorkaround(event.target.value), form.clearError("workaround"))} />
      </Field>
    </Modal>
  );
}
