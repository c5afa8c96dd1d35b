import { useState } from "react";
import { toApiError } from "../../api/client";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Modal } from "../../components/Modal";
import { useToast } from "../../components/Toast";
import { transitionTicket } from "./ticketsApi";
import { missingFields, transitionBody, TransitionFields, type TransitionValues } from "./TransitionFields";
import type { AllowedTransition, Ticket } from "./ticketTypes";

const QUIET = new Set(["cancel", "reject"]);

/**
 * The transitions the caller may perform now, as buttons. One that requires fields opens a
 * small form for them; a 400 naming a field the flow did not declare opens the form too.
 */
export function TransitionButtons({
  ticket,
  onChanged,
  onStale,
  primary,
}: {
  ticket: Ticket;
  onChanged: (ticket: Ticket) => void;
  /** Called on a 409 (changed elsewhere, or no longer allowed): the page fetches the ticket again. */
  onStale?: () => void;
  primary?: string;
}) {
  const toast = useToast();
  const [open, setOpen] = useState<{ transition: AllowedTransition; fields: string[] } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const transitions = ticket.allowedTransitions ?? [];
  if (transitions.length === 0) return null;

  async function run(transition: AllowedTransition) {
    if (transition.requires.length > 0) return setOpen({ transition, fields: transition.requires });
    setBusy(transition.name);
    try {
      const next = await transitionTicket(ticket.number, { transition: transition.name, version: ticket.version });
      toast.success(`${ticket.number}: ${transition.label}`);
      onChanged(next);
    } catch (failure) {
      const error = toApiError(failure);
      if (error.status === 400 && error.field) setOpen({ transition, fields: [error.field.replace(/^\/?(body\.)?/, "").replace(/\//g, ".")] });
      else {
        toast.error(`${transition.label} failed`, error.message);
        if (error.status === 409) onStale?.();
      }
    } finally {
      setBusy(null);
    }
  }

  const first = primary ?? transitions.find((t) => !QUIET.has(t.name))?.name;
  return (
    <>
      {transitions.map((transition) => (
        <Button
          key={transition.name}
          variant={transition.name === first ? "primary" : QUIET.has(transition.name) ? "ghost" : "secondary"}
          loading={busy === transition.name}
          disabled={busy !== null && busy !== transition.name}
          onClick={() => void run(transition)}
        >
          {transition.label}
        </Button>
      ))}
      {open ? (
        <TransitionDialog
          ticket={ticket}
          transition={open.transition}
          fields={open.fields}
          onClose={() => setOpen(null)}
          onStale={() => {
            setOpen(null);
            onStale?.();
          }}
          onDone={(next) => {
            setOpen(null);
            toast.success(`${ticket.number}: ${open.transition.label}`);
            onChanged(next);
          }}
        />
      ) : null}
    </>
  );
}

function TransitionDialog({
  ticket,
  transition,
  fields,
  onClose,
  onStale,
  onDone,
}: {
  ticket: Ticket;
  transition: AllowedTransition;
  fields: string[];
  onClose: () => void;
  onStale: () => void;
  onDone: (ticket: Ticket) => void;
}) {
  const toast = useToast();
  const [values, setValues] = useState<TransitionValues>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [shown, setShown] = useState(fields);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  async function submit() {
    const missing = missingFields(shown, values);
    if (Object.keys(missing).length) return setErrors(missing);
    setErrors({});
    setFailure(null);
    setBusy(true);
    try {
      onDone(await transitionTicket(ticket.number, transitionBody(transition.name, values, ticket.version)));
    } catch (error) {
      const apiError = toApiError(error);
      const field = apiError.field?.replace(/^\/?(body\.)?/, "").replace(/\//g, ".");
      if (apiError.status === 400 && field) {
        if (!shown.includes(field)) setShown((current) => [...current, field]);
        setErrors({ [field]: apiError.message });
      } else if (apiError.status === 409) {
        toast.error(`${transition.label} failed`, apiError.message);
        onStale();
      } else {
        setFailure(apiError.message);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      onClose={onClose}
      title={`${transition.label}: ${ticket.number}`}
      dismissible={!busy}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" loading={busy}>
            {transition.label}
          </Button>
        </>
      }
    >
      {failure ? <Alert tone="danger">{failure}</Alert> : null}
      <TransitionFields fields={shown} required={shown} values={values} errors={errors} onChange={(path, value) => setValues((current) => ({ ...current, [path]: value }))} />
    </Modal>
  );
}
