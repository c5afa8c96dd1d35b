import { useEffect, useId, useRef, useState } from "react";
import { Icon } from "./Icon";
import "./SearchInput.css";

export interface SearchInputProps {
  value: string;
  onChange: (value: string) => void;
  /** Accessible name; also used as the placeholder unless one is given. */
  label: string;
  placeholder?: string;
  /** Milliseconds to wait after typing before onChange fires. */
  debounce?: number;
  className?: string;
  /** Values offered while typing (a datalist). */
  suggestions?: string[];
}

/** A search box that reports its value after the user pauses typing, with a clear button. */
export function SearchInput({ value, onChange, label, placeholder, debounce = 250, className, suggestions }: SearchInputProps) {
  const [text, setText] = useState(value);
  const listId = useId();
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const inputRef = useRef<HTMLInputElement>(null);

  // follow outside changes (e.g. "Clear filters" or back navigation)
  useEffect(() => setText(value), [value]);

  useEffect(() => {
    if (text === value) return;
    const timer = window.setTimeout(() => onChangeRef.current(text), debounce);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text, debounce]);

  return (
    <div className={["search-input", className].filter(Boolean).join(" ")}>
      <Icon name="search" size={15} className="search-input-icon" />
      <input
        ref={inputRef}
        type="search"
        className="input"
        aria-label={label}
        placeholder={placeholder ?? label}
        value={text}
        list={suggestions && suggestions.length > 0 ? listId : undefined}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter") onChangeRef.current(text);
          if (event.key === "Escape" && text) {
            event.stopPropagation();
            setText("");
            onChangeRef.current("");
          }
        }}
      />
      {suggestions && suggestions.length > 0 ? (
        <datalist id={listId}>
          {suggestions.map((suggestion) => (
            <option key={suggestion} value={suggestion} />
          ))}
        </datalist>
      ) : null}
      {text ? (
        <button
          type="button"
          className="search-input-clear"
          aria-label="Clear search"
          onClick={() => {
            setText("");
            onChangeRef.current("");
            inputRef.current?.focus();
          }}
        >
          <Icon name="close" size={13} />
        </button>
      ) : null}
    </div>
  );
}
