/** The SLA indicator of a ticket list row: time left on the most urgent running clock, coloured. */
import { useEffect, useState } from "react";
import { Badge } from "../../components/Badge";
import { formatMs, loadTicketSlas, slaTone, type TicketSla } from "./slaApi";
import "./sla.css";

/** Picks the clock a list row shows: running ones first, then the least time left. */
export function mostUrgent(slas: TicketSla[]): TicketSla | null {
  const live = slas.filter((s) => s.state === "in_progress" || s.state === "paused" || (s.breached && s.stoppedAt === null));
  const pool = live.length ? live : slas.filter((s) => s.state !== "cancelled");
  return [...pool].sort((a, b) => a.remainingMs - b.remainingMs)[0] ?? null;
}

/** Shows "2h 10m left", "paused", "breached 1h ago" or "met" for a ticket (by id, or given its clocks). */
export function SlaBadge({ ticketId, slas }: { ticketId?: string; slas?: TicketSla[] }) {
  const [loaded, setLoaded] = useState<TicketSla[] | undefined>(slas);
  useEffect(() => {
    if (slas || !ticketId) return;
    let live = true;
    void loadTicketSlas(ticketId).then((items) => live && setLoaded(items));
    return () => {
      live = false;
    };
  }, [ticketId, slas]);
  const sla = mostUrgent(slas ?? loaded ?? []);
  if (!sla) return <span className="subtle">—</span>;
  const text = sla.breached ? `breached ${formatMs(-sla.remainingMs)}` : sla.state === "achieved" ? "met" : sla.state === "paused" ? `paused, ${formatMs(sla.remainingMs)} left` : `${formatMs(sla.remainingMs)} left`;
  return (
    <span className="sla-badge" title={`${sla.name}: ${sla.explanation}`}>
      <Badge tone={slaTone(sla)} dot>
        {text}
      </Badge>
    </span>
  );
}
