import { Field, Input, Select, Textarea } from "../../components/Field";
import { humanize, ON_HOLD_LABELS, RESOLUTION_CODES } from "./ticketMeta";
import { ON_HOLD_REASONS, type TransitionInput } from "./ticketTypes";

/** Values typed into a transition form, keyed by body path ("resolutionCode", "change.outcome"). */
export type TransitionValues = Record<string, string>;

const CHANGE_OUTCOMES = ["successful", "successful_with_issues", "failed", "backed_out"];
const LONG_TEXT = new Set(["resolutionNotes", "reason", "comment", "workNote"]);
const DATE_TIME = /(Start|End)$/;

const LABELS: Record<string, string> = {
  onHoldReason: "On-hold reason",
  resolutionCode: "Resolution code",
  resolutionNotes: "Resolution notes",
  reason: "Reason",
  comment: "Public comment",
  workNote: "Work note",
  "change.outcome": "Outcome",
  "problem.rootCause": "Root cause",
  "problem.workaround": "Workaround",
  "problem.knownError": "Known error",
};

/** The label of a transition body field. */
export function transitionFieldLabel(path: string): string {
  return LABELS[path] ?? humanize(path.split(".").pop() ?? path);
}

/** Builds the transition body from the typed values: nested paths become nested objects. */
export function transitionBody(name: string, values: TransitionValues, version?: number): TransitionInput {
  const body: Record<string, unknown> = { transition: name };
  if (version !== undefined) body.version = version;
  for (const [path, raw] of Object.entries(values)) {
    const text = raw.trim();
    if (!text) continue;
    let value: unknown = text;
    if (path === "problem.knownError") value = text === "true";
    else if (DATE_TIME.test(path)) value = new Date(text).toISOString();
    const parts = path.split(".");
    let target = body;
    for (const part of parts.slice(0, -1)) {
      target[part] = (target[part] as Record<string, unknown> | undefined) ?? {};
      target = target[part] as Record<string, unknown>;
    }
    target[parts[parts.length - 1]!] = value;
  }
  return body as unknown as TransitionInput;
}

/** Which of the required fields are still empty. */
export function missingFields(requires: string[], values: TransitionValues): Record<string, string> {
  return Object.fromEntries(requires.filter((path) => !values[path]?.trim()).map((path) => [path, `${transitionFieldLabel(path)} is required`]));
}

/** The inputs of the fields a transition requires (and any extra the caller wants to offer). */
export function TransitionFields({
  fields,
  required,
  values,
  errors,
  onChange,
}: {
  fields: string[];
  required: string[];
  values: TransitionValues;
  errors: Record<string, string>;
  onChange: (path: string, value: string) => void;
}) {
  return (
    <>
      {fields.map((path) => {
        const common = {
          value: values[path] ?? "",
          onChange: (event: { target: { value: string } }) => onChange(path, event.target.value),
        };
        let control;
        if (path === "onHoldReason") {
          control = <Select {...common} placeholder="Choose a reason" options={ON_HOLD_REASONS.map((value) => ({ value, label: ON_HOLD_LABELS[value] }))} />;
        } else if (path === "change.outcome") {
          control = <Select {...common} placeholder="Choose an outcome" options={CHANGE_OUTCOMES.map((value) => ({ value, label: humanize(value) }))} />;
        } else if (path === "problem.knownError") {
          control = <Select {...common} placeholder="Choose" options={[{ value: "true", label: "Yes" }, { value: "false", label: "No" }]} />;
        } else if (path === "resolutionCode") {
          control = (
            <>
              <Input {...common} list="resolution-codes" autoComplete="off" />
              <datalist id="resolution-codes">
                {RESOLUTION_CODES.map((code) => (
                  <option key={code} value={code}>
                    {humanize(code)}
                  </option>
                ))}
              </datalist>
            </>
          );
        } else if (DATE_TIME.test(path)) {
          control = <Input {...common} type="datetime-local" />;
        } else if (LONG_TEXT.has(path) || path.startsWith("problem.") || path.startsWith("change.")) {
          control = <Textarea {...common} rows={3} />;
        } else {
          control = <Input {...common} />;
        }
        return (
          <Field key={path} label={transitionFieldLabel(path)} required={required.includes(path)} error={errors[path]}>
            {control}
          </Field>
        );
      })}
    </>
  );
}
