import { useEffect, useRef, useState } from "react";
import { toApiError } from "../../api/client";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Field, Input } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { transitionTicket, updateTicket } from "../tickets/ticketsApi";
import type { Ticket } from "../tickets/ticketTypes";
import { fromLocalInput, toLocalInput } from "./changeMeta";
import { getConflicts } from "./changesApi";
import type { ChangeConflict } from "./changeTypes";
import { ConflictWarning } from "./ConflictList";

interface Checked {
  start: string;
  end: string;
  conflicts: ChangeConflict[];
}

/**
 * Schedules a change: the planned window is saved and checked for conflicts (same CI, same
 * service, blackout windows) first; conflicts are shown as a warning, and scheduling anyway
 * takes a second, deliberate click.
 */
export function ScheduleDialog({ ticket, open, onClose, onChanged }: { ticket: Ticket; open: boolean; onClose: () => void; onChanged: (ticket: Ticket) => void }) {
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [checked, setChecked] = useState<Checked | null>(null);
  const [busy, setBusy] = useState<"check" | "schedule" | null>(null);
  const [error, setError] = useState<{ field?: "start" | "end"; message: string } | null>(null);
  const version = useRef(ticket.version);

  useEffect(() => {
    if (!open) return;
    const change = ticket.change;
    setStart(toLocalInput(change?.plannedStart));
    setEnd(toLocalInput(change?.plannedEnd));
    setError(null);
    setBusy(null);
    version.current = ticket.version;
    setChecked(null);
    // a window already recorded is checked straight away
    if (change?.plannedStart && change.plannedEnd) {
      const controller = new AbortController();
      getConflicts(ticket.number, controller.signal).then(
        (answer) => setChecked({ start: toLocalInput(change.plannedStart), end: toLocalInput(change.plannedEnd), conflicts: answer.items }),
        () => undefined,
      );
      return () => controller.abort();
    }
    // reset on each opening only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const current = checked && checked.start === start && checked.end === end ? checked : null;

  /** Saves the window (when it changed) and reads its conflicts. */
  async function check(): Promise<Checked | null> {
    const plannedStart = fromLocalInput(start);
    const plannedEnd = fromLocalInput(end);
    if (!plannedStart) return setError({ field: "start", message: "Choose when the change starts" }), null;
    if (!plannedEnd) return setError({ field: "end", message: "Choose when the change ends" }), null;
    if (plannedEnd <= plannedStart) return setError({ field: "end", message: "The end must be after the start" }), null;
    setError(null);
    if (plannedStart !== ticket.change?.plannedStart || plannedEnd !== ticket.change?.plannedEnd) {
      const saved = await updateTicket(ticket.number, { change: { plannedStart, plannedEnd }, version: version.current });
      version.current = saved.version;
      onChanged(saved);
    }
    const next = { start, end, conflicts: (await getConflicts(ticket.number)).items };
    setChecked(next);
    return next;
  }

  async function run(action: "check" | "schedule") {
    setBusy(action);
    try {
      const result = current ?? (await check());
      if (!result || action === "check") return;
      // a window checked just now with conflicts: show them before scheduling anyway
      if (!current && result.conflicts.length) return;
      const scheduled = await transitionTicket(ticket.number, { transition: "schedule", version: version.current });
      onChanged(scheduled);
      onClose();
    } catch (failure) {
      const apiError = toApiError(failure);
      const field = apiError.field?.endsWith("plannedEnd") ? "end" : apiError.field?.endsWith("plannedStart") ? "start" : undefined;
      setError({ field, message: apiError.message });
    } finally {
      setBusy(null);
    }
  }

  const conflicts = current?.conflicts ?? [];
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Schedule ${ticket.number}`}
      description="The window is checked against other changes on the same CIs and services, and against blackout windows."
      size="lg"
      dismissible={busy === null}
      onSubmit={() => void run("schedule")}
      footer={
        <>
          <Button onClick={onClose} disabled={busy !== null}>
            Cancel
          </Button>
          <Button onClick={() => void run("check")} loading={busy === "check"} disabled={busy !== null || current !== null}>
            Check conflicts
          </Button>
          <Button variant={conflicts.length ? "danger" : "primary"} type="submit" loading={busy === "schedule"} disabled={busy !== null}>
            {conflicts.length ? "Schedule despite conflicts" : "Schedule"}
          </Button>
        </>
      }
    >
      {error && !error.field ? <Alert tone="danger">{error.message}</Alert> : null}
      <div className="form-grid">
        <Field label="Planned start" required error={error?.field === "start" ? error.message : undefined}>
          <Input type="datetime-local" value={start} onChange={(event) => setStart(event.target.value)} />
        </Field>
        <Field label="Planned end" required error={error?.field === "end" ? error.message : undefined}>
          <Input type="datetime-local" value={end} onChange={(event) => setEnd(event.target.value)} />
        </Field>
      </div>
      {current ? (
        conflicts.length ? (
          <ConflictWarning conflicts={conflicts} title={conflicts.length === 1 ? "This window has 1 conflict" : `This window has ${conflicts.length} conflicts`} />
        ) : (
          <Alert tone="success">No conflicts: no other change on these CIs or services, and no blackout window.</Alert>
        )
      ) : checked ? (
        <p className="subtle">The window changed: it is checked again when you schedule.</p>
      ) : null}
    </Modal>
  );
}
