import { useState } from "react";
import type { AuditEntry } from "../../../api/types";
import { Button } from "../../../components/Button";
import { DetailList } from "../../../components/Card";
import { Checkbox } from "../../../components/Field";
import { Modal } from "../../../components/Modal";
import { formatDateTime } from "../../../components/Time";
import { JsonDiff } from "../../../components/JsonDiff";

/** One audit entry: who did what when, and the record before and after. */
export function AuditDetailDialog({ entry, onClose }: { entry: AuditEntry | null; onClose: () => void }) {
  const [changesOnly, setChangesOnly] = useState(false);
  return (
    <Modal
      open={entry !== null}
      onClose={onClose}
      size="xl"
      title={entry ? `${entry.action} · ${entry.entity}` : ""}
      footer={<Button onClick={onClose}>Close</Button>}
    >
      {entry ? (
        <>
          <DetailList
            items={[
              { label: "Time", value: formatDateTime(entry.at) },
              { label: "Actor", value: entry.actorName ? `${entry.actorName}` : <span className="subtle">System</span> },
              { label: "Action", value: <code className="code-pill">{entry.action}</code> },
              { label: "Entity", value: <span className="mono">{entry.entity}{entry.entityId ? ` / ${entry.entityId}` : ""}</span> },
              { label: "IP address", value: entry.ip ?? <span className="subtle">Unknown</span> },
            ]}
          />
          <div className="row">
            <h3>Changes</h3>
            <span className="spacer" />
            {entry.before && entry.after ? (
              <Checkbox label="Only changed fields" checked={changesOnly} onChange={(event) => setChangesOnly(event.target.checked)} />
            ) : null}
          </div>
          <JsonDiff before={entry.before} after={entry.after} changesOnly={changesOnly} />
        </>
      ) : null}
    </Modal>
  );
}
