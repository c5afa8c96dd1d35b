import { useEffect, useState } from "react";
import { createRelationshipType } from "../../../api/cmdb";
import { toApiError } from "../../../api/client";
import type { ImpactDirection, RelationshipType } from "../../../api/types";
import { Alert } from "../../../components/Alert";
import { Badge } from "../../../components/Badge";
import { Button } from "../../../components/Button";
import { Field, Input, Select } from "../../../components/Field";
import { Modal } from "../../../components/Modal";
import { PageHeader } from "../../../components/PageHeader";
import { Table, type Column } from "../../../components/Table";
import { useToast } from "../../../components/Toast";
import { IMPACT_DIRECTIONS, optionsOf } from "../ciMeta";
import { CmdbLayout } from "../CmdbLayout";
import { invalidateCatalog, useCatalog, useCmdbAccess } from "../useCmdb";
import { machineName } from "./AttributeFields";

/** CMDB → Relationship types: how CIs can relate, read both ways, and which way impact travels. */
export function RelationshipTypesPage() {
  const catalog = useCatalog();
  const { canAdmin } = useCmdbAccess();
  const toast = useToast();
  const [open, setOpen] = useState(false);

  const columns: Column<RelationshipType>[] = [
    {
      key: "name",
      header: "Type",
      render: (type) => (
        <span className="ci-name-cell">
          <span className="ci-name">
            {type.label} / {type.reverseLabel}
          </span>
          <span className="ci-sub">
            <span className="code-tag">{type.name}</span>
          </span>
        </span>
      ),
    },
    { key: "reads", header: "Reads as", render: (type) => <span className="muted">A {type.label} B · B {type.reverseLabel} A</span> },
    {
      key: "impact",
      header: "Impact",
      render: (type) => (
        <span className="ci-name-cell">
          <span>{IMPACT_DIRECTIONS[type.impact].label}</span>
          <span className="ci-sub">{IMPACT_DIRECTIONS[type.impact].hint}</span>
        </span>
      ),
    },
    { key: "builtin", header: "Origin", render: (type) => (type.builtin ? <Badge>Built in</Badge> : <Badge tone="accent">Custom</Badge>) },
  ];

  return (
    <CmdbLayout>
      <PageHeader
        title="Relationship types"
        description="Typed, directional links between CIs, named from both ends. The impact direction decides how a failure travels in impact analysis."
        actions={
          canAdmin ? (
            <Button variant="primary" icon="plus" onClick={() => setOpen(true)}>
              New relationship type
            </Button>
          ) : null
        }
      />
      {catalog.error ? (
        <Alert tone="danger" title="Relationship types could not be loaded">
          {catalog.error.message}
        </Alert>
      ) : (
        <Table caption="Relationship types" columns={columns} rows={catalog.types} rowKey={(type) => type.name} loading={catalog.loading} />
      )}
      <RelationshipTypeDialog
        open={open}
        onClose={() => setOpen(false)}
        onSaved={(type) => {
          setOpen(false);
          toast.success("Relationship type added", `${type.label} / ${type.reverseLabel}`);
          invalidateCatalog();
        }}
      />
    </CmdbLayout>
  );
}

const FIELDS = ["name", "label", "reverseLabel", "impact"] as const;
type FieldName = (typeof FIELDS)[number];

function RelationshipTypeDialog({ open, onClose, onSaved }: { open: boolean; onClose: () => void; onSaved: (type: RelationshipType) => void }) {
  const [values, setValues] = useState({ name: "", label: "", reverseLabel: "", impact: "target_to_source" as ImpactDirection });
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    setValues({ name: "", label: "", reverseLabel: "", impact: "target_to_source" });
    setErrors({});
    setFormError(null);
    setBusy(false);
  }, [open]);

  async function save() {
    const problems: Partial<Record<FieldName, string>> = {};
    if (!values.label.trim()) problems.label = "Enter how it reads from the source, e.g. “backs up”.";
    if (!values.reverseLabel.trim()) problems.reverseLabel = "Enter how it reads from the target, e.g. “backed up by”.";
    if (!values.name.trim()) problems.name = "Enter a machine name.";
    if (Object.keys(problems).length) {
      setErrors(problems);
      return;
    }
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      onSaved(await createRelationshipType({ name: values.name.trim(), label: values.label.trim(), reverseLabel: values.reverseLabel.trim(), impact: values.impact }));
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
      title="New relationship type"
      dismissible={!busy}
      onSubmit={() => void save()}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={busy}>
            Add type
          </Button>
        </>
      }
    >
      {formError ? <Alert tone="danger">{formError}</Alert> : null}
      <div className="form-grid">
        <Field label="Label" required error={errors.label} hint="Source to target: A … B">
          <Input
            autoComplete="off"
            value={values.label}
            onChange={(event) => {
              const label = event.target.value;
              setValues((current) => ({ ...current, label, name: !current.name || current.name === machineName(current.label) ? machineName(label) : current.name }));
            }}
          />
        </Field>
        <Field label="Reverse label" required error={errors.reverseLabel} hint="Target to source: B … A">
          <Input autoComplete="off" value={values.reverseLabel} onChange={(event) => setValues((current) => ({ ...current, reverseLabel: event.target.value }))} />
        </Field>
        <Field label="Machine name" required error={errors.name}>
          <Input autoComplete="off" className="mono" value={values.name} onChange={(event) => setValues((current) => ({ ...current, name: event.target.value }))} />
        </Field>
        <Field label="Impact" error={errors.impact} hint={IMPACT_DIRECTIONS[values.impact].hint}>
          <Select value={values.impact} options={optionsOf(IMPACT_DIRECTIONS)} onChange={(event) => setValues((current) => ({ ...current, impact: event.target.value as ImpactDirection }))} />
        </Field>
      </div>
    </Modal>
  );
}
