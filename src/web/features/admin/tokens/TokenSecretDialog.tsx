import { useRef, useState } from "react";
import type { CreatedToken } from "../../../api/types";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { Field, Input } from "../../../components/Field";
import { Modal } from "../../../components/Modal";

async function copyText(text: string, fallbackInput: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // clipboard API refused (permissions, insecure context): select the text for a manual copy
    if (!fallbackInput) return false;
    fallbackInput.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}

/** Shows a new token's secret exactly once, with a copy button and a clear warning. */
export function TokenSecretDialog({ created, onClose }: { created: CreatedToken | null; onClose: () => void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);

  function close() {
    setCopied(null);
    onClose();
  }

  return (
    <Modal
      open={created !== null}
      onClose={close}
      title="Copy your new token"
      initialFocus="[data-copy]"
      footer={
        <Button variant="primary" onClick={close}>
          Done
        </Button>
      }
    >
      <Alert tone="warning" title="This is the only time the token is shown">
        Store it in your password manager or your tool's secret settings now. OpsDesk cannot show it again; if you lose it, revoke
        it and create a new one.
      </Alert>
      <Field label={`Token “${created?.token.name ?? ""}”`} hint={copied === "yes" ? "Copied to the clipboard." : copied === "no" ? "Copy did not work here: the token is selected, press Ctrl+C (⌘C)." : "Anyone with this token can act as you. Treat it like a password."}>
        <div className="secret-box">
          <Input ref={inputRef} readOnly value={created?.secret ?? ""} onFocus={(event) => event.target.select()} spellCheck={false} />
          <Button
            data-copy
            icon={copied === "yes" ? "check" : "copy"}
            onClick={() => {
              void copyText(created?.secret ?? "", inputRef.current).then((ok) => setCopied(ok ? "yes" : "no"));
            }}
          >
            {copied === "yes" ? "Copied" : "Copy"}
          </Button>
        </div>
      </Field>
    </Modal>
  );
}
