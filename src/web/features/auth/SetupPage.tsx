import { useState } from "react";
import { runSetup } from "../../api/auth";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Field, Input } from "../../components/Field";
import { looksLikeEmail, useApiForm } from "../../components/useApiForm";
import { useRouter } from "../../router";
import { AuthLayout } from "./AuthLayout";
import { useAuth } from "./session";

const FIELDS = ["name", "email", "password", "confirm"] as const;

/** One-time first run: creates the first administrator, who is then signed in. */
export function SetupPage() {
  const { signedIn, retry } = useAuth();
  const { navigate } = useRouter();
  const form = useApiForm(FIELDS);
  const [values, setValues] = useState({ name: "", email: "", password: "", confirm: "" });
  const [alreadyDone, setAlreadyDone] = useState(false);

  const set = (field: (typeof FIELDS)[number]) => (event: { target: { value: string } }) => {
    setValues((current) => ({ ...current, [field]: event.target.value }));
    form.clearError(field);
  };

  function validate() {
    return {
      name: values.name.trim() ? undefined : "Enter your name.",
      email: looksLikeEmail(values.email) ? undefined : "Enter a valid email address.",
      password: values.password.length >= 8 ? undefined : "Use at least 8 characters.",
      confirm: values.confirm === values.password ? undefined : "The passwords do not match.",
    };
  }

  return (
    <AuthLayout
      title="Create the administrator account"
      subtitle="OpsDesk is installed. This first account can manage users, groups and settings; this page is shown only once."
      footer="You can invite the rest of your team once you are in."
    >
      <form
        className="auth-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void form.submit(async () => {
            try {
              const session = await runSetup({ name: values.name.trim(), email: values.email.trim(), password: values.password });
              navigate("/", { replace: true });
              signedIn(session);
            } catch (error) {
              if ((error as { code?: string }).code === "setup.already_done") {
                setAlreadyDone(true);
                return;
              }
              throw error;
            }
          }, validate);
        }}
      >
        {alreadyDone ? (
          <Alert tone="warning" title="Setup is already done">
            Someone completed it a moment ago.{" "}
            <button type="button" className="link-button" onClick={retry}>
              Go to sign in
            </button>
          </Alert>
        ) : null}
        {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
        <Field label="Name" error={form.errors.name}>
          <Input autoComplete="name" autoFocus value={values.name} onChange={set("name")} />
        </Field>
        <Field label="Email" error={form.errors.email}>
          <Input type="email" autoComplete="email" value={values.email} onChange={set("email")} />
        </Field>
        <Field label="Password" error={form.errors.password} hint="At least 8 characters. A passphrase is easier to remember.">
          <Input type="password" autoComplete="new-password" value={values.password} onChange={set("password")} />
        </Field>
        <Field label="Confirm password" error={form.errors.confirm}>
          <Input type="password" autoComplete="new-password" value={values.confirm} onChange={set("confirm")} />
        </Field>
        <Button type="submit" variant="primary" loading={form.busy} disabled={alreadyDone}>
          Create account and sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
