import { useEffect, useState } from "react";
import { createGroup, updateGroup, type GroupInput } from "../../../api/groups";
import type { Group } from "../../../api/types";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { Field, Input, Textarea } from "../../../components/Field";
import { Modal } from "../../../components/Modal";
import { looksLikeEmail, useApiForm } from "../../../components/useApiForm";

const FIELDS = ["name", "description", "email"] as const;

function initialValues(group: Group | null) {
  return { name: group?.name ?? "", description: group?.description ?? "", email: group?.email ?? "" };
}

export interface GroupFormDialogProps {
  open: boolean;
  /** The group to edit; null creates one. */
  group: Group | null;
  onClose: () => void;
  onSaved: (group: Group, created: boolean) => void;
}

/** Creates or edits a group: name, description and a shared mailbox. */
export function GroupFormDialog({ open, group, onClose, onSaved }: GroupFormDialogProps) {
  const form = useApiForm(FIELDS);
  const [values, setValues] = useState(() => initialValues(group));
  const editing = group !== null;

  useEffect(() => {
    if (open) {
      setValues(initialValues(group));
      form.reset();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, group]);

  const set = (field: (typeof FIELDS)[number], value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    form.clearError(field);
  };

  async function save() {
    const name = values.name.trim();
    const description = values.description.trim();
    const email = values.email.trim();
    if (!editing) {
      const input: GroupInput = { name };
      if (description) input.description = description;
      if (email) input.email = email;
      onSaved(await createGroup(input), true);
      return;
    }
    const patch: Partial<GroupInput> = {};
    if (name !== group.name) patch.name = name;
    if (description !== (group.description ?? "")) patch.description = description;
    if (email !== (group.email ?? "")) patch.email = email || null;
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    onSaved(await updateGroup(group.id, patch), false);
  }

  return (
    <Modal
      open={open}
      onClose={onClose}
      title={editing ? `Edit ${group.name}` : "New group"}
      dismissible={!form.busy}
      onSubmit={() =>
        void form.submit(save, () => ({
          name: values.name.trim() ? undefined : "Enter a name.",
          email: values.email.trim() && !looksLikeEmail(values.email) ? "Enter a valid email address, or leave it empty." : undefined,
        }))
      }
      footer={
        <>
          <Button onClick={onClose} disabled={form.busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={form.busy}>
            {editing ? "Save changes" : "Create group"}
          </Button>
        </>
      }
    >
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <Field label="Name" error={form.errors.name} required hint="Teams such as Network Ops, Service Desk or Database Admins.">
        <Input autoComplete="off" value={values.name} onChange={(event) => set("name", event.target.value)} />
      </Field>
      <Field label="Email" aside="Optional" error={form.errors.email} hint="A shared mailbox for notifications to the whole group.">
        <Input type="email" autoComplete="off" value={values.email} onChange={(event) => set("email", event.target.value)} />
      </Field>
      <Field label="Description" aside="Optional" error={form.errors.description}>
        <Textarea value={values.description} onChange={(event) => set("description", event.target.value)} />
      </Field>
    </Modal>
  );
}
