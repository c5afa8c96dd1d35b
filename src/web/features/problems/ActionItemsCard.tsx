import { useState } from "react";
import { toApiError } from "../../api/client";
import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { Button, IconButton } from "../../components/Button";
import { Card } from "../../components/Card";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useToast } from "../../components/Toast";
import type { Ticket } from "../tickets/ticketTypes";
import { ActionItemDialog } from "./ActionItemDialog";
import { FINISHED, problemErrorMessage } from "./problemMeta";
import { deleteAction, listActions, updateAction } from "./problemsApi";
import type { ProblemAction } from "./problemTypes";

const formatDate = (date: string) => new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });

/** Follow-up work of a problem: add, edit, tick off and remove items with owners and due dates. */
export function ActionItemsCard({ ticket, canWrite }: { ticket: Ticket; canWrite: boolean }) {
  const toast = useToast();
  const actions = useApi((signal) => listActions(ticket.number, signal), [ticket.number, ticket.updatedAt]);
  const [editing, setEditing] = useState<ProblemAction | "new" | null>(null);
  const [removing, setRemoving] = useState<ProblemAction | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const items = actions.data?.items ?? [];
  const finished = FINISHED.has(ticket.state);
  const open = items.filter((item) => !item.done).length;
  const overdue = items.filter((item) => item.overdue).length;

  async function toggle(item: ProblemAction) {
    setBusy(item.id);
    try {
      await updateAction(ticket.number, item.id, { done: !item.done });
      actions.reload();
    } catch (failure) {
      toast.error("The action item could not be changed", problemErrorMessage(toApiError(failure)));
    } finally {
      setBusy(null);
    }
  }

  return (
    <Card
      title="Action items"
      description={items.length ? `${open} open${overdue ? `, ${overdue} overdue` : ""} of ${items.length}` : undefined}
      actions={
        canWrite && !finished ? (
          <Button size="sm" icon="plus" onClick={() => setEditing("new")}>
            Add action item
          </Button>
        ) : null
      }
    >
      {actions.error ? <Alert tone="danger">{actions.error.message}</Alert> : null}
      {!actions.loading && !actions.error && items.length === 0 ? <p className="subtle small">No action items yet.{canWrite && !finished ? " Add the follow-up work that removes the cause, each with an owner and a due date." : ""}</p> : null}
      {items.length ? (
        <ul className="problem-actions" aria-label="Action items">
          {items.map((item) => (
            <li key={item.id} className={["problem-action", item.done ? "problem-action-done" : "", item.overdue ? "problem-action-overdue" : ""].filter(Boolean).join(" ")}>
              <input
                type="checkbox"
                className="problem-action-check"
                checked={item.done}
                disabled={!canWrite || busy === item.id}
                aria-label={`${item.title}: done`}
                onChange={() => void toggle(item)}
              />
              <span className="problem-action-title">{item.title}</span>
              <span className="problem-action-meta">
                <span>{item.owner ? item.owner.name : <span className="subtle">No owner</span>}</span>
                {item.dueDate ? <span className={item.overdue ? "problem-due-overdue" : "subtle"}>due {formatDate(item.dueDate)}</span> : null}
                {item.overdue ? <Badge tone="danger">Overdue</Badge> : null}
                {item.done ? <Badge tone="success">Done</Badge> : null}
              </span>
              {canWrite ? (
                <span className="problem-action-buttons">
                  <IconButton icon="pencil" size="sm" label={`Edit action item ${item.title}`} onClick={() => setEditing(item)} />
                  {!finished ? <IconButton icon="trash" size="sm" label={`Remove action item ${item.title}`} onClick={() => setRemoving(item)} /> : null}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <ActionItemDialog
        problemRef={ticket.number}
        item={editing === "new" ? null : editing}
        open={editing !== null}
        onClose={() => setEditing(null)}
        onSaved={(saved, created) => {
          setEditing(null);
          toast.success(created ? "Action item added" : "Action item saved", saved.title);
          actions.reload();
        }}
      />
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title="Remove the action item?"
        confirmLabel="Remove"
        onConfirm={async () => {
          if (!removing) return;
          try {
            await deleteAction(ticket.number, removing.id);
          } catch (failure) {
            const error = toApiError(failure);
            throw Object.assign(error, { message: problemErrorMessage(error) });
          }
          toast.success("Action item removed", removing.title);
          actions.reload();
        }}
      >
        “{removing?.title}” is removed from {ticket.number}. The timeline keeps a note of it.
      </ConfirmDialog>
    </Card>
  );
}
