import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { Icon, type IconName } from "./Icon";
import "./Toast.css";

export type ToastTone = "success" | "danger" | "info";

interface ToastItem {
  id: number;
  tone: ToastTone;
  title: string;
  description?: string;
}

interface ToastApi {
  show: (toast: Omit<ToastItem, "id">) => void;
  success: (title: string, description?: string) => void;
  error: (title: string, description?: string) => void;
  info: (title: string, description?: string) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

const icons: Record<ToastTone, IconName> = { success: "checkCircle", danger: "xCircle", info: "info" };

/** Hosts the toast stack (bottom right) and gives the tree useToast(). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, number>());

  const dismiss = useCallback((id: number) => {
    setToasts((list) => list.filter((toast) => toast.id !== id));
    const timer = timers.current.get(id);
    if (timer) window.clearTimeout(timer);
    timers.current.delete(id);
  }, []);

  const schedule = useCallback(
    (id: number, tone: ToastTone) => {
      const timer = window.setTimeout(() => dismiss(id), tone === "danger" ? 9000 : 5000);
      timers.current.set(id, timer);
    },
    [dismiss],
  );

  const show = useCallback(
    (toast: Omit<ToastItem, "id">) => {
      const id = nextId.current++;
      setToasts((list) => [...list.slice(-3), { ...toast, id }]);
      schedule(id, toast.tone);
    },
    [schedule],
  );

  const api = useMemo<ToastApi>(
    () => ({
      show,
      success: (title, description) => show({ tone: "success", title, description }),
      error: (title, description) => show({ tone: "danger", title, description }),
      info: (title, description) => show({ tone: "info", title, description }),
    }),
    [show],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      {createPortal(
        <section className="toast-region" aria-label="Notifications">
          {toasts.map((toast) => (
            <div
              key={toast.id}
              className={`toast toast-${toast.tone}`}
              role={toast.tone === "danger" ? "alert" : "status"}
              onMouseEnter={() => {
                const timer = timers.current.get(toast.id);
                if (timer) window.clearTimeout(timer);
              }}
              onMouseLeave={() => schedule(toast.id, toast.tone)}
            >
              <Icon name={icons[toast.tone]} size={17} className="toast-icon" />
              <div className="toast-text">
                <p className="toast-title">{toast.title}</p>
                {toast.description ? <p className="toast-description">{toast.description}</p> : null}
              </div>
              <button type="button" className="toast-close" aria-label="Dismiss notification" onClick={() => dismiss(toast.id)}>
                <Icon name="close" size={14} />
              </button>
            </div>
          ))}
        </section>,
        document.body,
      )}
    </ToastContext.Provider>
  );
}

/** Shows short notifications: toast.success("User created"). */
export function useToast(): ToastApi {
  const value = useContext(ToastContext);
  if (!value) throw new Error("useToast must be used inside <ToastProvider>");
  return value;
}
