import { useEffect, useState } from "react";
import { compareCi } from "../../../api/cmdb";
import { toApiError } from "../../../api/client";
import type { CiComparison } from "../../../api/types";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { Checkbox, Field, Select } from "../../../components/Field";
import { JsonDiff } from "../../../components/JsonDiff";
import { Modal } from "../../../components/Modal";
import { LoadingBlock } from "../../../components/Spinner";
import { formatDateTime } from "../../../components/Time";

const NOW = "now";

export interface CompareDialogProps {
  ciId: string;
  open: boolean;
  onClose: () => void;
  /** Moments the history knows of (newest first): the points a user can pick. */
  moments: string[];
}

/** The CI as it was at one moment next to another moment (default: its first record and now). */
export function CompareDialog({ ciId, open, onClose, moments }: CompareDialogProps) {
  const oldest = moments[moments.length - 1] ?? NOW;
  const [from, setFrom] = useState(oldest);
  const [to, setTo] = useState(NOW);
  const [changesOnly, setChangesOnly] = useState(true);
  const [result, setResult] = useState<CiComparison | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (open) setFrom(oldest);
  }, [open, oldest]);

  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    setResult(null);
    setError(null);
    const at = (value: string) => (value === NOW ? new Date().toISOString() : value);
    compareCi(ciId, at(from), at(to), controller.signal).then(setResult, (failure: unknown) => {
      if (!controller.signal.aborted) setError(toApiError(failure).message);
    });
    return () => controller.abort();
  }, [ciId, open, from, to]);

  const options = [{ value: NOW, label: "Now" }, ...moments.map((m) => ({ value: m, label: formatDateTime(m) }))];
  const describe = (snapshot: CiComparison["from"]) => (snapshot.exists ? null : <span className="subtle"> (did not exist)</span>);

  return (
    <Modal open={open} onClose={onClose} size="xl" title="Compare two points in time" footer={<Button onClick={onClose}>Close</Button>}>
      <div className="row compare-pickers">
        <Field label="From">
          <Select value={from} options={options} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field label="To">
          <Select value={to} options={options} onChange={(e) => setTo(e.target.value)} />
        </Field>
        <span className="spacer" />
        <Checkbox label="Only changed fields" checked={changesOnly} onChange={(e) => setChangesOnly(e.target.checked)} />
      </div>
      {error ? <Alert tone="danger">{error}</Alert> : null}
      {!result && !error ? <LoadingBlock label="Rebuilding the CI from its history" /> : null}
      {result ? (
        <>
          <p className="subtle">
            {result.changes.length === 0 ? "No differences." : `${result.changes.length} ${result.changes.length === 1 ? "field differs" : "fields differ"}.`}
            {describe(result.from)}
            {describe(result.to)}
          </p>
          <JsonDiff before={result.from.exists ? result.from.fields : null} after={result.to.exists ? result.to.fields : null} changesOnly={changesOnly} />
        </>
      ) : null}
    </Modal>
  );
}
