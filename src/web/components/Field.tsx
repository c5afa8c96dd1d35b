import {
  createContext,
  useContext,
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";
import { Icon } from "./Icon";
import "./Field.css";

interface FieldControl {
  id: string;
  describedBy: string | undefined;
  invalid: boolean;
  required: boolean;
}

const FieldContext = createContext<FieldControl | null>(null);

export interface FieldProps {
  label: ReactNode;
  /** Shown under the control in red and announced; marks the control invalid. */
  error?: string;
  hint?: ReactNode;
  required?: boolean;
  /** Text shown next to the label, e.g. "Optional". */
  aside?: ReactNode;
  className?: string;
  /** The control's id, when something else needs to refer to it; generated otherwise. */
  id?: string;
  children: ReactNode;
}

/**
 * A label, a control, a hint and an error, wired together: the control inside (Input,
 * Select, Textarea) picks up its id, aria-describedby and aria-invalid from here.
 */
export function Field({ label, error, hint, required = false, aside, className, id: givenId, children }: FieldProps) {
  const generatedId = useId();
  const id = givenId ?? generatedId;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={["field", error ? "field-invalid" : "", className].filter(Boolean).join(" ")}>
      <div className="field-label-row">
        <label className="field-label" htmlFor={id}>
          {label}
          {required ? (
            <span className="field-required" aria-hidden="true">
              *
            </span>
          ) : null}
        </label>
        {aside ? <span className="field-aside">{aside}</span> : null}
      </div>
      <FieldContext.Provider value={{ id, describedBy, invalid: Boolean(error), required }}>{children}</FieldContext.Provider>
      {error ? (
        <p className="field-error" id={errorId}>
          <Icon name="alert" size={13} />
          {error}
        </p>
      ) : null}
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

function useFieldControl(props: { id?: string; required?: boolean; "aria-describedby"?: string; "aria-invalid"?: unknown }) {
  const field = useContext(FieldContext);
  return {
    // inside a Field the label points at the Field's id, so that one wins
    id: field?.id ?? props.id,
    required: props.required ?? field?.required ?? undefined,
    "aria-describedby": props["aria-describedby"] ?? field?.describedBy,
    "aria-invalid": (props["aria-invalid"] as boolean | undefined) ?? (field?.invalid ? true : undefined),
  };
}

export interface InputProps extends InputHTMLAttributes<HTMLInputElement> {
  ref?: Ref<HTMLInputElement>;
}

/** A text-like input; inside a Field it is labelled automatically. */
export function Input({ className, ...props }: InputProps) {
  const control = useFieldControl(props);
  return <input {...props} {...control} className={["input", className].filter(Boolean).join(" ")} />;
}

export interface TextareaProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  ref?: Ref<HTMLTextAreaElement>;
}

/** A multi-line text input. */
export function Textarea({ className, rows = 3, ...props }: TextareaProps) {
  const control = useFieldControl(props);
  return <textarea rows={rows} {...props} {...control} className={["input", "textarea", className].filter(Boolean).join(" ")} />;
}

export interface SelectOption {
  value: string;
  label: string;
}

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, "children"> {
  options: SelectOption[];
  /** An extra first option, e.g. "All roles", with the empty value. */
  placeholder?: string;
  ref?: Ref<HTMLSelectElement>;
}

/** A native select, styled like the inputs. */
export function Select({ className, options, placeholder, ...props }: SelectProps) {
  const control = useFieldControl(props);
  return (
    <span className={["select-wrap", className].filter(Boolean).join(" ")}>
      <select {...props} {...control} className="input select">
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <Icon name="chevronDown" size={14} className="select-chevron" />
    </span>
  );
}

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "type"> {
  label: ReactNode;
  description?: ReactNode;
}

/** A checkbox with its label on the right and an optional description below. */
export function Checkbox({ label, description, className, id, ...props }: CheckboxProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const descriptionId = description ? `${inputId}-desc` : undefined;
  return (
    <div className={["checkbox", className].filter(Boolean).join(" ")}>
      <input {...props} id={inputId} type="checkbox" aria-describedby={descriptionId} />
      <div>
        <label htmlFor={inputId}>{label}</label>
        {description ? (
          <p className="field-hint" id={descriptionId}>
            {description}
          </p>
        ) : null}
      </div>
    </div>
  );
}
