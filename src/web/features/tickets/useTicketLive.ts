import { useCallback, useEffect, useRef, useState } from "react";
import { toApiError, type ApiError } from "../../api/client";
import { getTicket, getTimeline } from "./ticketsApi";
import type { Ticket, TimelineEntry } from "./ticketTypes";

/** How often an open ticket page asks for new timeline entries. */
export const POLL_MS = 4000;

export interface TicketLive {
  ticket: Ticket | undefined;
  timeline: TimelineEntry[];
  error: ApiError | undefined;
  /** Replaces the ticket with one a mutation answered, then fetches new timeline entries. */
  apply: (ticket: Ticket) => void;
  /** Fetches the ticket and new timeline entries now (after a comment, link or upload). */
  refresh: () => void;
  /** Shows an entry the caller just created, before the next poll brings it. */
  append: (entry: TimelineEntry) => void;
  /** Bumps on every change seen, for panels that reload with the ticket (links, attachments). */
  changeCount: number;
}

/**
 * One ticket and its timeline, kept current without reloading the page: the timeline is polled
 * with ?after=<last entry id>, and new entries also refresh the ticket (someone else may have
 * changed its state or fields).
 */
export function useTicketLive(ref: string): TicketLive {
  const [ticket, setTicket] = useState<Ticket | undefined>(undefined);
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [changeCount, setChangeCount] = useState(0);
  const lastId = useRef<string | undefined>(undefined);
  const busy = useRef(false);

  const loadTicket = useCallback(
    async (signal?: AbortSignal) => {
      try {
        setTicket(await getTicket(ref, signal));
        setError(undefined);
      } catch (failure) {
        if (!signal?.aborted) setError(toApiError(failure));
      }
    },
    [ref],
  );

  const poll = useCallback(
    async (signal?: AbortSignal) => {
      if (busy.current) return;
      busy.current = true;
      try {
        const answer = await getTimeline(ref, lastId.current, signal);
        if (signal?.aborted || answer.items.length === 0) return;
        const first = lastId.current === undefined;
        lastId.current = answer.items[answer.items.length - 1]!.id;
        setTimeline((current) => {
          const known = new Set(current.map((entry) => entry.id));
          return [...current, ...answer.items.filter((entry) => !known.has(entry.id))];
        });
        if (!first) {
          setChangeCount((n) => n + 1);
          await loadTicket(signal);
        }
      } catch {
        // a missed poll is retried on the next tick
      } finally {
        busy.current = false;
      }
    },
    [ref, loadTicket],
  );

  useEffect(() => {
    const controller = new AbortController();
    lastId.current = undefined;
    setTicket(undefined);
    setTimeline([]);
    void loadTicket(controller.signal).then(() => poll(controller.signal));
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void poll(controller.signal);
    }, POLL_MS);
    return () => {
      controller.abort();
      window.clearInterval(timer);
      busy.current = false;
    };
  }, [ref, loadTicket, poll]);

  const apply = useCallback(
    (next: Ticket) => {
      setTicket(next);
      setChangeCount((n) => n + 1);
      void poll();
    },
    [poll],
  );
  const refresh = useCallback(() => {
    setChangeCount((n) => n + 1);
    void loadTicket().then(() => poll());
  }, [loadTicket, poll]);

  const append = useCallback((entry: TimelineEntry) => {
    setTimeline((current) => (current.some((e) => e.id === entry.id) ? current : [...current, entry]));
  }, []);

  return { ticket, timeline, error, apply, refresh, append, changeCount };
}
