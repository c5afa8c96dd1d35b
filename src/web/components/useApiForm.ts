import { useCallback, useState } from "react";
import { toApiError, type ApiError } from "../api/client";

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/** Normalises a server field name ("/email", "body.email") to the form's key ("email"). */
function fieldKey(field: string): string {
  const parts = field.split(/[./]/).filter(Boolean);
  return parts[parts.length - 1] ?? field;
}

export interface ApiForm<F extends string> {
  errors: FieldErrors<F>;
  /** An error that belongs to no single field, shown at the top of the form. */
  formError: string | null;
  busy: boolean;
  /** Runs client checks, then the action; server errors land on their field or the form. */
  submit: (action: () => Promise<void>, validate?: () => FieldErrors<F>) => Promise<void>;
  clearError: (field: F) => void;
  reset: () => void;
  /** Puts a server error on its field when the form has one, else on the form. */
  showError: (error: ApiError) => void;
}

/**
 * Form state shared by every dialog: busy flag, per-field errors (from client checks or the
 * server's details.field) and a form-level error; focuses the first invalid field.
 */
export function useApiForm<F extends string>(fields: readonly F[]): ApiForm<F> {
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const focusFirstInvalid = () =>
    requestAnimationFrame(() => {
      document.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
    });

  const showError = useCallback(
    (error: ApiError) => {
      const key = error.field ? fieldKey(error.field) : undefined;
      if (key && (fields as readonly string[]).includes(key)) {
        setErrors({ [key]: error.message } as FieldErrors<F>);
        setFormError(null);
        focusFirstInvalid();
      } else {
        setErrors({});
        setFormError(error.message);
      }
    },
    // fields is a constant list per form
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );

  const submit = useCallback(
    async (action: () => Promise<void>, validate?: () => FieldErrors<F>) => {
      const found = validate?.() ?? {};
      if (Object.values(found).some(Boolean)) {
        setErrors(found);
        setFormError(null);
        focusFirstInvalid();
        return;
      }
      setErrors({});
      setFormError(null);
      setBusy(true);
      try {
        await action();
      } catch (failure) {
        showError(toApiError(failure));
      } finally {
        setBusy(false);
      }
    },
    [showError],
  );

  const clearError = useCallback((field: F) => {
    setErrors((current) => {
      if (!current[field]) return current;
      const next = { ...current };
      delete next[field];
      return next;
    });
  }, []);

  const reset = useCallback(() => {
    setErrors({});
    setFormError(null);
    setBusy(false);
  }, []);

  return { errors, formError, busy, submit, clearError, reset, showError };
}

/** A loose email check for instant feedback; the server has the final word. */
export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
}
