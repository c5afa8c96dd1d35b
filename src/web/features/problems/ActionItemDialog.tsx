import { useEffect, useState } from "react";
import { toApiError } from "../../api/client";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Field, Input, Select } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useApiForm } from "../../components/useApiForm";
import { useUsers } from "../tickets/TicketFormFields";
import { useTicketAccess } from "../tickets/useTicketAccess";
import { problemErrorMessage } from "./problemMeta";
import { createAction, updateAction } from "./problemsApi";
import type { ProblemAction } from "./problemTypes";

const FIELDS = ["title", "ownerId", "dueDate"] as const;
const OWNER_ROLES = new Set(["agent", "admin"]);

/** Adds an action item, or edits one: what, who (an agent or admin) and by when. */
export function ActionItemDialog({
  problemRef,
  item,
  open,
  onClose,
  onSaved,
}: {
  problemRef: string;
  /** The item to edit; null adds one. */
  item: ProblemAction | null;
  open: boolean;
  onClose: () => void;
  onSaved: (item: ProblemAction, created: boolean) => void;
}) {
  const form = useApiForm(FIELDS);
  const { canSeeDirectory } = useTicketAccess();
  const users = useUsers(canSeeDirectory);
  const [title, setTitle] = useState("");
  const [ownerId, setOwnerId] = useState("");
  const [dueDate, setDueDate] = useState("");

  useEffect(() => {
    if (!open) return;
    setTitle(item?.title ?? "");
    setOwnerId(item?.owner?.id ?? "");
    setDueDate(item?.dueDate ?? "");
    form.reset();
    // reset on each opening only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const owners = users.filter((user) => OWNER_ROLES.has(user.role) || user.id === item?.owner?.id);
  const submit = () =>
    form.submit(
      async () => {
        const body = { title: title.trim(), ownerId: ownerId || null, dueDate: dueDate || null };
        try {
          const saved = item ? await updateAction(problemRef, item.id, body) : await createAction(problemRef, body);
          onSaved(saved, !item);
        } catch (failure) {
          const error = toApiError(failure);
          throw Object.assign(error, { message: problemErrorMessage(error) });
        }
      },
      () => ({ title: title.trim() ? undefined : "Say what is to be done" }),
    );

  return (
    <Modal
      open={open}
      onClose={onClose}
      title={item ? "Edit action item" : "New action item"}
      dismissible={!form.busy}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={form.busy}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" loading={form.busy}>
            {item ? "Save" : "Add"}
          </Button>
        </>
      }
    >
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <Field label="What is to be done" required error={form.errors.title}>
        <Input value={title} maxLength={500} onChange={(event) => (setTitle(event.target.value), form.clearError("title"))} />
      </Field>
      <div className="form-grid">
        <Field label="Owner" error={form.errors.ownerId} hint={canSeeDirectory ? "An agent or administrator." : "The directory is not visible to you."}>
          <Select placeholder="No owner" value={ownerId} options={owners.map((user) => ({ value: user.id, label: user.name }))} onChange={(event) => (setOwnerId(event.target.value), form.clearError("ownerId"))} />
        </Field>
        <Field label="Due date" error={form.errors.dueDate} hint="Past it and not done, the item shows as overdue.">
          <Input type="date" value={dueDate} onChange={(event) => (setDueDate(event.target.value), form.clearError("dueDate"))} />
        </Field>
      </div>
    </Modal>
  );
}
