/** SLA compliance: met vs breached by definition, group, service, priority or period, with a chart and the breached clocks. */
import { useState } from "react";
import { useApi } from "../../api/useApi";
import { Card } from "../../components/Card";
import { Field, Input, Select } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { Table } from "../../components/Table";
import { Time } from "../../components/Time";
import { Link } from "../../router";
import { SlaBadge } from "./SlaBadge";
import { SlaNav } from "./SlaNav";
import { slaApi, type SlaReportRow } from "./slaApi";
import "./sla.css";

const DAY = 86_400_000;
const dateOnly = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Stacked bars per period: met, breached, still running. */
export function ComplianceChart({ series }: { series: SlaReportRow[] }) {
  if (!series.length) return <p className="subtle">No SLA started in this period.</p>;
  const max = Math.max(...series.map((r) => r.total), 1);
  const w = 600;
  const h = 160;
  // one bar per period, no wider than a bar of a busy month: a single day is not a full-width slab
  const bw = Math.min(w / series.length, 40);
  return (
    <svg className="sla-chart" viewBox={`0 0 ${w} ${h + 20}`} role="img" aria-label="SLAs per period: met, breached and running">
      {series.map((r, i) => {
        let y = h;
        const parts: Array<[string, number]> = [["met", r.met], ["breached", r.breached], ["running", r.inProgress]];
        return (
          <g key={r.key ?? i}>
            <title>{`${r.label}: ${r.met} met, ${r.breached} breached, ${r.inProgress} running${r.compliancePercent !== null ? ` (${r.compliancePercent}%)` : ""}`}</title>
            {parts.map(([cls, n]) => {
              const bh = (n / max) * h;
              y -= bh;
              return <rect key={cls} className={cls} x={i * bw + 2} y={y} width={Math.max(1, bw - 4)} height={bh} />;
            })}
            {series.length <= 16 ? <text x={i * bw + bw / 2} y={h + 14} textAnchor="middle">{r.label.slice(5)}</text> : null}
          </g>
        );
      })}
    </svg>
  );
}

/** /service-levels: the compliance report and the breached clocks. */
export function SlaReportPage() {
  const [groupBy, setGroupBy] = useState("definition");
  const [interval, setInterval] = useState("day");
  const [from, setFrom] = useState(dateOnly(Date.now() - 30 * DAY));
  const [to, setTo] = useState(dateOnly(Date.now() + DAY));
  const report = useApi((signal) => slaApi.report({ groupBy, interval, from: `${from}T00:00:00.000Z`, to: `${to}T00:00:00.000Z` }, signal), [groupBy, interval, from, to]);
  const breached = useApi((signal) => slaApi.list({ breached: true, state: "breached", sort: "-dueAt", limit: 20 }, signal), []);
  const totals = report.data?.totals;
  return (
    <>
      <PageHeader title="Service levels" description="How well targets are met, and which clocks have breached." />
      <SlaNav current="/service-levels" />
      <div className="sla-toolbar">
        <Field label="Rows by">
          <Select value={groupBy} onChange={(e) => setGroupBy(e.target.value)} options={["definition", "group", "service", "priority", "period"].map((v) => ({ value: v, label: v }))} />
        </Field>
        <Field label="Period">
          <Select value={interval} onChange={(e) => setInterval(e.target.value)} options={["day", "week", "month"].map((v) => ({ value: v, label: v }))} />
        </Field>
        <Field label="From">
          <Input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field label="To">
          <Input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
      </div>
      {report.error ? <p className="subtle">{report.error.message}</p> : null}
      <Card title={totals ? `Compliance ${totals.compliancePercent ?? "—"}% · ${totals.met} met · ${totals.breached} breached · ${totals.inProgress} running` : "Compliance"}>
        <ComplianceChart series={report.data?.series ?? []} />
        <Table
          caption="SLA compliance"
          rowKey={(r) => r.key ?? "none"}
          rows={report.data?.rows ?? []}
          loading={report.loading}
          columns={[
            { key: "label", header: groupBy, render: (r) => r.label },
            { key: "total", header: "Total", align: "right", render: (r) => r.total },
            { key: "met", header: "Met", align: "right", render: (r) => r.met },
            { key: "breached", header: "Breached", align: "right", render: (r) => r.breached },
            { key: "running", header: "Running", align: "right", render: (r) => r.inProgress },
            { key: "pct", header: "Compliance", align: "right", render: (r) => (r.compliancePercent === null ? "—" : `${r.compliancePercent}%`) },
          ]}
        />
      </Card>
      <Card title="Recently breached">
        <Table
          caption="Breached SLAs"
          rowKey={(s) => s.id}
          rows={breached.data?.items ?? []}
          loading={breached.loading}
          empty="Nothing has breached."
          columns={[
            { key: "ticket", header: "Ticket", render: (s) => <Link to={`/service-desk/tickets/${s.ticketNumber}`}>{s.ticketNumber}</Link> },
            { key: "name", header: "SLA", render: (s) => s.name },
            { key: "state", header: "State", render: (s) => <SlaBadge slas={[s]} /> },
            { key: "due", header: "Breached", render: (s) => <Time value={s.dueAt} /> },
          ]}
        />
      </Card>
    </>
  );
}
