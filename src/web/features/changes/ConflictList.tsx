import { Alert } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { Link } from "../../router";
import { ticketPath } from "../tickets/ticketMeta";
import { formatWindow } from "./changeMeta";
import type { ChangeConflict } from "./changeTypes";

const TYPE_LABELS: Record<ChangeConflict["type"], string> = { same_ci: "Same CI", same_service: "Same service", blackout: "Blackout" };

/** The conflicts of a change's planned window, one line each, the other change linked. */
export function ConflictList({ conflicts }: { conflicts: ChangeConflict[] }) {
  return (
    <ul className="change-conflicts" aria-label="Scheduling conflicts">
      {conflicts.map((conflict, index) => (
        <li key={`${conflict.type}-${conflict.change?.id ?? conflict.blackout?.id ?? index}`}>
          <Badge tone={conflict.type === "blackout" ? "danger" : "warning"}>{TYPE_LABELS[conflict.type]}</Badge>
          {conflict.change ? (
            <span>
              <Link to={ticketPath(conflict.change.number)}>{conflict.change.number}</Link> {conflict.change.title}
              <span className="subtle"> · {formatWindow(conflict.change.plannedStart, conflict.change.plannedEnd)}</span>
              {conflict.cis.length ? <span className="subtle"> · {conflict.type === "same_ci" ? "also changes" : "shares"} {conflict.cis.map((ci) => ci.name).join(", ")}</span> : null}
            </span>
          ) : conflict.blackout ? (
            <span>
              Blackout window “{conflict.blackout.name}”<span className="subtle"> · {formatWindow(conflict.blackout.startsAt, conflict.blackout.endsAt)}</span>
              {conflict.cis.length ? <span className="subtle"> · for {conflict.cis.map((ci) => ci.name).join(", ")}</span> : <span className="subtle"> · applies to every change</span>}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** A warning naming how many conflicts a planned window has, with the list. */
export function ConflictWarning({ conflicts, title }: { conflicts: ChangeConflict[]; title?: string }) {
  if (!conflicts.length) return null;
  const count = conflicts.length === 1 ? "1 scheduling conflict" : `${conflicts.length} scheduling conflicts`;
  return (
    <Alert tone="warning" title={title ?? `This change has ${count}`}>
      <ConflictList conflicts={conflicts} />
    </Alert>
  );
}
