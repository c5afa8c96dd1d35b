import { useState } from "react";
import { login } from "../../api/auth";
import { toApiError } from "../../api/client";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Field, Input } from "../../components/Field";
import { looksLikeEmail } from "../../components/useApiForm";
import { AuthLayout } from "./AuthLayout";
import { useAuth } from "./session";

function throttledMessage(retryAfter: unknown): string {
  if (typeof retryAfter !== "number" || retryAfter <= 0) return "Too many attempts. Wait a while, then try again.";
  const minutes = Math.ceil(retryAfter / 60);
  const wait = retryAfter < 60 ? "a minute" : minutes === 1 ? "1 minute" : `${minutes} minutes`;
  return `Too many attempts. Try again in ${wait}.`;
}

/** Email and password sign-in; shows the server's (deliberately generic) reason on failure. */
export function LoginPage({ notice }: { notice?: string }) {
  const { signedIn } = useAuth();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<{ email?: string; password?: string }>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    const found: typeof errors = {};
    if (!looksLikeEmail(email)) found.email = "Enter the email address of your account.";
    if (!password) found.password = "Enter your password.";
    setErrors(found);
    if (found.email || found.password) {
      document.getElementById(found.email ? "login-email" : "login-password")?.focus();
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      signedIn(await login({ email: email.trim(), password }));
    } catch (caught) {
      const error = toApiError(caught);
      setBusy(false);
      setPassword("");
      if (error.status === 429) setFailure(throttledMessage(error.details.retryAfterSeconds));
      else setFailure(error.message);
      document.getElementById("login-password")?.focus();
    }
  }

  return (
    <AuthLayout title="Sign in to OpsDesk" subtitle="Welcome back. Use the email address your administrator registered.">
      <form
        className="auth-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        {notice && !failure ? <Alert tone="info">{notice}</Alert> : null}
        {failure ? <Alert tone="danger">{failure}</Alert> : null}
        <Field label="Email" error={errors.email} id="login-email">
          <Input
            type="email"
            autoComplete="username"
            autoFocus
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </Field>
        <Field label="Password" error={errors.password} id="login-password">
          <Input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </Field>
        <Button type="submit" variant="primary" loading={busy}>
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
