import { Button } from "./components/Button";
import { EmptyState } from "./components/EmptyState";
import { Logo } from "./components/Icon";
import { Spinner } from "./components/Spinner";
import { ToastProvider } from "./components/Toast";
import { LoginPage } from "./features/auth/LoginPage";
import { AuthProvider, useAuth } from "./features/auth/session";
import { SetupPage } from "./features/auth/SetupPage";
import { RouterProvider } from "./router";
import { AppShell } from "./shell/AppShell";

/** Chooses between setup, sign-in and the app from the auth state. */
function Gate() {
  const { state, retry } = useAuth();
  switch (state.status) {
    case "loading":
      return (
        <div className="boot-screen" aria-busy="true">
          <Logo size={40} />
          <Spinner size={18} label="Starting OpsDesk" />
        </div>
      );
    case "setup":
      return <SetupPage />;
    case "signed-out":
      return <LoginPage notice={state.notice} />;
    case "unavailable":
      return (
        <div className="boot-screen">
          <EmptyState
            icon="alert"
            title="OpsDesk is not reachable"
            description={`${state.error.message} If the server was just restarted, it may need a few seconds.`}
            action={
              <Button variant="primary" onClick={retry}>
                Try again
              </Button>
            }
          />
        </div>
      );
    case "signed-in":
      return <AppShell />;
  }
}

/** The whole web app: providers around the gate. */
export function App() {
  return (
    <RouterProvider>
      <ToastProvider>
        <AuthProvider>
          <Gate />
        </AuthProvider>
      </ToastProvider>
    </RouterProvider>
  );
}
