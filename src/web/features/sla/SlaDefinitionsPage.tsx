/** Definitions admin: the list, a form (rules as JSON for the conditions) and "test this definition against ticket X". */
import { useState } from "react";
import { toApiError } from "../../api/client";
import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Field, Input, Select, Textarea } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { Table } from "../../components/Table";
import { SlaNav } from "./SlaNav";
import { SlaProgress } from "./SlaPanel";
import { formatMs, SLA_STATE_LABELS, slaApi, type SlaDefinition, type SlaDefinitionInput, type TicketSla } from "./slaApi";
import "./sla.css";

const RULE_KEYS = ["appliesTo", "startWhen", "pauseWhen", "stopWhen", "cancelWhen", "resetOn", "warnings", "retroactiveStart"] as const;
const EMPTY_RULES = JSON.stringify({ appliesTo: { kinds: ["incident"], priorities: [1] } }, null, 2);

interface Draft {
  id?: string;
  version?: number;
  name: string;
  type: "sla" | "ola" | "uc";
  target: "response" | "resolution";
  durationMinutes: string;
  calendarId: string;
  active: boolean;
  rules: string;
}

const draftOf = (d?: SlaDefinition): Draft =>
  d
    ? { id: d.id, version: d.version, name: d.name, type: d.type, target: d.target, durationMinutes: String(d.durationMinutes), calendarId: d.calendarId, active: d.active, rules: JSON.stringify(Object.fromEntries(RULE_KEYS.map((k) => [k, d[k]])), null, 2) }
    : { name: "", type: "sla", target: "resolution", durationMinutes: "240", calendarId: "24x7", active: true, rules: EMPTY_RULES };

function inputOf(d: Draft): SlaDefinitionInput {
  return { name: d.name, type: d.type, target: d.target, durationMinutes: Number(d.durationMinutes), calendarId: d.calendarId, active: d.active, ...(JSON.parse(d.rules || "{}") as object) };
}

function PreviewResult({ items, reasons }: { items: TicketSla[]; reasons: string[] }) {
  if (!items.length) return <Alert tone="info" title="It would not apply">{reasons.join("; ") || "No moment of the ticket's history matches."}</Alert>;
  return (
    <ul className="sla-list">
      {items.map((s) => (
        <li key={s.id} className="sla-item">
          <strong>Cycle {s.cycle}: {SLA_STATE_LABELS[s.state]}</strong>
          <SlaProgress sla={s} />
          <span className="muted">{s.explanation} · {formatMs(s.remainingMs)} left</span>
        </li>
      ))}
    </ul>
  );
}

/** /service-levels/definitions */
export function SlaDefinitionsPage() {
  const list = useApi((signal) => slaApi.definitions(signal), []);
  const calendars = useApi((signal) => slaApi.calendars(signal), []);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ticket, setTicket] = useState("");
  const [preview, setPreview] = useState<{ items: TicketSla[]; reasons: string[] } | null>(null);
  const set = (patch: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...patch } : d));
  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof SyntaxError ? `Rules: ${e.message}` : toApiError(e).message);
    }
  };
  const save = () =>
    run(async () => {
      const input = inputOf(draft!);
      if (draft!.id) await slaApi.updateDefinition(draft!.id, { ...input, version: draft!.version });
      else await slaApi.createDefinition(input);
      setDraft(null);
      list.reload();
    });
  return (
    <>
      <PageHeader title="SLA definitions" description="Agreements (SLA), internal targets (OLA) and vendor contracts (UC): which tickets, how long, and when the clock pauses or stops." actions={<Button variant="primary" icon="plus" onClick={() => (setDraft(draftOf()), setPreview(null))}>New definition</Button>} />
      <SlaNav current="/service-levels/definitions" />
      {draft ? (
        <Card title={draft.id ? `Edit ${draft.name}` : "New definition"}>
          <div className="sla-form">
            {error ? <Alert tone="danger">{error}</Alert> : null}
            <div className="sla-form__row">
              <Field label="Name" required><Input value={draft.name} onChange={(e) => set({ name: e.target.value })} /></Field>
              <Field label="Type"><Select value={draft.type} onChange={(e) => set({ type: e.target.value as Draft["type"] })} options={[{ value: "sla", label: "SLA" }, { value: "ola", label: "OLA" }, { value: "uc", label: "Underpinning contract" }]} /></Field>
              <Field label="Target"><Select value={draft.target} onChange={(e) => set({ target: e.target.value as Draft["target"] })} options={[{ value: "response", label: "Response" }, { value: "resolution", label: "Resolution" }]} /></Field>
              <Field label="Minutes"><Input type="number" min={1} value={draft.durationMinutes} onChange={(e) => set({ durationMinutes: e.target.value })} /></Field>
              <Field label="Calendar"><Select value={draft.calendarId} onChange={(e) => set({ calendarId: e.target.value })} options={(calendars.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} /></Field>
              <Field label="Active"><Select value={draft.active ? "yes" : "no"} onChange={(e) => set({ active: e.target.value === "yes" })} options={[{ value: "yes", label: "Active" }, { value: "no", label: "Inactive" }]} /></Field>
            </div>
            <Field label="Rules" hint="appliesTo {kinds, priorities, serviceIds, ciClasses, requesterGroupIds, assignmentGroupIds, categories}; startWhen / pauseWhen / stopWhen / cancelWhen: lists of {states, onHoldReasons, assigned}; resetOn; warnings (percent); retroactiveStart. Left out: the defaults.">
              <Textarea rows={10} value={draft.rules} onChange={(e) => set({ rules: e.target.value })} spellCheck={false} />
            </Field>
            <div className="sla-toolbar">
              <Field label="Test against ticket"><Input placeholder="INC0001001" value={ticket} onChange={(e) => setTicket(e.target.value)} /></Field>
              <Button onClick={() => run(async () => setPreview(await slaApi.preview(ticket.trim(), inputOf(draft))))} disabled={!ticket.trim()}>Test</Button>
              <Button variant="primary" onClick={save}>Save</Button>
              <Button variant="ghost" onClick={() => setDraft(null)}>Cancel</Button>
            </div>
            {preview ? <PreviewResult {...preview} /> : null}
          </div>
        </Card>
      ) : null}
      <Table
        caption="SLA definitions"
        rowKey={(d) => d.id}
        rows={list.data?.items ?? []}
        loading={list.loading}
        empty="No definitions yet."
        onRowClick={(d) => (setDraft(draftOf(d)), setPreview(null))}
        columns={[
          { key: "name", header: "Name", render: (d) => d.name },
          { key: "type", header: "Type", render: (d) => d.type.toUpperCase() },
          { key: "target", header: "Target", render: (d) => d.target },
          { key: "duration", header: "Duration", render: (d) => formatMs(d.durationMinutes * 60_000) },
          { key: "applies", header: "Applies to", render: (d) => <code>{JSON.stringify(d.appliesTo)}</code> },
          { key: "active", header: "Active", render: (d) => (d.active ? "yes" : "no") },
        ]}
      />
    </>
  );
}
