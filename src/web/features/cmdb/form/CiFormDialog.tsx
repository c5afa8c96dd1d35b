import { useEffect, useMemo, useState } from "react";
import { createCi, updateCi, type CiInput } from "../../../api/cmdb";
import { toApiError } from "../../../api/client";
import type { Ci, CiAttributeValue, CiCriticality, CiIdentifiers, CiLifecycleStatus, CiOperationalStatus } from "../../../api/types";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { Field, Input, Select } from "../../../components/Field";
import { Modal } from "../../../components/Modal";
import { COMMON_ENVIRONMENTS, CRITICALITIES, IDENTIFIER_FIELDS, LIFECYCLE_STATUSES, OPERATIONAL_STATUSES, optionsOf, type IdentifierKey } from "../ciMeta";
import { useCatalog, useCmdbAccess, useGroups } from "../useCmdb";
import { AttributeInput, attributeText, attributeValue } from "./AttributeInput";

interface Values {
  class: string;
  name: string;
  lifecycleStatus: CiLifecycleStatus;
  operationalStatus: CiOperationalStatus;
  environment: string;
  criticality: string;
  ownerGroupId: string;
  supportGroupId: string;
  attributes: Record<string, string>;
  identifiers: Record<IdentifierKey, string>;
}

function identifierText(ids: CiIdentifiers, key: IdentifierKey): string {
  const value = ids[key];
  return Array.isArray(value) ? value.join(", ") : (value ?? "");
}

function initialValues(ci: Ci | null, defaultClass: string | undefined): Values {
  const identifiers = Object.fromEntries(IDENTIFIER_FIELDS.map(({ key }) => [key, ci ? identifierText(ci.identifiers, key) : ""])) as Record<IdentifierKey, string>;
  return {
    class: ci?.class ?? defaultClass ?? "",
    name: ci?.name ?? "",
    lifecycleStatus: ci?.lifecycleStatus ?? "in_service",
    operationalStatus: ci?.operationalStatus ?? "unknown",
    environment: ci?.environment ?? "",
    criticality: ci?.criticality ?? "",
    ownerGroupId: ci?.ownerGroupId ?? "",
    supportGroupId: ci?.supportGroupId ?? "",
    attributes: Object.fromEntries(Object.entries(ci?.attributes ?? {}).map(([key, value]) => [key, attributeText(value)])),
    identifiers,
  };
}

/** Server field paths ("identifiers.ipAddresses.0", "/name") to the form's keys. */
function errorKey(field: string): string {
  const parts = field.split(/[./]/).filter(Boolean);
  if (parts[0] === "attributes" || parts[0] === "identifiers") return parts.slice(0, 2).join(".");
  return parts[0] ?? field;
}

const list = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);

export interface CiFormDialogProps {
  open: boolean;
  /** The CI to edit; null creates one. */
  ci: Ci | null;
  /** Class preselected when creating, e.g. the one being browsed. */
  defaultClass?: string;
  onClose: () => void;
  onSaved: (ci: Ci) => void;
}

/**
 * Creates or edits a CI. The attribute inputs are generated from the chosen class (own and
 * inherited attributes); the server validates, and a 400 naming `attributes.x` lands on that input.
 */
