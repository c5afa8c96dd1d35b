import { useApi } from "../../api/useApi";
import { Badge } from "../../components/Badge";
import { Card } from "../../components/Card";
import { Table } from "../../components/Table";
import { Time } from "../../components/Time";
import { Link } from "../../router";
import { listAlerts } from "./eventsApi";
import { STATUS_META } from "./eventsMeta";
import { SeverityBadge } from "./OperationsConsolePage";

/** The alerts of one CI, newest first: for the CI page (mount it there with the CI's id). */
export function CiAlertsCard({ ciId }: { ciId: string }) {
  const alerts = useApi((s) => listAlerts({ ciId, sort: "-lastSeenAt", limit: 20 }, s), [ciId]);
  return (
    <Card title="Alerts" description="What fired on this CI (latest 20)" flush>
      <Table
        caption="Alerts on this CI"
        rows={alerts.data?.items ?? []}
        rowKey={(a) => a.fingerprint}
        loading={alerts.loading}
        empty={<p className="ev-muted">No alerts on this CI.</p>}
        columns={[
          { key: "s", header: "Severity", render: (a) => <SeverityBadge severity={a.severity} /> },
          { key: "n", header: "Alert", render: (a) => (a.groupId ? <Link to={`/operations/groups/${a.groupId}`}>{a.name}</Link> : a.name) },
          { key: "st", header: "Status", render: (a) => <Badge tone={STATUS_META[a.status].tone}>{STATUS_META[a.status].label}</Badge> },
          { key: "l", header: "Last seen", render: (a) => <Time value={a.lastSeenAt} /> },
        ]}
      />
    </Card>
  );
}
