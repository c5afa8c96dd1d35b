import { useEffect, useState } from "react";
import { createUser, updateUser, type UserInput } from "../../../api/users";
import type { Role, User } from "../../../api/types";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { Checkbox, Field, Input, Select } from "../../../components/Field";
import { Modal } from "../../../components/Modal";
import { looksLikeEmail, useApiForm } from "../../../components/useApiForm";

const FIELDS = ["name", "email", "role", "password", "active"] as const;

interface Values {
  name: string;
  email: string;
  role: string;
  password: string;
  active: boolean;
}

function initialValues(user: User | null, roles: Role[]): Values {
  if (user) return { name: user.name, email: user.email, role: user.role, password: "", active: user.active };
  const fallback = roles.find((role) => role.name === "agent")?.name ?? roles[0]?.name ?? "";
  return { name: "", email: "", role: fallback, password: "", active: true };
}

export interface UserFormDialogProps {
  open: boolean;
  /** The user to edit; null creates a new one. */
  user: User | null;
  roles: Role[];
  /** True when editing the signed-in user, who cannot lock themselves out. */
  isSelf?: boolean;
  onClose: () => void;
  onSaved: (user: User, created: boolean) => void;
}

/** Creates a user or edits one: name, email, role, active and an optional (new) password. */
export function UserFormDialog({ open, user, roles, isSelf = false, onClose, onSaved }: UserFormDialogProps) {
  const form = useApiForm(FIELDS);
  const [values, setValues] = useState<Values>(() => initialValues(user, roles));
  const editing = user !== null;

  // each opening starts from the current record
  useEffect(() => {
    if (open) {
      setValues(initialValues(user, roles));
      form.reset();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, user]);

  // roles arrive after the dialog may have opened
  useEffect(() => {
    if (!values.role && roles.length > 0) setValues((current) => ({ ...current, role: initialValues(null, roles).role }));
  }, [roles, values.role]);

  const set = <K extends keyof Values>(field: K, value: Values[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    form.clearError(field);
  };

  function validate() {
    return {
      name: values.name.trim() ? undefined : "Enter a name.",
      email: looksLikeEmail(values.email) ? undefined : "Enter a valid email address.",
      role: values.role ? undefined : "Choose a role.",
      password: values.password && values.password.length < 8 ? "Use at least 8 characters." : undefined,
    };
  }

  async function save() {
    if (!editing) {
      const input: UserInput = {
        name: values.name.trim(),
        email: values.email.trim(),
        role: values.role,
        active: values.active,
      };
      if (values.password) input.password = values.password;
      onSaved(await createUser(input), true);
      return;
    }
    const patch: Partial<UserInput> = {};
    if (values.name.trim() !== user.name) patch.name = values.name.trim();
    if (values.email.trim() !== user.email) patch.email = values.email.trim();
    if (values.role !== user.role) patch.role = values.role;
    if (values.active !== user.active) patch.active = values.active;
    if (values.password) patch.password = values.password;
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    onSaved(await updateUser(user.id, patch), false);
  }

  const roleOptions = roles.map((role) => ({ value: role.name, label: role.label }));
  const roleDescription = roles.find((role) => role.name === values.role)?.description;

  return (
    <Modal
      open={open}
      onClose={onClose}
      title={editing ? `Edit ${user.name}` : "New user"}
      dismissible={!form.busy}
      onSubmit={() => void form.submit(save, validate)}
      footer={
        <>
          <Button onClick={onClose} disabled={form.busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={form.busy}>
            {editing ? "Save changes" : "Create user"}
          </Button>
        </>
      }
    >
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <div className="form-grid">
        <Field label="Name" error={form.errors.name} required>
          <Input autoComplete="off" value={values.name} onChange={(event) => set("name", event.target.value)} />
        </Field>
        <Field label="Email" error={form.errors.email} required>
          <Input type="email" autoComplete="off" value={values.email} onChange={(event) => set("email", event.target.value)} />
        </Field>
        <Field
          label="Role"
          error={form.errors.role}
          required
          className="span-2"
          hint={isSelf && editing ? "Changing your own role can remove your access to this page." : roleDescription}
        >
          <Select options={roleOptions} value={values.role} onChange={(event) => set("role", event.target.value)} />
        </Field>
        <Field
          label={editing ? "New password" : "Password"}
          aside="Optional"
          error={form.errors.password}
          className="span-2"
          hint={
            editing
              ? "Leave empty to keep the current password."
              : "At least 8 characters. Without one, the user cannot sign in with a password until it is set."
          }
        >
          <Input type="password" autoComplete="new-password" value={values.password} onChange={(event) => set("password", event.target.value)} />
        </Field>
      </div>
      <Checkbox
        label="Active"
        description={isSelf ? "You cannot deactivate your own account." : "Inactive users keep their history but cannot sign in."}
        checked={values.active}
        disabled={isSelf}
        onChange={(event) => set("active", event.target.checked)}
      />
    </Modal>
  );
}
