import "./JsonDiff.css";

type Change = "added" | "removed" | "changed" | "same";

interface DiffRow {
  key: string;
  before: string | undefined;
  after: string | undefined;
  change: Change;
}

function show(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** Compares two records key by key (top level; nested values are compared as JSON). */
export function diffRecords(before: Record<string, unknown> | null, after: Record<string, unknown> | null): DiffRow[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].sort().map((key) => {
    const hasBefore = before !== null && Object.prototype.hasOwnProperty.call(before, key);
    const hasAfter = after !== null && Object.prototype.hasOwnProperty.call(after, key);
    const left = hasBefore ? show(before[key]) : undefined;
    const right = hasAfter ? show(after[key]) : undefined;
    const change: Change = !hasBefore ? "added" : !hasAfter ? "removed" : left === right ? "same" : "changed";
    return { key, before: left, after: right, change };
  });
}

const CHANGE_LABEL: Record<Change, string> = { added: "added", removed: "removed", changed: "changed", same: "unchanged" };

export interface JsonDiffProps {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** Hide keys whose value did not change. */
  changesOnly?: boolean;
}

/** Before and after side by side, one row per field, changed fields highlighted. */
export function JsonDiff({ before, after, changesOnly = false }: JsonDiffProps) {
  const rows = diffRecords(before, after).filter((row) => !changesOnly || row.change !== "same");
  return (
    <div className="json-diff" role="table" aria-label="Before and after">
      <div className="json-diff-head" role="row">
        <span role="columnheader">Field</span>
        <span role="columnheader">Before{before === null ? <em> (did not exist)</em> : null}</span>
        <span role="columnheader">After{after === null ? <em> (deleted)</em> : null}</span>
      </div>
      {rows.length === 0 ? (
        <div className="json-diff-empty" role="row">
          <span role="cell">{before === null && after === null ? "This entry records no data." : "No field changed."}</span>
        </div>
      ) : (
        rows.map((row) => (
          <div key={row.key} className={`json-diff-row json-diff-${row.change}`} role="row">
            <span role="rowheader" className="json-diff-key">
              {row.key}
              {row.change !== "same" ? <span className="sr-only"> ({CHANGE_LABEL[row.change]})</span> : null}
            </span>
            <pre role="cell" className="json-diff-before">
              {row.before ?? ""}
            </pre>
            <pre role="cell" className="json-diff-after">
              {row.after ?? ""}
            </pre>
          </div>
        ))
      )}
    </div>
  );
}
