import { useEffect, useState } from "react";
import { toApiError } from "../../api/client";
import { useApi } from "../../api/useApi";
import { Alert as Notice } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { Select } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { Pagination } from "../../components/Pagination";
import { SearchInput } from "../../components/SearchInput";
import { Table, type Column } from "../../components/Table";
import { Time } from "../../components/Time";
import { useToast } from "../../components/Toast";
import { Link } from "../../router";
import { useSession } from "../auth/session";
import { acknowledgeAlert, alertCounts, expireSilence, listAlerts, listGroups, listSilences, type Alert } from "./eventsApi";
import { GROUPINGS, SEVERITIES, SEVERITY_META, STATUS_META } from "./eventsMeta";
import { SilenceDialog } from "./SilenceDialog";
import "./events.css";

const REFRESH_MS = 5000;
const PAGE = 100;

/** Reloads every few seconds while the page is visible: the console is a live view. */
function useAutoRefresh(reloads: Array<() => void>, enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") reloads.forEach((r) => r());
    }, REFRESH_MS);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled]);
}

export function SeverityBadge({ severity }: { severity: Alert["severity"] }) {
  return (
    <span className={`ev-sev ev-sev-${severity}`} style={{ borderColor: SEVERITY_META[severity].colour, color: SEVERITY_META[severity].colour }}>
      {SEVERITY_META[severity].label}
    </span>
  );
}

