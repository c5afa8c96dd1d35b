import { useState } from "react";
import { changePassword } from "../../api/auth";
import { ApiError, toApiError } from "../../api/client";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Field, Input } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useToast } from "../../components/Toast";
import { useApiForm } from "../../components/useApiForm";

const FIELDS = ["currentPassword", "newPassword", "confirm"] as const;
const EMPTY = { currentPassword: "", newPassword: "", confirm: "" };

/** Lets the signed-in user change their own password. */
export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const toast = useToast();
  const form = useApiForm(FIELDS);
  const [values, setValues] = useState(EMPTY);

  function close() {
    setValues(EMPTY);
    form.reset();
    onClose();
  }

  const set = (field: (typeof FIELDS)[number]) => (event: { target: { value: string } }) => {
    setValues((current) => ({ ...current, [field]: event.target.value }));
    form.clearError(field);
  };

  return (
    <Modal
      open={open}
      onClose={close}
      title="Change password"
      size="sm"
      dismissible={!form.busy}
      onSubmit={() =>
        void form.submit(
          async () => {
            try {
              await changePassword({ currentPassword: values.currentPassword, newPassword: values.newPassword });
            } catch (caught) {
              const error = toApiError(caught);
              // the server names no field for a wrong current password; it belongs to that input
              if (error.code === "auth.wrong_password" && !error.field) {
                throw new ApiError(error.status, error.code, error.message, { ...error.details, field: "currentPassword" });
              }
              throw error;
            }
            toast.success("Password changed", "Use the new password the next time you sign in.");
            close();
          },
          () => ({
            currentPassword: values.currentPassword ? undefined : "Enter your current password.",
            newPassword:
              values.newPassword.length < 8
                ? "Use at least 8 characters."
                : values.newPassword === values.currentPassword
                  ? "Choose a password different from the current one."
                  : undefined,
            confirm: values.confirm === values.newPassword ? undefined : "The passwords do not match.",
          }),
        )
      }
      footer={
        <>
          <Button onClick={close} disabled={form.busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={form.busy}>
            Change password
          </Button>
        </>
      }
    >
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <Field label="Current password" error={form.errors.currentPassword}>
        <Input type="password" autoComplete="current-password" value={values.currentPassword} onChange={set("currentPassword")} />
      </Field>
      <Field label="New password" error={form.errors.newPassword} hint="At least 8 characters.">
        <Input type="password" autoComplete="new-password" value={values.newPassword} onChange={set("newPassword")} />
      </Field>
      <Field label="Confirm new password" error={form.errors.confirm}>
        <Input type="password" autoComplete="new-password" value={values.confirm} onChange={set("confirm")} />
      </Field>
    </Modal>
  );
}
