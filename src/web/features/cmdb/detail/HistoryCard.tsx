import { useEffect, useState } from "react";
import { listCiHistory } from "../../../api/cmdb";
import { toApiError } from "../../../api/client";
import type { CiClass, CiHistoryEntry } from "../../../api/types";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { Card } from "../../../components/Card";
import { EmptyState } from "../../../components/EmptyState";
import { LoadingBlock } from "../../../components/Spinner";
import { Time } from "../../../components/Time";
import { IDENTIFIER_FIELDS, LIFECYCLE_STATUSES, OPERATIONAL_STATUSES } from "../ciMeta";
import { CompareDialog } from "./CompareDialog";

const PAGE = 50;

const FIELD_LABELS: Record<string, string> = {
  name: "Name",
  class: "Class",
  lifecycleStatus: "Lifecycle status",
  operationalStatus: "Operational status",
  environment: "Environment",
  criticality: "Criticality",
  ownerGroupId: "Owner group",
  supportGroupId: "Support group",
  "*": "CI deleted",
  ...Object.fromEntries(IDENTIFIER_FIELDS.map(({ key, label }) => [`identifiers.${key}`, label])),
};

/** One change event: the fields one actor (through one source) changed at one moment. */
interface HistoryGroup {
  key: string;
  at: string;
  actor: string | null;
  source: string;
  entries: CiHistoryEntry[];
}

function group(entries: CiHistoryEntry[]): HistoryGroup[] {
  const out: HistoryGroup[] = [];
  for (const entry of entries) {
    const last = out[out.length - 1];
    if (last && last.at === entry.at && last.actor === entry.actorName && last.source === entry.source) last.entries.push(entry);
    else out.push({ key: String(entry.id), at: entry.at, actor: entry.actorName, source: entry.source, entries: [entry] });
  }
  return out;
}

function display(field: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "empty";
  if (field === "operationalStatus") return OPERATIONAL_STATUSES[value as keyof typeof OPERATIONAL_STATUSES]?.label ?? String(value);
  if (field === "lifecycleStatus") return LIFECYCLE_STATUSES[value as keyof typeof LIFECYCLE_STATUSES]?.label ?? String(value);
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export interface HistoryCardProps {
  ciId: string;
  cls: CiClass | undefined;
  /** Changes whenever the CI was saved, to reload the timeline. */
  version: string;
  /** Group names for owner and support group ids. */
  groupName: (id: string | null) => string | null;
}

/** The CI's timeline: who or which source changed which field from what to what. */
export function HistoryCard({ ciId, cls, version, groupName }: HistoryCardProps) {
  const [entries, setEntries] = useState<CiHistoryEntry[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [comparing, setComparing] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    listCiHistory(ciId, { limit: PAGE }, controller.signal).then(
      (page) => {
        setEntries(page.items);
        setTotal(page.total);
        setError(null);
      },
      (failure: unknown) => !controller.signal.aborted && setError(toApiError(failure).message),
    );
    return () => controller.abort();
  }, [ciId, version]);

  async function loadMore() {
    if (!entries) return;
    setLoadingMore(true);
    try {
      const page = await listCiHistory(ciId, { limit: PAGE, offset: entries.length });
      setEntries([...entries, ...page.items]);
      setTotal(page.total);
    } catch (failure) {
      setError(toApiError(failure).message);
    } finally {
      setLoadingMore(false);
    }
  }

  const label = (field: string) => {
    if (FIELD_LABELS[field]) return FIELD_LABELS[field];
    if (field.startsWith("attributes.")) {
      const name = field.slice("attributes.".length);
      return cls?.allAttributes.find((a) => a.name === name)?.label ?? name;
    }
    return field;
  };
  const value = (field: string, raw: unknown) =>
    field === "ownerGroupId" || field === "supportGroupId" ? (groupName(raw as string | null) ?? display(field, raw)) : display(field, raw);

  return (
    <Card
      title="History"
      description={entries ? `${total} ${total === 1 ? "change" : "changes"}` : undefined}
      actions={
        entries && entries.length > 0 ? (
          <Button size="sm" onClick={() => setComparing(true)}>
            Compare…
          </Button>
        ) : null
      }
    >
      <CompareDialog ciId={ciId} open={comparing} onClose={() => setComparing(false)} moments={[...new Set((entries ?? []).map((e) => e.at))]} />
      {error ? <Alert tone="danger">{error}</Alert> : null}
      {!entries && !error ? <LoadingBlock label="Loading history" /> : null}
      {entries && entries.length === 0 ? <EmptyState compact icon="history" title="No changes recorded" /> : null}
      {entries && entries.length > 0 ? (
        <ol className="history" aria-label="Change history">
          {group(entries).map((item) => (
            <li key={item.key} className="history-entry">
              <div className="history-head">
                <strong>{item.actor ?? "OpsDesk"}</strong>
                <span className="subtle">via</span>
                <span className="code-tag">{item.source}</span>
                <Time value={item.at} />
              </div>
              <ul className="history-changes">
                {item.entries.map((entry) => (
                  <li key={entry.id} className="history-change">
                    <span className="history-field">{label(entry.field)}</span>
                    {entry.field === "*" ? null : entry.old === null || entry.old === undefined ? (
                      <>
                        <span className="subtle">set to</span>
                        <span className="value-new">{value(entry.field, entry.new)}</span>
                      </>
                    ) : (
                      <>
                        <span className="value-old">{value(entry.field, entry.old)}</span>
                        <span className="subtle" aria-label="changed to">
                          →
                        </span>
                        <span className="value-new">{value(entry.field, entry.new)}</span>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      ) : null}
      {entries && entries.length < total ? (
        <Button size="sm" loading={loadingMore} onClick={() => void loadMore()}>
          Show older changes
        </Button>
      ) : null}
    </Card>
  );
}
