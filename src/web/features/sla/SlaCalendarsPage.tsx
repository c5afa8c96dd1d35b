/** Business calendars admin: working hours per weekday in a time zone, and holidays. */
import { useState } from "react";
import { toApiError } from "../../api/client";
import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Field, Input, Textarea } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { Table } from "../../components/Table";
import { SlaNav } from "./SlaNav";
import { slaApi, type SlaCalendar } from "./slaApi";
import "./sla.css";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const OFFICE = Object.fromEntries(WEEKDAYS.slice(0, 5).map((d) => [d, [{ start: "09:00", end: "17:00" }]]));

interface Draft {
  id?: string;
  version?: number;
  name: string;
  timeZone: string;
  hours: string;
  holidays: string;
}

const hoursText = (h: SlaCalendar["hours"]) => WEEKDAYS.filter((d) => h[d]?.length).map((d) => `${d} ${h[d].map((i) => `${i.start}-${i.end}`).join(", ")}`).join("; ") || "never";

/** /service-levels/calendars */
export function SlaCalendarsPage() {
  const list = useApi((signal) => slaApi.calendars(signal), []);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setError(null);
    try {
      const body = { name: draft!.name, timeZone: draft!.timeZone, hours: JSON.parse(draft!.hours), holidays: JSON.parse(draft!.holidays || "[]") };
      if (draft!.id) await slaApi.updateCalendar(draft!.id, { ...body, version: draft!.version });
      else await slaApi.createCalendar(body);
      setDraft(null);
      list.reload();
    } catch (e) {
      setError(e instanceof SyntaxError ? e.message : toApiError(e).message);
    }
  };
  const edit = (c?: SlaCalendar) =>
    setDraft(c ? { id: c.id, version: c.version, name: c.name, timeZone: c.timeZone, hours: JSON.stringify(c.hours, null, 2), holidays: JSON.stringify(c.holidays, null, 2) } : { name: "", timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, hours: JSON.stringify(OFFICE, null, 2), holidays: '[{"kind": "yearly", "monthDay": "12-25", "name": "Christmas Day"}]' });
  return (
    <>
      <PageHeader title="Business calendars" description="When SLA clocks count: working hours per weekday in a time zone, minus holidays. 24x7 is built in." actions={<Button variant="primary" icon="plus" onClick={() => edit()}>New calendar</Button>} />
      <SlaNav current="/service-levels/calendars" />
      {draft ? (
        <Card title={draft.id ? `Edit ${draft.name}` : "New calendar"}>
          <div className="sla-form">
            {error ? <Alert tone="danger">{error}</Alert> : null}
            <div className="sla-form__row">
              <Field label="Name" required><Input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} /></Field>
              <Field label="Time zone" required hint="IANA name, e.g. Europe/Berlin"><Input value={draft.timeZone} onChange={(e) => setDraft({ ...draft, timeZone: e.target.value })} /></Field>
            </div>
            <Field label="Working hours" hint='{"mon": [{"start": "09:00", "end": "17:00"}], ...}; 24:00 ends at midnight'><Textarea rows={8} spellCheck={false} value={draft.hours} onChange={(e) => setDraft({ ...draft, hours: e.target.value })} /></Field>
            <Field label="Holidays" hint='{"kind": "date", "date": "2025-05-01"}, {"kind": "range", "from": ..., "to": ...}, {"kind": "yearly", "monthDay": "12-25"}'><Textarea rows={5} spellCheck={false} value={draft.holidays} onChange={(e) => setDraft({ ...draft, holidays: e.target.value })} /></Field>
            <div className="sla-toolbar">
              <Button variant="primary" onClick={save}>Save</Button>
              <Button variant="ghost" onClick={() => setDraft(null)}>Cancel</Button>
            </div>
          </div>
        </Card>
      ) : null}
      <Table
        caption="Business calendars"
        rowKey={(c) => c.id}
        rows={list.data?.items ?? []}
        loading={list.loading}
        onRowClick={(c) => (c.builtIn ? undefined : edit(c))}
        columns={[
          { key: "name", header: "Name", render: (c) => c.name },
          { key: "zone", header: "Time zone", render: (c) => c.timeZone },
          { key: "hours", header: "Hours", render: (c) => hoursText(c.hours) },
          { key: "holidays", header: "Holidays", align: "right", render: (c) => c.holidays.length },
          { key: "builtIn", header: "", render: (c) => (c.builtIn ? <span className="subtle">built in</span> : null) },
        ]}
      />
    </>
  );
}
