/** The ticket page's SLA card: each clock with its progress bar, due time and the explanation of its pauses. */
import { useEffect } from "react";
import { useApi } from "../../api/useApi";
import { Badge } from "../../components/Badge";
import { Card } from "../../components/Card";
import { Time } from "../../components/Time";
import { formatMs, SLA_STATE_LABELS, slaApi, slaTone, type TicketSla } from "./slaApi";
import "./sla.css";

/** A progress bar of business time used, capped at 100% with the overrun shown in words. */
export function SlaProgress({ sla }: { sla: TicketSla }) {
  const width = Math.min(100, Math.max(0, sla.percent));
  return (
    <div className={`sla-progress sla-progress--${slaTone(sla)}`} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(width)} aria-label={`${sla.name}: ${Math.round(sla.percent)}% used`}>
      <div className="sla-progress__bar" style={{ width: `${width}%` }} />
    </div>
  );
}

function SlaItem({ sla }: { sla: TicketSla }) {
  return (
    <li className="sla-item">
      <div className="sla-item__head">
        <strong>{sla.name}</strong>
        <span className="subtle">{sla.type.toUpperCase()} · {sla.target}{sla.cycle > 1 ? ` · cycle ${sla.cycle}` : ""}</span>
        <Badge tone={slaTone(sla)}>{SLA_STATE_LABELS[sla.state]}</Badge>
      </div>
      <SlaProgress sla={sla} />
      <div className="sla-item__figures muted">
        {formatMs(sla.elapsedMs)} of {formatMs(sla.targetMs)} used
        {sla.dueAt && !sla.stoppedAt ? <> · {sla.breached ? "breached" : "due"} <Time value={sla.dueAt} /></> : null}
        {sla.stoppedAt ? <> · stopped <Time value={sla.stoppedAt} /></> : null}
      </div>
      {sla.pauses?.length ? (
        <ul className="sla-item__pauses">
          {sla.pauses.map((p) => (
            <li key={p.pausedAt}>{p.text}</li>
          ))}
        </ul>
      ) : null}
      {sla.cancelReason ? <div className="subtle">Cancelled: {sla.cancelReason}</div> : null}
      {sla.history?.length ? (
        <details className="sla-item__history">
          <summary>History</summary>
          <ol>
            {sla.history.map((h) => (
              <li key={`${h.type}-${h.at}-${h.percent ?? 0}`}>
                <Time value={h.at} format="datetime" /> — {h.text}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </li>
  );
}

/**
 * Clocks are recomputed by the worker just after a ticket change commits, so a read right
 * after the change (or right after the ticket was opened) can still show the clocks as they
 * were; these follow-up reads pick up the recomputed ones.
 */
const FOLLOW_UP_MS = [1500, 4000, 10_000];

/** Every SLA clock on the ticket; `version` reloads it when the ticket changes. */
export function SlaPanel({ ticketRef, version = 0 }: { ticketRef: string; version?: number }) {
  const { data, error, reload } = useApi((signal) => slaApi.ticket(ticketRef, signal), [ticketRef, version]);
  useEffect(() => {
    const timers = FOLLOW_UP_MS.map((ms) => setTimeout(reload, ms));
    return () => timers.forEach(clearTimeout);
  }, [ticketRef, version, reload]);
  if (error?.status === 403) return null;
  return (
    <Card title="Service levels">
      {error ? <p className="subtle">SLAs could not be loaded: {error.message}</p> : null}
      {data && data.items.length === 0 ? <p className="subtle">No SLA applies to this ticket.</p> : null}
      {data?.items.length ? (
        <ul className="sla-list">
          {data.items.map((s) => (
            <SlaItem key={s.id} sla={s} />
          ))}
        </ul>
      ) : null}
    </Card>
  );
}
