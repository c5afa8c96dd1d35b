import { Badge } from "../../components/Badge";
import type { CiCriticality, CiLifecycleStatus, CiOperationalStatus } from "../../api/types";
import { CRITICALITIES, LIFECYCLE_STATUSES, OPERATIONAL_STATUSES } from "./ciMeta";

/** Up / degraded / down / unknown with its colour dot. */
export function OperationalBadge({ status }: { status: CiOperationalStatus }) {
  const meta = OPERATIONAL_STATUSES[status] ?? OPERATIONAL_STATUSES.unknown;
  return (
    <Badge tone={meta.tone} dot>
      {meta.label}
    </Badge>
  );
}

/** Planned / in service / maintenance / retired. */
export function LifecycleBadge({ status }: { status: CiLifecycleStatus }) {
  const meta = LIFECYCLE_STATUSES[status];
  return <Badge tone={meta?.tone ?? "neutral"}>{meta?.label ?? status}</Badge>;
}

/** Business criticality, or a dash. */
export function CriticalityBadge({ value }: { value: CiCriticality | null }) {
  if (!value) return <span className="subtle">—</span>;
  const meta = CRITICALITIES[value];
  return <Badge tone={meta.tone}>{meta.label}</Badge>;
}
