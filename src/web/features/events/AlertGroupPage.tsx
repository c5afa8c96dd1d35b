import { useApi } from "../../api/useApi";
import { Alert as Notice } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { Card, DetailList } from "../../components/Card";
import { PageHeader } from "../../components/PageHeader";
import { Table } from "../../components/Table";
import { Time } from "../../components/Time";
import { Link, useParams } from "../../router";
import { getGroup } from "./eventsApi";
import { STATUS_META } from "./eventsMeta";
import { SeverityBadge } from "./OperationsConsolePage";
import "./events.css";

const RELATION_LABEL: Record<string, string> = { depends_on: "depends on", runs_on: "runs on", hosted_on: "hosted on", connects_to: "connects to", contains: "contains", virtualized_by: "virtualized by", cluster_of: "cluster of", provides: "provides" };

/** Operations → one alert group: its alerts, and the CMDB topology that tied them together. */
export function AlertGroupPage() {
  const { id } = useParams();
  const detail = useApi((s) => getGroup(id, s), [id]);
  if (detail.error) return <Notice tone="danger">{detail.error.message}</Notice>;
  const d = detail.data;
  if (!d) return null;
  const name = new Map(d.cis.map((c) => [c.id, c.name]));
  const root = d.group.rootCause?.id;
  return (
    <div className="ev-console">
      <PageHeader title={d.group.title} breadcrumbs={[{ label: "Operations", to: "/operations" }, { label: "Alert group" }]} description={`${d.group.kind === "topology" ? "Correlated through the CMDB" : "Grouped by labels"}; ${d.group.activeCount} of ${d.group.alertCount} alerts active.`} />
      <div className="ev-group-grid">
        <Card title="Summary">
          <DetailList
            items={[
              { label: "Severity", value: <SeverityBadge severity={d.group.severity} /> },
              { label: "Status", value: d.group.status },
              { label: "Probable root cause", value: d.group.rootCause ? <Link to={`/cmdb/cis/${d.group.rootCause.id}`}>{d.group.rootCause.name}</Link> : "—" },
              { label: "Incident", value: d.group.incidentId ? <Link to={`/service-desk/tickets/${d.group.incidentId}`}>open incident</Link> : "none" },
              { label: "Since", value: <Time value={d.group.createdAt} /> },
            ]}
          />
        </Card>
        <Card title="Topology" description="The CIs of the group and the CMDB relationships among them; the root cause is the most upstream.">
          <ul className="ev-topology">
            {[...d.cis].sort((a, b) => Number(b.id === root) - Number(a.id === root)).map((c) => (
              <li key={c.id} className={c.id === root ? "is-root" : ""}>
                <Link to={`/cmdb/cis/${c.id}`}>{c.name}</Link> <span className="ev-muted">{c.class}</span>
                {c.id === root && <Badge tone="danger">root cause</Badge>}
                <ul>
                  {d.edges.filter((e) => e.sourceId === c.id).map((e) => (
                    <li key={`${e.sourceId}-${e.type}-${e.targetId}`}>
                      {RELATION_LABEL[e.type] ?? e.type} <strong>{name.get(e.targetId)}</strong>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </Card>
      </div>
      <Card title="Alerts" flush>
        <Table
          caption="Alerts of the group"
          rows={d.alerts}
          rowKey={(a) => a.fingerprint}
          columns={[
            { key: "s", header: "Severity", render: (a) => <SeverityBadge severity={a.severity} /> },
            { key: "n", header: "Alert", render: (a) => <strong>{a.name}</strong> },
            { key: "st", header: "Status", render: (a) => <Badge tone={STATUS_META[a.status].tone}>{STATUS_META[a.status].label}</Badge> },
            { key: "ci", header: "CI", render: (a) => (a.ci ? <Link to={`/cmdb/cis/${a.ci.id}`}>{a.ci.name}</Link> : "—") },
            { key: "f", header: "First seen", render: (a) => <Time value={a.firstSeenAt} /> },
          ]}
        />
      </Card>
    </div>
  );
}
