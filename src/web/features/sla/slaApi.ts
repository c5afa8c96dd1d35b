/** The SLA API as the web UI calls it: ticket clocks (batched for lists), definitions, calendars, preview and the report. */
import { api } from "../../api/client";

export type SlaState = "in_progress" | "paused" | "achieved" | "breached" | "cancelled";

export interface SlaPause {
  pausedAt: string;
  resumedAt: string | null;
  reason: string;
  businessMs: number;
  text: string;
}

export interface SlaHistoryEntry {
  type: string;
  at: string;
  text: string;
  percent: number | null;
}

export interface TicketSla {
  id: string;
  ticketId: string;
  ticketNumber: string;
  definitionId: string;
  name: string;
  type: "sla" | "ola" | "uc";
  target: "response" | "resolution";
  cycle: number;
  state: SlaState;
  breached: boolean;
  startedAt: string;
  stoppedAt: string | null;
  dueAt: string | null;
  targetMs: number;
  elapsedMs: number;
  remainingMs: number;
  pausedMs: number;
  percent: number;
  calendarId: string;
  cancelReason: string | null;
  explanation: string;
  pauses?: SlaPause[];
  history?: SlaHistoryEntry[];
  computedAt: string;
}

export interface SlaCondition {
  states?: string[];
  onHoldReasons?: string[];
  assigned?: boolean;
}

export interface SlaDefinitionInput {
  name: string;
  description?: string;
  type?: "sla" | "ola" | "uc";
  target: "response" | "resolution";
  durationMinutes: number;
  calendarId?: string;
  appliesTo?: { kinds?: string[]; priorities?: number[]; serviceIds?: string[]; ciClasses?: string[]; requesterGroupIds?: string[]; assignmentGroupIds?: string[]; categories?: string[] };
  startWhen?: SlaCondition[];
  pauseWhen?: SlaCondition[];
  stopWhen?: SlaCondition[];
  cancelWhen?: SlaCondition[];
  resetOn?: string[];
  retroactiveStart?: boolean;
  warnings?: number[];
  active?: boolean;
}

export interface SlaDefinition extends Required<Omit<SlaDefinitionInput, "description">> {
  id: string;
  description: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface SlaCalendar {
  id: string;
  name: string;
  timeZone: string;
  hours: Record<string, { start: string; end: string }[]>;
  holidays: Array<{ kind: "date"; date: string; name?: string } | { kind: "range"; from: string; to: string; name?: string } | { kind: "yearly"; monthDay: string; name?: string }>;
  builtIn: boolean;
  version: number;
}

export interface SlaReportRow {
  key: string | null;
  label: string;
  total: number;
  met: number;
  breached: number;
  inProgress: number;
  compliancePercent: number | null;
}

export interface SlaReport {
  groupBy: string;
  from: string;
  to: string;
  rows: SlaReportRow[];
  totals: SlaReportRow;
  series: SlaReportRow[];
}

export const slaApi = {
  ticket: (ref: string, signal?: AbortSignal) => api.get<{ items: TicketSla[] }>(`/api/v1/tickets/${encodeURIComponent(ref)}/slas`, { signal }),
  list: (query: Record<string, string | number | boolean | undefined>, signal?: AbortSignal) => api.get<{ items: TicketSla[]; total: number }>("/api/v1/slas", { query, signal }),
  definitions: (signal?: AbortSignal) => api.get<{ items: SlaDefinition[] }>("/api/v1/sla-definitions", { signal }),
  createDefinition: (body: SlaDefinitionInput) => api.post<SlaDefinition>("/api/v1/sla-definitions", body),
  updateDefinition: (id: string, body: Partial<SlaDefinitionInput> & { version?: number }) => api.patch<SlaDefinition>(`/api/v1/sla-definitions/${id}`, body),
  deleteDefinition: (id: string) => api.delete(`/api/v1/sla-definitions/${id}`),
  preview: (ticket: string, definition: SlaDefinitionInput) => api.post<{ applies: boolean; reasons: string[]; items: TicketSla[] }>("/api/v1/sla-definitions/preview", { ticket, definition }),
  calendars: (signal?: AbortSignal) => api.get<{ items: SlaCalendar[] }>("/api/v1/sla-calendars", { signal }),
  createCalendar: (body: Omit<SlaCalendar, "id" | "builtIn" | "version">) => api.post<SlaCalendar>("/api/v1/sla-calendars", body),
  updateCalendar: (id: string, body: Partial<Omit<SlaCalendar, "id" | "builtIn">>) => api.patch<SlaCalendar>(`/api/v1/sla-calendars/${id}`, body),
  deleteCalendar: (id: string) => api.delete(`/api/v1/sla-calendars/${id}`),
  report: (query: Record<string, string | undefined>, signal?: AbortSignal) => api.get<SlaReport>("/api/v1/slas/report", { query, signal }),
};

// ---------- batched loading for list rows ----------

type Waiter = (slas: TicketSla[]) => void;
let pending = new Map<string, Waiter[]>();
let timer: ReturnType<typeof setTimeout> | null = null;

/** The clocks of one ticket; calls made in the same moment (a list rendering its rows) share one request. */
export function loadTicketSlas(ticketId: string): Promise<TicketSla[]> {
  return new Promise((resolve) => {
    pending.set(ticketId, [...(pending.get(ticketId) ?? []), resolve]);
    timer ??= setTimeout(flush, 10);
  });
}

async function flush(): Promise<void> {
  const batch = pending;
  pending = new Map();
  timer = null;
  const ids = [...batch.keys()];
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    let items: TicketSla[] = [];
    try {
      items = (await slaApi.list({ ticketIds: chunk.join(","), limit: 1000 })).items;
    } catch {
      // no indicator beats a broken list
    }
    for (const id of chunk) for (const resolve of batch.get(id) ?? []) resolve(items.filter((s) => s.ticketId === id));
  }
}

/** "2h 10m", "45m", "-1h 5m", "20s" (business time), in the server's words so the card agrees with the explanation. */
export function formatMs(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes === 0) return `${sign}${Math.round(Math.abs(ms) / 1000)}s`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return sign + (h === 0 ? `${m}m` : m === 0 ? `${h}h` : `${h}h ${m}m`);
}

/** The tone of a clock: red once breached, amber from 75%, grey when stopped or paused. */
export function slaTone(s: TicketSla): "danger" | "warning" | "success" | "neutral" | "info" {
  if (s.breached) return "danger";
  if (s.state === "achieved") return "success";
  if (s.state === "cancelled" || s.state === "paused") return "neutral";
  return s.percent >= 75 ? "warning" : "info";
}

export const SLA_STATE_LABELS: Record<SlaState, string> = { in_progress: "In progress", paused: "Paused", achieved: "Achieved", breached: "Breached", cancelled: "Cancelled" };