export function CiFormDialog({ open, ci, defaultClass, onClose, onSaved }: CiFormDialogProps) {
  const catalog = useCatalog();
  const { canSeeGroups } = useCmdbAccess();
  const { groups } = useGroups(canSeeGroups && open);
  const [values, setValues] = useState<Values>(() => initialValues(ci, defaultClass));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const editing = ci !== null;
  const cls = catalog.byName.get(values.class);
  const classOptions = useMemo(
    () => [...catalog.classes].sort((a, b) => a.label.localeCompare(b.label)).map((c) => ({ value: c.name, label: c.label })),
    [catalog.classes],
  );

  useEffect(() => {
    if (!open) return;
    setValues(initialValues(ci, defaultClass));
    setErrors({});
    setFormError(null);
    setBusy(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, ci]);

  const clear = (key: string) =>
    setErrors((current) => {
      if (!current[key]) return current;
      const next = { ...current };
      delete next[key];
      return next;
    });
  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((current) => ({ ...current, [key]: value }));
    clear(key);
  };
  const setAttribute = (name: string, value: string) => {
    setValues((current) => ({ ...current, attributes: { ...current.attributes, [name]: value } }));
    clear(`attributes.${name}`);
  };
  const setIdentifier = (key: IdentifierKey, value: string) => {
    setValues((current) => ({ ...current, identifiers: { ...current.identifiers, [key]: value } }));
    clear(`identifiers.${key}`);
  };

  const focusFirstInvalid = () =>
    requestAnimationFrame(() => document.querySelector<HTMLElement>(".modal [aria-invalid='true']")?.focus());

  function buildIdentifiers(): { identifiers: CiIdentifiers; problems: Record<string, string> } {
    const identifiers: Record<string, string | string[]> = {};
    const problems: Record<string, string> = {};
    for (const { key, list: isList } of IDENTIFIER_FIELDS) {
      const text = values.identifiers[key].trim();
      const before = ci ? identifierText(ci.identifiers, key) : "";
      if (text === before.trim()) continue;
      if (isList) identifiers[key] = list(text);
      else if (text) identifiers[key] = text;
      else problems[`identifiers.${key}`] = "A single-valued identifier cannot be removed here yet; replace it with the right value.";
    }
    return { identifiers: identifiers as CiIdentifiers, problems };
  }

  function buildAttributes(): Record<string, CiAttributeValue> {
    const out: Record<string, CiAttributeValue> = {};
    for (const def of cls?.allAttributes ?? []) {
      const value = attributeValue(def, values.attributes[def.name] ?? "");
      const before = ci ? attributeValue(def, attributeText(ci.attributes[def.name])) : null;
      if (editing ? value !== before : value !== null) out[def.name] = value;
    }
    return out;
  }

  async function save() {
    const problems: Record<string, string> = {};
    if (!values.class) problems.class = "Choose a class.";
    if (!values.name.trim()) problems.name = "Enter a name.";
    const { identifiers, problems: idProblems } = buildIdentifiers();
    Object.assign(problems, idProblems);
    if (Object.keys(problems).length) {
      setErrors(problems);
      setFormError(null);
      focusFirstInvalid();
      return;
    }
    const attributes = buildAttributes();
    const full: CiInput = {
      class: values.class,
      name: values.name.trim(),
      lifecycleStatus: values.lifecycleStatus,
      operationalStatus: values.operationalStatus,
      environment: values.environment.trim() || null,
      criticality: (values.criticality || null) as CiCriticality | null,
      ownerGroupId: values.ownerGroupId || null,
      supportGroupId: values.supportGroupId || null,
    };
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      if (!editing) {
        const input: CiInput = { ...full };
        if (Object.keys(attributes).length) input.attributes = attributes;
        if (Object.keys(identifiers).length) input.identifiers = identifiers;
        if (!input.environment) delete input.environment;
        if (!input.criticality) delete input.criticality;
        if (!input.ownerGroupId) delete input.ownerGroupId;
        if (!input.supportGroupId) delete input.supportGroupId;
        onSaved(await createCi(input));
        return;
      }
      const patch: Partial<CiInput> = {};
      const record = patch as Record<string, unknown>;
      for (const key of ["name", "lifecycleStatus", "operationalStatus", "environment", "criticality", "ownerGroupId", "supportGroupId"] as const) {
        if (full[key] !== (ci[key] ?? null)) record[key] = full[key];
      }
      if (Object.keys(attributes).length) patch.attributes = attributes;
      if (Object.keys(identifiers).length) patch.identifiers = identifiers;
      if (Object.keys(patch).length === 0) {
        onClose();
        return;
      }
      onSaved(await updateCi(ci.id, patch));
    } catch (failure) {
      const error = toApiError(failure);
      const key = error.field ? errorKey(error.field) : undefined;
      const shown = key && (["class", "name", "lifecycleStatus", "operationalStatus", "environment", "criticality", "ownerGroupId", "supportGroupId"].includes(key) || key.startsWith("attributes.") || key.startsWith("identifiers."));
      // an attribute the form does not show (e.g. removed from the class) still needs saying
      const known = key?.startsWith("attributes.") ? cls?.allAttributes.some((a) => `attributes.${a.name}` === key) : true;
      if (key && shown && known) {
        setErrors({ [key]: error.message });
        focusFirstInvalid();
      } else {
        setFormError(error.message);
      }
    } finally {
      setBusy(false);
    }
  }

  const attributes = cls?.allAttributes ?? [];
  const groupOptions = groups.map((group) => ({ value: group.id, label: group.name }));

  return (
    <Modal
      open={open}
      onClose={onClose}
      size="lg"
      title={editing ? `Edit ${ci.name}` : "New configuration item"}
      dismissible={!busy}
      onSubmit={() => void save()}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={busy}>
            {editing ? "Save changes" : "Create CI"}
          </Button>
        </>
      }
    >
      {formError ? <Alert tone="danger">{formError}</Alert> : null}
      {catalog.error ? <Alert tone="danger">{catalog.error.message}</Alert> : null}
      <div className="form-grid">
        <Field label="Class" required error={errors.class} hint={cls?.description || "Decides which attributes the CI has."}>
          <Select
            value={values.class}
            placeholder="Choose a class"
            options={classOptions}
            disabled={editing}
            onChange={(event) => set("class", event.target.value)}
          />
        </Field>
        <Field label="Name" required error={errors.name}>
          <Input autoComplete="off" value={values.name} onChange={(event) => set("name", event.target.value)} />
        </Field>
        <Field label="Lifecycle status" error={errors.lifecycleStatus}>
          <Select
            value={values.lifecycleStatus}
            options={optionsOf(LIFECYCLE_STATUSES)}
            onChange={(event) => set("lifecycleStatus", event.target.value as CiLifecycleStatus)}
          />
        </Field>
        <Field label="Operational status" error={errors.operationalStatus} hint="Monitoring and events will keep this current.">
          <Select
            value={values.operationalStatus}
            options={optionsOf(OPERATIONAL_STATUSES)}
            onChange={(event) => set("operationalStatus", event.target.value as CiOperationalStatus)}
          />
        </Field>
        <Field label="Environment" aside="Optional" error={errors.environment}>
          <Input list="cmdb-environments" autoComplete="off" value={values.environment} onChange={(event) => set("environment", event.target.value)} />
        </Field>
        <datalist id="cmdb-environments">
          {COMMON_ENVIRONMENTS.map((environment) => (
            <option key={environment} value={environment} />
          ))}
        </datalist>
        <Field label="Criticality" aside="Optional" error={errors.criticality}>
          <Select value={values.criticality} placeholder="Not set" options={optionsOf(CRITICALITIES)} onChange={(event) => set("criticality", event.target.value)} />
        </Field>
        {canSeeGroups ? (
          <>
            <Field label="Owner group" aside="Optional" error={errors.ownerGroupId}>
              <Select value={values.ownerGroupId} placeholder="None" options={groupOptions} onChange={(event) => set("ownerGroupId", event.target.value)} />
            </Field>
            <Field label="Support group" aside="Optional" error={errors.supportGroupId}>
              <Select value={values.supportGroupId} placeholder="None" options={groupOptions} onChange={(event) => set("supportGroupId", event.target.value)} />
            </Field>
          </>
        ) : null}
      </div>

      {cls ? (
        <>
          <h3 className="form-section-title">{cls.label} attributes</h3>
          {attributes.length === 0 ? (
            <p className="subtle">This class declares no attributes.</p>
          ) : (
            <div className="form-grid">
              {attributes.map((def) => (
                <AttributeInput
                  key={def.name}
                  id={`ci-attr-${def.name}`}
                  def={def}
                  value={values.attributes[def.name] ?? ""}
                  error={errors[`attributes.${def.name}`]}
                  inheritedLabel={def.inheritedFrom ? catalog.classLabel(def.inheritedFrom) : undefined}
                  onChange={(value) => setAttribute(def.name, value)}
                />
              ))}
            </div>
          )}
          <h3 className="form-section-title">Identifiers</h3>
          <p className="subtle" style={{ margin: 0 }}>
            How discovery, imports and events recognise this CI. Separate several addresses with commas.
          </p>
          <div className="form-grid">
            {IDENTIFIER_FIELDS.map(({ key, label }) => (
              <Field key={key} label={label} aside="Optional" error={errors[`identifiers.${key}`]}>
                <Input autoComplete="off" value={values.identifiers[key]} onChange={(event) => setIdentifier(key, event.target.value)} />
              </Field>
            ))}
          </div>
        </>
      ) : null}
    </Modal>
  );
}
