import { Component, type ErrorInfo, type ReactNode } from "react";
import { Button } from "../components/Button";
import { EmptyState } from "../components/EmptyState";

interface State {
  error: Error | null;
}

/** Keeps one broken page from taking down the whole app, and offers a reload. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error("OpsDesk page crashed", error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    // a failed lazy chunk usually means a new version was deployed: reloading fixes it
    return (
      <EmptyState
        icon="alert"
        title="This page could not be shown"
        description={`Something went wrong while rendering it (${this.state.error.message}). Reloading usually helps; if it keeps happening, please report it.`}
        action={
          <Button variant="primary" onClick={() => window.location.reload()}>
            Reload page
          </Button>
        }
      />
    );
  }
}
