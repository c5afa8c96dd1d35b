import { useEffect, useRef, useState } from "react";
import { IconButton } from "../components/Button";
import { Icon, Logo } from "../components/Icon";
import { useToast } from "../components/Toast";
import { Link } from "../router";
import { setThemePreference, useTheme } from "../theme";
import { UserMenu } from "./UserMenu";

export interface TopBarProps {
  navOpen: boolean;
  onToggleNav: () => void;
}

/** Brand, global search, theme switch and the account menu. */
export function TopBar({ navOpen, onToggleNav }: TopBarProps) {
  const { theme } = useTheme();
  const toast = useToast();
  const searchRef = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState("");

  // "/" jumps to search from anywhere that is not a text field
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "/" || event.metaKey || event.ctrlKey || event.altKey) return;
      const target = event.target as HTMLElement;
      if (target.closest("input, textarea, select, [contenteditable='true']")) return;
      event.preventDefault();
      searchRef.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  return (
    <header className="topbar">
      <IconButton
        icon={navOpen ? "close" : "menu"}
        label={navOpen ? "Close navigation" : "Open navigation"}
        className="topbar-menu"
        aria-expanded={navOpen}
        aria-controls="app-nav"
        onClick={onToggleNav}
      />
      <Link to="/" className="topbar-brand" aria-label="OpsDesk home">
        <Logo size={24} />
        <span>OpsDesk</span>
      </Link>
      <form
        role="search"
        className="topbar-search"
        onSubmit={(event) => {
          event.preventDefault();
          if (!query.trim()) return;
          toast.info("Global search is on its way", "It will find incidents, changes, configuration items, assets and articles from here.");
        }}
      >
        <Icon name="search" size={15} className="topbar-search-icon" />
        <input
          ref={searchRef}
          type="search"
          aria-label="Search OpsDesk"
          placeholder="Search incidents, CIs, articles…"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              setQuery("");
              searchRef.current?.blur();
            }
          }}
        />
        <kbd aria-hidden="true">/</kbd>
      </form>
      <div className="topbar-actions">
        <IconButton
          icon={theme === "dark" ? "sun" : "moon"}
          label={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
          onClick={() => setThemePreference(theme === "dark" ? "light" : "dark")}
        />
        <UserMenu />
      </div>
    </header>
  );
}
