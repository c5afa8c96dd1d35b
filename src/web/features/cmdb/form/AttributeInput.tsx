import type { CiAttributeDef } from "../../../api/types";
import { Field, Input, Select } from "../../../components/Field";

/** A form value of an attribute: text for everything, so half-typed numbers survive. */
export type AttributeText = string;

export interface AttributeInputProps {
  def: CiAttributeDef & { inheritedFrom?: string | null };
  value: AttributeText;
  onChange: (value: AttributeText) => void;
  error?: string;
  /** Id the server's `attributes.<name>` error focuses. */
  id: string;
  inheritedLabel?: string;
}

const TYPE_HINTS: Record<CiAttributeDef["type"], string | undefined> = {
  string: undefined,
  number: "A number",
  boolean: undefined,
  date: undefined,
  enum: undefined,
};

/** One generated input per attribute type: text, number, yes/no, date or a list of allowed values. */
export function AttributeInput({ def, value, onChange, error, id, inheritedLabel }: AttributeInputProps) {
  const label = def.label ?? def.name;
  const hint = [TYPE_HINTS[def.type], inheritedLabel ? `From ${inheritedLabel}` : undefined].filter(Boolean).join(" · ") || undefined;
  let control;
  switch (def.type) {
    case "boolean":
      control = (
        <Select
          value={value}
          placeholder="Not set"
          options={[
            { value: "true", label: "Yes" },
            { value: "false", label: "No" },
          ]}
          onChange={(event) => onChange(event.target.value)}
        />
      );
      break;
    case "enum":
      control = (
        <Select
          value={value}
          placeholder="Not set"
          options={(def.allowedValues ?? []).map((allowed) => ({ value: allowed, label: allowed }))}
          onChange={(event) => onChange(event.target.value)}
        />
      );
      break;
    case "date":
      control = <Input type="date" value={value} onChange={(event) => onChange(event.target.value)} />;
      break;
    case "number":
      // text, not type=number: the server explains a bad value instead of the browser dropping it
      control = <Input inputMode="decimal" autoComplete="off" value={value} onChange={(event) => onChange(event.target.value)} />;
      break;
    default:
      control = <Input autoComplete="off" value={value} onChange={(event) => onChange(event.target.value)} />;
  }
  return (
    <Field id={id} label={label} required={def.required} error={error} hint={hint} aside={<span className="code-tag">{def.name}</span>}>
      {control}
    </Field>
  );
}

/** The form text of a stored attribute value. */
export function attributeText(value: unknown): AttributeText {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) return value.slice(0, 10);
  return String(value);
}

/** The value to send for a form text; unparsable numbers go as typed so the server names the problem. */
export function attributeValue(def: CiAttributeDef, text: AttributeText): string | number | boolean | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (def.type === "boolean") return trimmed === "true";
  if (def.type === "number") {
    const number = Number(trimmed);
    return Number.isFinite(number) ? number : trimmed;
  }
  return trimmed;
}
