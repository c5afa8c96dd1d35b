import { useEffect, useState } from "react";
import { createToken } from "../../../api/tokens";
import type { CreatedToken } from "../../../api/types";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { Field, Input } from "../../../components/Field";
import { Modal } from "../../../components/Modal";
import { useApiForm } from "../../../components/useApiForm";

const FIELDS = ["name", "expiresAt"] as const;

function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Creates an API token with a name and an optional expiry day; hands the secret to the caller. */
export function CreateTokenDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (created: CreatedToken) => void }) {
  const form = useApiForm(FIELDS);
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const tomorrow = new Date();
  tomorrow.setDate(tomorrow.getDate() + 1);
  const minDay = isoDay(tomorrow);

  useEffect(() => {
    if (open) {
      setName("");
      setExpires("");
      form.reset();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  return (
    <Modal
      open={open}
      onClose={onClose}
      title="New API token"
      description="Tokens let scripts, CI pipelines and integrations call the OpsDesk API as you, with your permissions."
      dismissible={!form.busy}
      onSubmit={() =>
        void form.submit(
          async () => {
            // a token is valid through the whole chosen day, in the user's time zone
            const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : undefined;
            onCreated(await createToken({ name: name.trim(), ...(expiresAt ? { expiresAt } : {}) }));
          },
          () => ({
            name: name.trim() ? undefined : "Give the token a name, e.g. what will use it.",
            expiresAt: expires && expires < minDay ? "Pick a day in the future." : undefined,
          }),
        )
      }
      footer={
        <>
          <Button onClick={onClose} disabled={form.busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={form.busy}>
            Create token
          </Button>
        </>
      }
    >
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <Field label="Name" error={form.errors.name} required hint="Say what uses it, e.g. “Grafana alerts” or “Backup script”.">
        <Input
          autoComplete="off"
          value={name}
          onChange={(event) => {
            setName(event.target.value);
            form.clearError("name");
          }}
        />
      </Field>
      <Field label="Expires on" aside="Optional" error={form.errors.expiresAt} hint="Leave empty for a token that never expires. Expiring tokens are safer.">
        <Input
          type="date"
          min={minDay}
          value={expires}
          onChange={(event) => {
            setExpires(event.target.value);
            form.clearError("expiresAt");
          }}
        />
      </Field>
    </Modal>
  );
}
