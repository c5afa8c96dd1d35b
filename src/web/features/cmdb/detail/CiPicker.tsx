import { useEffect, useId, useRef, useState } from "react";
import { listCis } from "../../../api/cmdb";
import type { Ci } from "../../../api/types";
import { Icon } from "../../../components/Icon";
import { Spinner } from "../../../components/Spinner";
import { OperationalBadge } from "../StatusBadges";

export interface CiPickerProps {
  label: string;
  value: Ci | null;
  onChange: (ci: Ci | null) => void;
  /** CIs that cannot be picked (e.g. the CI itself); shown disabled with the reason. */
  exclude?: Map<string, string>;
  classLabel: (name: string) => string;
  error?: string;
}

/** A combobox that searches CIs on the server as you type (GET /cis?q=) and picks one. */
export function CiPicker({ label, value, onChange, exclude, classLabel, error }: CiPickerProps) {
  const id = useId();
  const listId = `${id}-list`;
  const [text, setText] = useState(value?.name ?? "");
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<Ci[]>([]);
  const [loading, setLoading] = useState(false);
  const [active, setActive] = useState(0);
  const [failed, setFailed] = useState<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      setLoading(true);
      listCis({ q: text.trim() || undefined, limit: 10, sort: "name" }, controller.signal).then(
        (page) => {
          setResults(page.items);
          setActive(Math.max(0, page.items.findIndex((ci) => !exclude?.has(ci.id))));
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
  }, [text, open, exclude]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  function pick(ci: Ci) {
    if (exclude?.has(ci.id)) return;
    onChange(ci);
    setText(ci.name);
    setOpen(false);
  }

  function move(step: number) {
    if (results.length === 0) return;
    let next = active;
    for (let i = 0; i < results.length; i++) {
      next = (next + step + results.length) % results.length;
      if (!exclude?.has(results[next]!.id)) break;
    }
    setActive(next);
  }

  const activeId = open && results[active] ? `${id}-opt-${results[active]!.id}` : undefined;

  return (
    <div className="field ci-picker" ref={rootRef}>
      <label className="field-label" htmlFor={`${id}-input`}>
        {label}
      </label>
      <div className="ci-picker-control">
        <Icon name="search" size={15} className="ci-picker-icon" />
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
          placeholder="Type a name, hostname or IP"
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
        <ul id={listId} role="listbox" aria-label={`${label} suggestions`} className="ci-picker-list">
          {results.length === 0 && !loading ? (
            <li className="ci-picker-empty" role="presentation">
              {failed ?? (text.trim() ? `No CIs match “${text.trim()}”` : "No CIs found")}
            </li>
          ) : null}
          {results.map((ci, index) => {
            const reason = exclude?.get(ci.id);
            return (
              <li
                key={ci.id}
                id={`${id}-opt-${ci.id}`}
                role="option"
                aria-selected={index === active}
                aria-disabled={reason ? true : undefined}
                className="ci-picker-option"
                onMouseEnter={() => !reason && setActive(index)}
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => pick(ci)}
              >
                <span className="ci-name-cell">
                  <span className="ci-name">{ci.name}</span>
                  <span className="ci-sub">{reason ?? classLabel(ci.class)}</span>
                </span>
                <OperationalBadge status={ci.operationalStatus} />
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
          Search by name, hostname, IP address or serial number, then pick a CI.
        </p>
      )}
    </div>
  );
}
