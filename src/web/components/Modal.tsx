import { useEffect, useId, useRef, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { IconButton } from "./Button";
import "./Modal.css";

const FOCUSABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled]):not([type='hidden'])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  "[tabindex]:not([tabindex='-1'])",
].join(",");

// Open dialogs, innermost last: only the top one reacts to Esc, and the app behind is inert.
const openStack: string[] = [];

function setBackgroundInert(inert: boolean): void {
  const root = document.getElementById("root");
  if (root) root.inert = inert;
  document.body.classList.toggle("modal-open", inert);
}

export interface ModalProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** Buttons at the bottom, right-aligned. */
  footer?: ReactNode;
  size?: "sm" | "md" | "lg" | "xl";
  /** Wraps body and footer in a <form> so Enter submits; the submit event is prevented. */
  onSubmit?: (event: FormEvent<HTMLFormElement>) => void;
  /** When false, Esc and the backdrop do nothing (e.g. while saving). */
  dismissible?: boolean;
  /** Selector of the element to focus first; defaults to the first field, then the first button. */
  initialFocus?: string;
}

/**
 * A modal dialog: rendered above the app, traps Tab inside, closes on Esc or a backdrop click,
 * and gives focus back to whatever opened it.
 */
export function Modal(props: ModalProps) {
  if (!props.open) return null;
  return <OpenModal {...props} />;
}

function OpenModal({
  onClose,
  title,
  description,
  children,
  footer,
  size = "md",
  onSubmit,
  dismissible = true,
  initialFocus,
}: ModalProps) {
  const id = useId();
  const titleId = `${id}-title`;
  const descriptionId = description ? `${id}-desc` : undefined;
  const dialogRef = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const dismissibleRef = useRef(dismissible);
  dismissibleRef.current = dismissible;

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    openStack.push(id);
    setBackgroundInert(true);

    const dialog = dialogRef.current;
    if (dialog) {
      const preferred = initialFocus ? dialog.querySelector<HTMLElement>(initialFocus) : null;
      const firstField = dialog.querySelector<HTMLElement>(
        ".modal-body input:not([disabled]):not([readonly]), .modal-body select:not([disabled]), .modal-body textarea:not([disabled])",
      );
      const firstButton = dialog.querySelector<HTMLElement>(".modal-footer button:not([disabled])");
      (preferred ?? firstField ?? firstButton ?? dialog).focus();
    }

    // Esc while focus sits outside the dialog (e.g. after a click on the backdrop padding)
    const onDocumentKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if (dialogRef.current?.contains(event.target as Node)) return;
      if (openStack[openStack.length - 1] === id && dismissibleRef.current) onCloseRef.current();
    };
    document.addEventListener("keydown", onDocumentKey);

    return () => {
      document.removeEventListener("keydown", onDocumentKey);
      const index = openStack.lastIndexOf(id);
      if (index >= 0) openStack.splice(index, 1);
      if (openStack.length === 0) setBackgroundInert(false);
      if (opener && opener.isConnected) opener.focus();
    };
    // initial focus only once per opening
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape") {
      event.stopPropagation();
      if (openStack[openStack.length - 1] === id && dismissibleRef.current) onCloseRef.current();
      return;
    }
    if (event.key !== "Tab") return;
    event.stopPropagation();
    const dialog = dialogRef.current;
    if (!dialog) return;
    const focusable = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
      (element) => element.offsetParent !== null || element === document.activeElement,
    );
    if (focusable.length === 0) {
      event.preventDefault();
      dialog.focus();
      return;
    }
    const first = focusable[0]!;
    const last = focusable[focusable.length - 1]!;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === dialog)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  const content = (
    <>
      <div className="modal-body">
        {description ? (
          <p className="modal-description" id={descriptionId}>
            {description}
          </p>
        ) : null}
        {children}
      </div>
      {footer ? <div className="modal-footer">{footer}</div> : null}
    </>
  );

  return createPortal(
    <div
      className="modal-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget && dismissibleRef.current) onCloseRef.current();
      }}
    >
      <div
        ref={dialogRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={descriptionId}
        tabIndex={-1}
        className={`modal modal-${size}`}
        onKeyDown={onKeyDown}
      >
        <div className="modal-header">
          <h2 id={titleId}>{title}</h2>
          <IconButton icon="close" label="Close dialog" size="sm" onClick={() => onCloseRef.current()} disabled={!dismissible} />
        </div>
        {onSubmit ? (
          <form
            noValidate
            className="modal-form"
            onSubmit={(event) => {
              event.preventDefault();
              event.stopPropagation();
              onSubmit(event);
            }}
          >
            {content}
          </form>
        ) : (
          content
        )}
      </div>
    </div>,
    document.body,
  );
}