/** Operations → the live alert console: counts, filters, grouping, acknowledge and silence. */
export function OperationsConsolePage() {
  const { permissions } = useSession();
  const canWrite = permissions.includes("events.write");
  const toast = useToast();
  const [tab, setTab] = useState<"alerts" | "groups" | "silences">("alerts");
  const [status, setStatus] = useState("active");
  const [severity, setSeverity] = useState("");
  const [q, setQ] = useState("");
  const [groupBy, setGroupBy] = useState("");
  const [offset, setOffset] = useState(0);
  const [live, setLive] = useState(true);
  const [silencing, setSilencing] = useState<Alert | null | undefined>(undefined);
  const counts = useApi((s) => alertCounts(s), []);
  const alerts = useApi((s) => listAlerts({ status: status || undefined, severity: severity || undefined, q: q || undefined, sort: "severity", limit: PAGE, offset }, s), [status, severity, q, offset]);
  const groups = useApi((s) => (tab === "groups" ? listGroups({ status: "open", limit: 100 }, s) : Promise.resolve(undefined)), [tab]);
  const silences = useApi((s) => (tab === "silences" ? listSilences(s) : Promise.resolve(undefined)), [tab]);
  useAutoRefresh([counts.reload, alerts.reload, groups.reload, silences.reload], live);

  async function ack(a: Alert) {
    try {
      await acknowledgeAlert(a.fingerprint);
      toast.success(`${a.name} acknowledged`);
      alerts.reload();
    } catch (err) {
      toast.error("Could not acknowledge", toApiError(err).message);
    }
  }

  async function expire(id: string) {
    try {
      await expireSilence(id);
      toast.success("Silence expired");
    } catch (err) {
      toast.error("Could not expire the silence", toApiError(err).message);
    }
    silences.reload();
    alerts.reload();
  }

  const columns: Column<Alert>[] = [
    { key: "severity", header: "Severity", render: (a) => <SeverityBadge severity={a.severity} />, width: "7rem" },
    {
      key: "name",
      header: "Alert",
      render: (a) => (
        <div>
          <strong>{a.name}</strong>
          {a.flapping && <Badge tone="warning">flapping</Badge>}
          <div className="ev-muted">{a.annotations.summary ?? Object.entries(a.labels).filter(([k]) => k !== "alertname").map(([k, v]) => `${k}=${v}`).join(" ")}</div>
        </div>
      ),
    },
    { key: "status", header: "Status", render: (a) => <Badge tone={STATUS_META[a.status].tone}>{STATUS_META[a.status].label}</Badge> },
    { key: "ci", header: "CI", render: (a) => (a.ci ? <Link to={`/cmdb/cis/${a.ci.id}`}>{a.ci.name}</Link> : <span className="ev-muted">unbound</span>) },
    { key: "group", header: "Group / incident", render: (a) => (
      <span>
        {a.groupId ? <Link to={`/operations/groups/${a.groupId}`}>group</Link> : <span className="ev-muted">—</span>}
        {a.incidentId && <> · <Link to={`/service-desk/tickets/${a.incidentId}`}>incident</Link></>}
      </span>
    ) },
    { key: "count", header: "Count", render: (a) => a.occurrences, align: "right" },
    { key: "last", header: "Last seen", render: (a) => <Time value={a.lastSeenAt} /> },
    {
      key: "actions",
      header: "",
      render: (a) =>
        canWrite && a.status !== "resolved" ? (
          <span className="ev-actions">
            {a.status === "firing" && <Button size="sm" variant="secondary" onClick={() => ack(a)}>Acknowledge</Button>}
            <Button size="sm" variant="ghost" onClick={() => setSilencing(a)}>Silence</Button>
          </span>
        ) : null,
    },
  ];

  const rows = alerts.data?.items ?? [];
  const sections = groupBy ? sectionize(rows, groupBy) : [{ key: "all", title: "", rows }];
  const c = counts.data;

  return (
    <div className="ev-console">
      <PageHeader
        title="Operations"
        description="Alerts from Prometheus, Alertmanager, PagerDuty-style and generic webhooks: deduplicated, bound to CIs, correlated into groups."
        actions={
          <>
            <label className="ev-live">
              <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live ({REFRESH_MS / 1000} s)
            </label>
            {canWrite && <Button onClick={() => setSilencing(null)}>New silence</Button>}
          </>
        }
      />
      <div className="ev-counts" aria-label="Active alerts by severity">
        {SEVERITIES.map((s) => (
          <button key={s} type="button" className={`ev-count ${severity === s ? "is-active" : ""}`} style={{ borderTopColor: SEVERITY_META[s].colour }} onClick={() => setSeverity(severity === s ? "" : s)}>
            <span className="ev-count-n">{c?.bySeverity[s] ?? 0}</span>
            <span>{SEVERITY_META[s].label}</span>
          </button>
        ))}
        <div className="ev-count ev-count-groups">
          <span className="ev-count-n">{c?.openGroups ?? 0}</span>
          <span>Open groups</span>
        </div>
      </div>
      <div className="ev-tabs" role="tablist">
        {(["alerts", "groups", "silences"] as const).map((t) => (
          <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? "is-active" : ""} onClick={() => setTab(t)} type="button">
            {t === "alerts" ? "Alerts" : t === "groups" ? "Alert groups" : "Silences"}
          </button>
        ))}
      </div>
      {tab === "alerts" && (
        <Card flush>
          <div className="ev-filters">
            <SearchInput label="Search alerts" value={q} onChange={(v: string) => { setQ(v); setOffset(0); }} placeholder="Search alert names" />
            <Select aria-label="Status" value={status} onChange={(e) => { setStatus(e.target.value); setOffset(0); }} options={[{ value: "active", label: "Active" }, { value: "firing", label: "Firing" }, { value: "acknowledged", label: "Acknowledged" }, { value: "suppressed", label: "Suppressed" }, { value: "resolved", label: "Resolved" }, { value: "", label: "All" }]} />
            <Select aria-label="Severity" value={severity} onChange={(e) => setSeverity(e.target.value)} options={[{ value: "", label: "Any severity" }, ...SEVERITIES.map((s) => ({ value: s, label: SEVERITY_META[s].label }))]} />
            <Select aria-label="Group by" value={groupBy} onChange={(e) => setGroupBy(e.target.value)} options={GROUPINGS.map((g) => ({ value: g.value, label: g.label }))} />
          </div>
          {alerts.error && <Notice tone="danger">{alerts.error.message}</Notice>}
          {sections.map((sec) => (
            <section key={sec.key} className="ev-section">
              {sec.title && <h3 className="ev-section-title">{sec.title} <span className="ev-muted">({sec.rows.length})</span></h3>}
              <Table caption="Alerts" columns={columns} rows={sec.rows} rowKey={(a) => a.fingerprint} loading={alerts.loading} empty={<EmptyState title="Nothing is firing" description="Point Prometheus at OpsDesk as its Alertmanager (see docs/integrations/prometheus.md)." />} />
            </section>
          ))}
          <Pagination total={alerts.data?.total ?? 0} limit={PAGE} offset={offset} onChange={setOffset} noun="alerts" />
        </Card>
      )}
      {tab === "groups" && (
        <Card flush>
          <Table
            caption="Open alert groups"
            rows={groups.data?.items ?? []}
            rowKey={(g) => g.id}
            loading={groups.loading}
            empty={<EmptyState title="No open groups" description="Alerts on the same or connected CIs are grouped here." />}
            columns={[
              { key: "sev", header: "Severity", render: (g) => <SeverityBadge severity={g.severity} /> },
              { key: "title", header: "Group", render: (g) => <Link to={`/operations/groups/${g.id}`}>{g.title}</Link> },
              { key: "root", header: "Probable root cause", render: (g) => (g.rootCause ? <Link to={`/cmdb/cis/${g.rootCause.id}`}>{g.rootCause.name}</Link> : "—") },
              { key: "n", header: "Alerts (active)", render: (g) => `${g.alertCount} (${g.activeCount})`, align: "right" },
              { key: "inc", header: "Incident", render: (g) => (g.incidentId ? <Link to={`/service-desk/tickets/${g.incidentId}`}>open</Link> : "—") },
              { key: "at", header: "Since", render: (g) => <Time value={g.createdAt} /> },
            ]}
          />
        </Card>
      )}
      {tab === "silences" && (
        <Card flush>
          <Table
            caption="Silences"
            rows={silences.data ?? []}
            rowKey={(s) => s.id}
            loading={silences.loading}
            empty={<EmptyState title="No silences" description="Silence an alert from the alert list, or with amtool." />}
            columns={[
              { key: "state", header: "State", render: (s) => <Badge tone={s.status.state === "active" ? "accent" : "neutral"}>{s.status.state}</Badge> },
              { key: "m", header: "Matchers", render: (s) => <code>{s.matchers.map((m) => `${m.name}${m.isEqual === false ? "!" : "="}${m.isRegex ? "~" : "="}"${m.value}"`).join(", ")}</code> },
              { key: "c", header: "Comment", render: (s) => `${s.comment} — ${s.createdBy}` },
              { key: "e", header: "Ends", render: (s) => <Time value={s.endsAt} /> },
              {
                key: "x",
                header: "",
                render: (s) =>
                  canWrite && s.status.state !== "expired" ? (
                    <Button size="sm" variant="ghost" onClick={() => expire(s.id)}>Expire</Button>
                  ) : null,
              },
            ]}
          />
        </Card>
      )}
      {silencing !== undefined && (
        <SilenceDialog
          alert={silencing}
          open
          onClose={() => setSilencing(undefined)}
          onCreated={() => {
            setSilencing(undefined);
            toast.success("Silence created");
            alerts.reload();
            silences.reload();
          }}
        />
      )}
    </div>
  );
}

/** Splits alerts into sections by CI, service or group. */
function sectionize(rows: Alert[], by: string): Array<{ key: string; title: string; rows: Alert[] }> {
  const out = new Map<string, { key: string; title: string; rows: Alert[] }>();
  for (const a of rows) {
    const [key, title] =
      by === "ci" ? [a.ci?.id ?? "", a.ci?.name ?? "No CI"] : by === "service" ? [a.service?.id ?? "", a.service?.name ?? "No service"] : [a.groupId ?? "", a.groupId ? `Group ${a.groupId.slice(0, 8)}` : "Ungrouped"];
    if (!out.has(key)) out.set(key, { key: key || "none", title, rows: [] });
    out.get(key)!.rows.push(a);
  }
  return [...out.values()];
}
