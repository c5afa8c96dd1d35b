/**
 * Saved filters of the ticket lists: a few predefined ones every agent gets, plus the agent's
 * own, kept in this browser (localStorage). A filter is a set of list query parameters.
 */

export interface SavedFilter {
  id: string;
  name: string;
  /** List query parameters, as in the URL (kind, open, assigneeId, priority, created, ...). */
  params: Record<string, string>;
  builtin?: boolean;
}

/** The filters every agent starts with. */
export const PREDEFINED_FILTERS: SavedFilter[] = [
  { id: "my-open-incidents", name: "My open incidents", builtin: true, params: { kind: "incident", status: "open", assigneeId: "me" } },
  { id: "unassigned-my-groups", name: "Unassigned in my groups", builtin: true, params: { status: "open", assignmentGroupId: "mine", assigneeId: "none" } },
  { id: "p1-p2-open", name: "P1/P2 open", builtin: true, params: { status: "open", priority: "1,2" } },
  { id: "changes-this-week", name: "Changes this week", builtin: true, params: { kind: "change", planned: "this_week" } },
];

/** Query parameters a saved filter may carry; everything else in the URL is list state. */
export const FILTER_KEYS = ["kind", "q", "status", "state", "priority", "assignmentGroupId", "assigneeId", "requesterId", "ciId", "major", "tag", "created", "planned"] as const;

const STORAGE_KEY = "opsdesk.tickets.savedFilters";

/** The filters this browser saved. */
export function loadUserFilters(): SavedFilter[] {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (item): item is SavedFilter =>
        typeof item === "object" && item !== null && typeof item.id === "string" && typeof item.name === "string" && typeof item.params === "object",
    );
  } catch {
    return [];
  }
}

/** Replaces this browser's saved filters. */
export function storeUserFilters(filters: SavedFilter[]): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(filters));
  } catch {
    // private mode or full storage: the filter lives until the page is left
  }
}

/** True when the URL's filters are exactly the saved filter's. */
export function matchesFilter(filter: SavedFilter, params: URLSearchParams): boolean {
  return FILTER_KEYS.every((key) => (params.get(key) ?? "") === (filter.params[key] ?? ""));
}

/** Start (Monday 00:00) and end of the current week, in local time, as ISO strings. */
export function thisWeek(now: Date = new Date()): { from: string; to: string } {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  start.setDate(start.getDate() - ((start.getDay() + 6) % 7));
  const end = new Date(start);
  end.setDate(end.getDate() + 7);
  return { from: start.toISOString(), to: end.toISOString() };
}

/** Ranges the `created` filter understands. */
export const CREATED_RANGES: Record<string, { label: string; range: () => { from: string; to?: string } }> = {
  today: {
    label: "Created today",
    range: () => {
      const start = new Date();
      start.setHours(0, 0, 0, 0);
      return { from: start.toISOString() };
    },
  },
  this_week: { label: "Created this week", range: () => thisWeek() },
  last_7_days: { label: "Created in the last 7 days", range: () => ({ from: new Date(Date.now() - 7 * 86_400_000).toISOString() }) },
  last_30_days: { label: "Created in the last 30 days", range: () => ({ from: new Date(Date.now() - 30 * 86_400_000).toISOString() }) },
};
