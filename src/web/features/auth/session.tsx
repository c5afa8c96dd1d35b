import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { getMe, getSetupStatus, logout } from "../../api/auth";
import { onSessionEnded, setCsrfToken, toApiError, type ApiError } from "../../api/client";
import type { Permission, Session, User } from "../../api/types";

/** Where the app is in its life: booting, first-run setup, signed out, signed in, or unable to start. */
export type AuthState =
  | { status: "loading" }
  | { status: "setup" }
  | { status: "signed-out"; notice?: string }
  | { status: "signed-in"; session: Session }
  | { status: "unavailable"; error: ApiError };

interface AuthValue {
  state: AuthState;
  /** Stores a session returned by login or setup. */
  signedIn: (session: Session) => void;
  signOut: () => Promise<void>;
  /** Replaces the signed-in user, e.g. after they edited themselves. */
  updateUser: (user: User) => void;
  retry: () => void;
}

const AuthContext = createContext<AuthValue | null>(null);

/** Finds out on load whether setup is needed or who is signed in, and keeps that state. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      try {
        const setup = await getSetupStatus(controller.signal);
        if (setup.needed) {
          setState({ status: "setup" });
          return;
        }
        const session = await getMe(controller.signal);
        setCsrfToken(session.csrfToken);
        setState({ status: "signed-in", session });
      } catch (failure) {
        if (controller.signal.aborted) return;
        const error = toApiError(failure);
        if (error.status === 401) setState({ status: "signed-out" });
        else setState({ status: "unavailable", error });
      }
    })();
    return () => controller.abort();
  }, [attempt]);

  // a 401 on any later call means the session is gone (expired, revoked, signed out elsewhere)
  useEffect(
    () =>
      onSessionEnded(() => {
        setCsrfToken(null);
        setState((current) =>
          current.status === "signed-in" ? { status: "signed-out", notice: "Your session has ended. Sign in again to continue." } : current,
        );
      }),
    [],
  );

  const signedIn = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ status: "signed-in", session });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await logout();
    } finally {
      setCsrfToken(null);
      setState({ status: "signed-out" });
    }
  }, []);

  const updateUser = useCallback((user: User) => {
    setState((current) => (current.status === "signed-in" ? { status: "signed-in", session: { ...current.session, user } } : current));
  }, []);

  const retry = useCallback(() => {
    setState({ status: "loading" });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(() => ({ state, signedIn, signOut, updateUser, retry }), [state, signedIn, signOut, updateUser, retry]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The auth state and its actions. */
export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth must be used inside <AuthProvider>");
  return value;
}

export interface SessionValue {
  user: User;
  permissions: string[];
  can: (...anyOf: Permission[]) => boolean;
  signOut: () => Promise<void>;
  updateUser: (user: User) => void;
}

/** The signed-in user and a permission check; only valid inside the signed-in app. */
export function useSession(): SessionValue {
  const { state, signOut, updateUser } = useAuth();
  if (state.status !== "signed-in") throw new Error("useSession needs a signed-in user");
  const { user, permissions } = state.session;
  return useMemo(
    () => ({
      user,
      permissions,
      can: (...anyOf: Permission[]) => anyOf.some((permission) => permissions.includes(permission)),
      signOut,
      updateUser,
    }),
    [user, permissions, signOut, updateUser],
  );
}
