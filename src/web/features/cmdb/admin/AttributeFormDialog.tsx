import { useEffect, useState } from "react";
import { addClassAttribute } from "../../../api/cmdb";
import { toApiError } from "../../../api/client";
import type { CiClass } from "../../../api/types";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { Modal } from "../../../components/Modal";
import { AttributeFields, attributeErrorKey, EMPTY_ATTRIBUTE, toAttributeDef, type AttributeDraft } from "./AttributeFields";

export interface AttributeFormDialogProps {
  open: boolean;
  cls: CiClass;
  onClose: () => void;
  onSaved: (cls: CiClass, attributeName: string) => void;
}

/** Adds an attribute to a class; its subclasses inherit it. */
export function AttributeFormDialog({ open, cls, onClose, onSaved }: AttributeFormDialogProps) {
  const [draft, setDraft] = useState<AttributeDraft>(EMPTY_ATTRIBUTE);
  const [errors, setErrors] = useState<Partial<Record<keyof AttributeDraft, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    setDraft(EMPTY_ATTRIBUTE);
    setErrors({});
    setFormError(null);
    setBusy(false);
  }, [open]);

  async function save() {
    if (!draft.name.trim()) {
      setErrors({ name: "Enter a machine name." });
      return;
    }
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      const def = toAttributeDef(draft);
      onSaved(await addClassAttribute(cls.name, def), def.label ?? def.name);
    } catch (failure) {
      const error = toApiError(failure);
      const key = attributeErrorKey(error.field);
      if (key) setErrors({ [key]: error.message });
      else setFormError(error.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Add attribute to ${cls.label}`}
      description="Subclasses inherit it. Existing CIs keep working; new and edited CIs are validated against it."
      dismissible={!busy}
      onSubmit={() => void save()}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={busy}>
            Add attribute
          </Button>
        </>
      }
    >
      {formError ? <Alert tone="danger">{formError}</Alert> : null}
      <AttributeFields value={draft} errors={errors} onChange={(patch) => setDraft((current) => ({ ...current, ...patch }))} />
    </Modal>
  );
}
