import { useEffect, useState } from "react";
import { createClass, type CiClassInput } from "../../../api/cmdb";
import { toApiError } from "../../../api/client";
import type { CiClass } from "../../../api/types";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { Field, Input, Select, Textarea } from "../../../components/Field";
import { Modal } from "../../../components/Modal";
import { machineName } from "./AttributeFields";

const FIELDS = ["name", "label", "parent", "description"] as const;
type FieldName = (typeof FIELDS)[number];

export interface ClassFormDialogProps {
  open: boolean;
  classes: CiClass[];
  defaultParent?: string;
  onClose: () => void;
  onSaved: (cls: CiClass) => void;
}

/** Creates a CI class under a parent (or at the top); attributes are added afterwards. */
export function ClassFormDialog({ open, classes, defaultParent, onClose, onSaved }: ClassFormDialogProps) {
  const [values, setValues] = useState({ name: "", label: "", parent: "", description: "" });
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    setValues({ name: "", label: "", parent: defaultParent ?? "", description: "" });
    setErrors({});
    setFormError(null);
    setBusy(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  async function save() {
    const problems: Partial<Record<FieldName, string>> = {};
    if (!values.label.trim()) problems.label = "Enter a label.";
    if (!values.name.trim()) problems.name = "Enter a machine name.";
    if (Object.keys(problems).length) {
      setErrors(problems);
      return;
    }
    const input: CiClassInput = { name: values.name.trim(), label: values.label.trim(), parent: values.parent || null };
    if (values.description.trim()) input.description = values.description.trim();
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      onSaved(await createClass(input));
    } catch (failure) {
      const error = toApiError(failure);
      const key = error.field?.split(/[./]/).filter(Boolean)[0] as FieldName | undefined;
      if (key && (FIELDS as readonly string[]).includes(key)) setErrors({ [key]: error.message });
      else setFormError(error.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      onClose={onClose}
      title="New CI class"
      dismissible={!busy}
      onSubmit={() => void save()}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={busy}>
            Create class
          </Button>
        </>
      }
    >
      {formError ? <Alert tone="danger">{formError}</Alert> : null}
      <Field label="Label" required error={errors.label} hint="e.g. “Message queue”.">
        <Input
          autoComplete="off"
          value={values.label}
          onChange={(event) => {
            const label = event.target.value;
            setValues((current) => ({
              ...current,
              label,
              name: !current.name || current.name === machineName(current.label) ? machineName(label) : current.name,
            }));
          }}
        />
      </Field>
      <Field label="Machine name" required error={errors.name} hint="a-z, 0-9 and _; used by the API and imports.">
        <Input autoComplete="off" className="mono" value={values.name} onChange={(event) => setValues((current) => ({ ...current, name: event.target.value }))} />
      </Field>
      <Field label="Parent class" aside="Optional" error={errors.parent} hint="The new class inherits its attributes and identification rules.">
        <Select
          value={values.parent}
          placeholder="None (top level)"
          options={[...classes].sort((a, b) => a.label.localeCompare(b.label)).map((c) => ({ value: c.name, label: c.label }))}
          onChange={(event) => setValues((current) => ({ ...current, parent: event.target.value }))}
        />
      </Field>
      <Field label="Description" aside="Optional" error={errors.description}>
        <Textarea value={values.description} onChange={(event) => setValues((current) => ({ ...current, description: event.target.value }))} />
      </Field>
    </Modal>
  );
}
