import type { CiAttributeDef, CiAttributeType } from "../../../api/types";
import { Checkbox, Field, Input, Select } from "../../../components/Field";

export interface AttributeDraft {
  name: string;
  label: string;
  type: CiAttributeType;
  required: boolean;
  allowedValues: string;
}

export const EMPTY_ATTRIBUTE: AttributeDraft = { name: "", label: "", type: "string", required: false, allowedValues: "" };

const TYPES: { value: CiAttributeType; label: string }[] = [
  { value: "string", label: "Text" },
  { value: "number", label: "Number" },
  { value: "boolean", label: "Yes / no" },
  { value: "date", label: "Date" },
  { value: "enum", label: "One of a list" },
];

/** A draft to the API's attribute definition. */
export function toAttributeDef(draft: AttributeDraft): CiAttributeDef {
  const def: CiAttributeDef = { name: draft.name.trim(), type: draft.type, required: draft.required };
  if (draft.label.trim()) def.label = draft.label.trim();
  if (draft.type === "enum") def.allowedValues = draft.allowedValues.split(",").map((v) => v.trim()).filter(Boolean);
  return def;
}

/** Turns "Label text" into a machine name suggestion. */
export function machineName(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+/, "")
    .replace(/_+$/, "")
    .slice(0, 64);
}

export interface AttributeFieldsProps {
  value: AttributeDraft;
  onChange: (patch: Partial<AttributeDraft>) => void;
  errors: Partial<Record<keyof AttributeDraft, string>>;
}

/** The inputs of one attribute definition: label, machine name, type, allowed values, required. */
export function AttributeFields({ value, onChange, errors }: AttributeFieldsProps) {
  return (
    <>
      <div className="form-grid">
        <Field label="Label" error={errors.label} hint="What people see, e.g. “Patch level”.">
          <Input
            autoComplete="off"
            value={value.label}
            onChange={(event) => {
              const label = event.target.value;
              const follow = !value.name || value.name === machineName(value.label);
              onChange(follow ? { label, name: machineName(label) } : { label });
            }}
          />
        </Field>
        <Field label="Machine name" required error={errors.name} hint="a-z, 0-9 and _, starting with a letter.">
          <Input autoComplete="off" className="mono" value={value.name} onChange={(event) => onChange({ name: event.target.value })} />
        </Field>
        <Field label="Type" error={errors.type}>
          <Select value={value.type} options={TYPES} onChange={(event) => onChange({ type: event.target.value as CiAttributeType })} />
        </Field>
        {value.type === "enum" ? (
          <Field label="Allowed values" required error={errors.allowedValues} hint="Separated by commas.">
            <Input autoComplete="off" value={value.allowedValues} onChange={(event) => onChange({ allowedValues: event.target.value })} />
          </Field>
        ) : null}
      </div>
      <Checkbox
        label="Required"
        description="Every CI of the class must have a value. Classes that already have CIs take new attributes as optional."
        checked={value.required}
        onChange={(event) => onChange({ required: event.target.checked })}
      />
    </>
  );
}

/** Server field paths ("attributes.0.name", "allowedValues") to an attribute draft key. */
export function attributeErrorKey(field: string | undefined): keyof AttributeDraft | undefined {
  const last = field?.split(/[./]/).filter(Boolean).pop();
  return last === "name" || last === "label" || last === "type" || last === "allowedValues" || last === "required" ? last : undefined;
}
