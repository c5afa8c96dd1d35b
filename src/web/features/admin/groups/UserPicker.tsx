import { useEffect, useId, useRef, useState } from "react";
import { listUsers } from "../../../api/users";
import type { User } from "../../../api/types";
import { Avatar } from "../../../components/Avatar";
import { Icon } from "../../../components/Icon";
import { Spinner } from "../../../components/Spinner";
import "./UserPicker.css";

export interface UserPickerProps {
  label: string;
  value: User | null;
  onChange: (user: User | null) => void;
  /** Users that cannot be picked (e.g. existing members); shown disabled. */
  excludeIds?: Set<string>;
  error?: string;
}

/**
 * A combobox that searches users on the server as you type (GET /users?q=) and lets you pick
 * one with the mouse or the arrow keys and Enter.
 */
export function UserPicker({ label, value, onChange, excludeIds, error }: UserPickerProps) {
  const id = useId();
  const listId = `${id}-list`;
  const [text, setText] = useState(value?.name ?? "");
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<User[]>([]);
  const [loading, setLoading] = useState(false);
  const [active, setActive] = useState(0);
  const [failed, setFailed] = useState<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  // search after a short pause; the newest request wins
  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      setLoading(true);
      listUsers({ q: text.trim() || undefined, limit: 8, sort: "name" }, controller.signal).then(
        (page) => {
          setResults(page.items);
          setActive(Math.max(0, page.items.findIndex((user) => !excludeIds?.has(user.id))));
          setFailed(null);
          setLoading(false);
        },
        (failure: unknown) => {
          if (controller.signal.aborted) return;
          setFailed(failure instanceof Error ? failure.message : "Search failed");
          setLoading(false);
        },
      );
    }, 200);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [text, open, excludeIds]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  function pick(user: User) {
    if (excludeIds?.has(user.id)) return;
    onChange(user);
    setText(user.name);
    setOpen(false);
  }

  function move(step: number) {
    if (results.length === 0) return;
    let next = active;
    for (let i = 0; i < results.length; i++) {
      next = (next + step + results.length) % results.length;
      if (!excludeIds?.has(results[next]!.id)) break;
    }
    setActive(next);
  }

  const activeId = open && results[active] ? `${id}-opt-${results[active]!.id}` : undefined;

  return (
    <div className="field user-picker" ref={rootRef}>
      <label className="field-label" htmlFor={`${id}-input`}>
        {label}
      </label>
      <div className="user-picker-control">
        <Icon name="search" size={15} className="user-picker-icon" />
        <input
          id={`${id}-input`}
          className="input"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeId}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : `${id}-hint`}
          autoComplete="off"
          placeholder="Type a name or email"
          value={text}
          onFocus={() => setOpen(true)}
          onChange={(event) => {
            setText(event.target.value);
            setOpen(true);
            if (value) onChange(null);
          }}
          onKeyDown={(event) => {
            if (event.key === "ArrowDown") {
              event.preventDefault();
              if (!open) setOpen(true);
              else move(1);
            } else if (event.key === "ArrowUp") {
              event.preventDefault();
              move(-1);
            } else if (event.key === "Enter" && open && results[active]) {
              event.preventDefault();
              pick(results[active]!);
            } else if (event.key === "Escape" && open) {
              event.stopPropagation();
              setOpen(false);
            }
          }}
        />
        {loading ? <Spinner size={14} /> : null}
      </div>
      {open ? (
        <ul id={listId} role="listbox" aria-label={`${label} suggestions`} className="user-picker-list">
          {results.length === 0 && !loading ? (
            <li className="user-picker-empty" role="presentation">
              {failed ?? (text.trim() ? `No users match “${text.trim()}”` : "No users found")}
            </li>
          ) : null}
          {results.map((user, index) => {
            const excluded = excludeIds?.has(user.id) ?? false;
            return (
              <li
                key={user.id}
                id={`${id}-opt-${user.id}`}
                role="option"
                aria-selected={index === active}
                aria-disabled={excluded || undefined}
                className="user-picker-option"
                onMouseEnter={() => !excluded && setActive(index)}
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => pick(user)}
              >
                <Avatar name={user.name} seed={user.id} size={26} />
                <span className="person-text">
                  <span className="person-name">{user.name}</span>
                  <span className="person-sub">{user.email}</span>
                </span>
                {excluded ? <span className="user-picker-note">Already a member</span> : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          <Icon name="alert" size={13} />
          {error}
        </p>
      ) : (
        <p className="field-hint" id={`${id}-hint`}>
          Search by name or email, then pick a person.
        </p>
      )}
    </div>
  );
}
