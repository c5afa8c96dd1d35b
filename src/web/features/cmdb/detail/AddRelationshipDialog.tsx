import { useEffect, useMemo, useState } from "react";
import { createRelationship } from "../../../api/cmdb";
import { toApiError } from "../../../api/client";
import type { Ci, RelationshipType } from "../../../api/types";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { Field, Select } from "../../../components/Field";
import { Modal } from "../../../components/Modal";
import { CiPicker } from "./CiPicker";

export interface AddRelationshipDialogProps {
  open: boolean;
  ci: Ci;
  types: RelationshipType[];
  classLabel: (name: string) => string;
  onClose: () => void;
  onAdded: (description: string) => void;
}

/**
 * The relationship editor: a type read from this CI ("depends on", or its reverse "used by")
 * and the CI at the other end, picked by search.
 */
export function AddRelationshipDialog({ open, ci, types, classLabel, onClose, onAdded }: AddRelationshipDialogProps) {
  const [choice, setChoice] = useState("");
  const [target, setTarget] = useState<Ci | null>(null);
  const [errors, setErrors] = useState<{ type?: string; target?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const exclude = useMemo(() => new Map([[ci.id, "This CI"]]), [ci.id]);

  useEffect(() => {
    if (!open) return;
    setChoice("");
    setTarget(null);
    setErrors({});
    setFormError(null);
    setBusy(false);
  }, [open]);

  // each type twice: as this CI the source ("depends on") and as this CI the target ("used by")
  const options = types.flatMap((type) => [
    { value: `out:${type.name}`, label: `${ci.name} ${type.label} …` },
    { value: `in:${type.name}`, label: `${ci.name} ${type.reverseLabel} …` },
  ]);

  async function save() {
    const problems = { type: choice ? undefined : "Choose how the CIs relate.", target: target ? undefined : "Pick the other CI." };
    if (problems.type || problems.target) {
      setErrors(problems);
      return;
    }
    const [direction, typeName] = choice.split(":") as ["out" | "in", string];
    const other = target!;
    const type = types.find((t) => t.name === typeName)!;
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      await createRelationship(direction === "out" ? { sourceId: ci.id, type: typeName, targetId: other.id } : { sourceId: other.id, type: typeName, targetId: ci.id });
      onAdded(`${ci.name} ${direction === "out" ? type.label : type.reverseLabel} ${other.name}`);
    } catch (failure) {
      const error = toApiError(failure);
      if (error.field === "type") setErrors({ type: error.message });
      else if (error.field === "targetId" || error.field === "sourceId") setErrors({ target: error.message });
      else setFormError(error.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Add relationship"
      description={`Relate ${ci.name} to another configuration item.`}
      dismissible={!busy}
      onSubmit={() => void save()}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={busy}>
            Add relationship
          </Button>
        </>
      }
    >
      {formError ? <Alert tone="danger">{formError}</Alert> : null}
      <Field label="Relationship" required error={errors.type}>
        <Select
          value={choice}
          placeholder="Choose a relationship"
          options={options}
          onChange={(event) => {
            setChoice(event.target.value);
            setErrors((current) => ({ ...current, type: undefined }));
          }}
        />
      </Field>
      <CiPicker
        label="Related CI"
        value={target}
        exclude={exclude}
        classLabel={classLabel}
        error={errors.target}
        onChange={(picked) => {
          setTarget(picked);
          setErrors((current) => ({ ...current, target: undefined }));
        }}
      />
    </Modal>
  );
}
