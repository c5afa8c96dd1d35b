import { useMemo, useState } from "react";
import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Button, IconButton } from "../../components/Button";
import { Card } from "../../components/Card";
import { Checkbox, Select } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { useRouter, useSearchParams } from "../../router";
import { ticketPath } from "../tickets/ticketMeta";
import { useFlows } from "../tickets/useFlows";
import { useTicketAccess } from "../tickets/useTicketAccess";
import { fromDateParam, rangeOf, shift, toDateParam, type CalendarView } from "./calendarModel";
import { MonthView, WeekView } from "./CalendarViews";
import { RISK_META } from "./changeMeta";
import { getCalendar } from "./changesApi";
import { CHANGE_RISKS, type CalendarEntry } from "./changeTypes";
import { ChangesLayout } from "./ChangesLayout";
import { ConflictList } from "./ConflictList";
import { NewChangeDialog } from "./NewChangeDialog";

const monthTitle = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric" });
const shortDay = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });
type ColorBy = "state" | "risk";

/** Change management → the change calendar: month and week views, bars by state or risk, blackout windows, conflicts. */
export function ChangeCalendarPage() {
  const { canWrite } = useTicketAccess();
  const { navigate } = useRouter();
  const flows = useFlows();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const view: CalendarView = params.get("view") === "week" ? "week" : "month";
  const anchor = fromDateParam(params.get("date"));
  const colorBy: ColorBy = params.get("color") === "risk" ? "risk" : "state";
  const includeClosed = params.get("closed") === "true";
  const range = useMemo(() => rangeOf(view, anchor), [view, anchor.getTime()]); // eslint-disable-line react-hooks/exhaustive-deps
  const calendar = useApi(
    (signal) => getCalendar({ from: range.from.toISOString(), to: range.to.toISOString(), includeClosed: includeClosed || undefined }, signal),
    [range.from.getTime(), range.to.getTime(), includeClosed],
  );

  const go = (date: Date) => setParams({ date: toDateParam(date) }, { replace: false });
  const colorOf = (entry: CalendarEntry) => (colorBy === "risk" ? `risk-${entry.risk}` : (flows.state("change", entry.state)?.color ?? "gray"));
  const stateLabel = (state: string) => flows.stateLabel("change", state);
  const open = (entry: CalendarEntry) => navigate(ticketPath(entry.number));
  const title = view === "month" ? monthTitle.format(anchor) : `Week of ${shortDay.format(range.from)}`;
  const data = calendar.data;
  const conflicted = (data?.changes ?? []).filter((entry) => entry.conflicts.length > 0);
  const legend =
    colorBy === "risk"
      ? CHANGE_RISKS.map((risk) => ({ key: `risk-${risk}`, label: `${RISK_META[risk].label} risk` }))
      : flows.statesOf("change").filter((s) => includeClosed || s.open).map((s) => ({ key: s.color, label: s.label }));

  return (
    <ChangesLayout>
      <PageHeader
        title="Change calendar"
        description="Planned changes and blackout windows. Changes on the same CI or service at the same time, and changes inside a blackout window, are marked as conflicts."
        actions={
          canWrite ? (
            <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
              New change
            </Button>
          ) : null
        }
      />
      <div className="toolbar cal-toolbar">
        <div className="cal-nav" role="group" aria-label="Period">
          <IconButton icon="chevronLeft" label={view === "month" ? "Previous month" : "Previous week"} onClick={() => go(shift(view, anchor, -1))} />
          <Button size="sm" onClick={() => go(new Date())}>
            Today
          </Button>
          <IconButton icon="chevronRight" label={view === "month" ? "Next month" : "Next week"} onClick={() => go(shift(view, anchor, 1))} />
          <h2 className="cal-title" aria-live="polite">
            {title}
          </h2>
        </div>
        <div className="cal-view-toggle" role="group" aria-label="View">
          {(["month", "week"] as const).map((v) => (
            <button key={v} type="button" className="cal-toggle" aria-pressed={view === v} onClick={() => setParams({ view: v === "month" ? null : v })}>
              {v === "month" ? "Month" : "Week"}
            </button>
          ))}
        </div>
        <Select
          aria-label="Colour bars by"
          value={colorBy}
          options={[
            { value: "state", label: "Colour by state" },
            { value: "risk", label: "Colour by risk" },
          ]}
          onChange={(event) => setParams({ color: event.target.value === "risk" ? "risk" : null })}
        />
        <Checkbox label="Closed and canceled" checked={includeClosed} onChange={(event) => setParams({ closed: event.target.checked || null })} />
      </div>
      {calendar.error ? (
        <Alert tone="danger" title="The calendar could not be loaded">
          {calendar.error.message}
        </Alert>
      ) : (
        <div className={calendar.loading ? "cal-wrap cal-loading" : "cal-wrap"} aria-busy={calendar.loading || undefined}>
          {view === "month" ? (
            <MonthView range={range} month={anchor.getMonth()} changes={data?.changes ?? []} blackouts={data?.blackouts ?? []} colorOf={colorOf} stateLabel={stateLabel} onOpen={open} />
          ) : (
            <WeekView range={range} changes={data?.changes ?? []} blackouts={data?.blackouts ?? []} colorOf={colorOf} stateLabel={stateLabel} onOpen={open} />
          )}
        </div>
      )}
      <ul className="cal-legend" aria-label="Legend">
        {legend.map((item) => (
          <li key={item.key}>
            <span className="cal-swatch" data-color={item.key} aria-hidden="true" />
            {item.label}
          </li>
        ))}
        <li>
          <span className="cal-swatch cal-swatch-blackout" aria-hidden="true" />
          Blackout window
        </li>
        <li>
          <span className="cal-swatch cal-swatch-conflict" aria-hidden="true" />
          Has conflicts
        </li>
      </ul>
      {conflicted.length ? (
        <Card title={`Conflicts in this ${view}`} description="Changes whose planned window collides with another change on the same CI or service, or with a blackout window." className="cal-conflicts">
          {conflicted.map((entry) => (
            <div key={entry.id} className="cal-conflict-item">
              <button type="button" className="link-button" onClick={() => open(entry)}>
                <strong>{entry.number}</strong> {entry.title}
              </button>
              <ConflictList conflicts={entry.conflicts} />
            </div>
          ))}
        </Card>
      ) : null}
      <NewChangeDialog open={creating} onClose={() => setCreating(false)} onCreated={(t) => navigate(ticketPath(t.number))} />
    </ChangesLayout>
  );
}
