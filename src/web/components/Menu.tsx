import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { Icon, type IconName } from "./Icon";
import "./Menu.css";

export interface MenuItem {
  label: string;
  icon?: IconName;
  onSelect: () => void;
  tone?: "danger";
}

export interface MenuProps {
  /** Content of the trigger button. */
  trigger: ReactNode;
  /** Accessible name of the trigger when its content is not text enough. */
  label: string;
  items: (MenuItem | "separator")[];
  /** Something shown at the top of the menu, e.g. who is signed in. */
  header?: ReactNode;
  align?: "start" | "end";
  triggerClassName?: string;
}

/**
 * A menu button: opens with click, Enter, Space or ArrowDown; arrows move between items,
 * Esc closes and returns focus to the button, a click outside closes.
 */
export function Menu({ trigger, label, items, header, align = "end", triggerClassName }: MenuProps) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  const itemElements = () => Array.from(menuRef.current?.querySelectorAll<HTMLButtonElement>("[role='menuitem']") ?? []);

  useEffect(() => {
    if (!open) return;
    itemElements()[0]?.focus();
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  function close(returnFocus: boolean) {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  }

  function onMenuKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const elements = itemElements();
    const index = elements.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === "ArrowDown") {
      event.preventDefault();
      elements[(index + 1) % elements.length]?.focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      elements[(index - 1 + elements.length) % elements.length]?.focus();
    } else if (event.key === "Home") {
      event.preventDefault();
      elements[0]?.focus();
    } else if (event.key === "End") {
      event.preventDefault();
      elements[elements.length - 1]?.focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    } else if (event.key === "Tab") {
      close(false);
    }
  }

  return (
    <div className="menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={["menu-trigger", triggerClassName].filter(Boolean).join(" ")}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? `${id}-menu` : undefined}
        aria-label={label}
        onClick={() => setOpen((value) => !value)}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        {trigger}
      </button>
      {open ? (
        <div
          ref={menuRef}
          id={`${id}-menu`}
          role="menu"
          aria-label={label}
          className={`menu-popover menu-${align}`}
          onKeyDown={onMenuKeyDown}
        >
          {header ? <div className="menu-header">{header}</div> : null}
          {items.map((item, index) =>
            item === "separator" ? (
              <div key={`sep-${index}`} role="separator" className="menu-separator" />
            ) : (
              <button
                key={item.label}
                type="button"
                role="menuitem"
                tabIndex={-1}
                className={["menu-item", item.tone === "danger" ? "menu-item-danger" : ""].filter(Boolean).join(" ")}
                onClick={() => {
                  // focus goes back to the menu button first, so a dialog opened by the item returns it there
                  close(true);
                  item.onSelect();
                }}
              >
                {item.icon ? <Icon name={item.icon} size={15} /> : null}
                {item.label}
              </button>
            ),
          )}
        </div>
      ) : null}
    </div>
  );
}
