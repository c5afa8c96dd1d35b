import { useState, type ReactNode } from "react";
import { toApiError } from "../api/client";
import { Alert } from "./Alert";
import { Button } from "./Button";
import { Modal } from "./Modal";

export interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Destructive actions get a red button and focus starts on Cancel. */
  tone?: "danger" | "primary";
  /** Runs the action; an error is shown in the dialog, success closes it. */
  onConfirm: () => Promise<void>;
}

/** Asks before doing something that cannot be undone, and shows why it failed if it does. */
export function ConfirmDialog({ open, onClose, title, children, confirmLabel, tone = "danger", onConfirm }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function close() {
    if (busy) return;
    setError(null);
    onClose();
  }

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setBusy(false);
      onClose();
    } catch (failure) {
      setBusy(false);
      setError(toApiError(failure).message);
    }
  }

  return (
    <Modal
      open={open}
      onClose={close}
      title={title}
      size="sm"
      dismissible={!busy}
      initialFocus={tone === "danger" ? "[data-cancel]" : "[data-confirm]"}
      footer={
        <>
          <Button data-cancel onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button data-confirm variant={tone} loading={busy} onClick={() => void confirm()}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div className="muted">{children}</div>
      {error ? <Alert tone="danger">{error}</Alert> : null}
    </Modal>
  );
}
