import { useSyncExternalStore } from "react";

/** What the user chose; "system" follows prefers-color-scheme. */
export type ThemePreference = "light" | "dark" | "system";
export type Theme = "light" | "dark";

const STORAGE_KEY = "opsdesk.theme";
const media = typeof window !== "undefined" ? window.matchMedia("(prefers-color-scheme: dark)") : null;
const listeners = new Set<() => void>();

function readPreference(): ThemePreference {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === "light" || stored === "dark") return stored;
  } catch {
    // storage can be disabled (private mode, policies); fall back to the system
  }
  return "system";
}

let preference: ThemePreference = readPreference();

function resolve(pref: ThemePreference): Theme {
  if (pref === "system") return media?.matches ? "dark" : "light";
  return pref;
}

let snapshot = { preference, theme: resolve(preference) };

function apply(): void {
  snapshot = { preference, theme: resolve(preference) };
  document.documentElement.dataset.theme = snapshot.theme;
  for (const listener of listeners) listener();
}

/** Sets the theme attribute on <html> before React renders and follows system changes. */
export function initTheme(): void {
  apply();
  media?.addEventListener("change", () => {
    if (preference === "system") apply();
  });
  window.addEventListener("storage", (event) => {
    if (event.key === STORAGE_KEY) {
      preference = readPreference();
      apply();
    }
  });
}

/** Stores the preference in localStorage ("system" removes it) and applies it. */
export function setThemePreference(next: ThemePreference): void {
  preference = next;
  try {
    if (next === "system") localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not persisted, still applied for this tab
  }
  apply();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current preference and the theme it resolves to. */
export function useTheme(): { preference: ThemePreference; theme: Theme } {
  return useSyncExternalStore(subscribe, () => snapshot);
}
