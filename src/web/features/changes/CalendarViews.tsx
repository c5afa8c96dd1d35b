import type { CSSProperties, ReactNode } from "react";
import { Icon } from "../../components/Icon";
import { formatDateTime } from "../../components/Time";
import { addDays, coversDay, layoutWeek, positionIn, startOfDay, toDateParam, weeksOf } from "./calendarModel";
import { riskLabel } from "./changeMeta";
import type { Blackout, CalendarEntry } from "./changeTypes";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const dayName = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });
const monthDay = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

export interface ViewProps {
  range: { from: Date; to: Date };
  /** The month the month view is about (days outside it are dimmed). */
  month?: number;
  changes: CalendarEntry[];
  blackouts: Blackout[];
  /** The colour key of a change's bar (a state colour or a risk). */
  colorOf: (entry: CalendarEntry) => string;
  stateLabel: (state: string) => string;
  onOpen: (entry: CalendarEntry) => void;
}

const span = (entry: CalendarEntry) => ({ start: entry.plannedStart, end: entry.plannedEnd });
const blackoutSpan = (b: Blackout) => ({ start: b.startsAt, end: b.endsAt });

function describe(entry: CalendarEntry, stateLabel: (state: string) => string): string {
  const conflicts = entry.conflicts.length ? `, ${entry.conflicts.length} conflict${entry.conflicts.length === 1 ? "" : "s"}` : "";
  return `${entry.number} ${entry.title} — ${stateLabel(entry.state)}, ${riskLabel(entry.risk)} risk, ${formatDateTime(entry.plannedStart)} to ${formatDateTime(entry.plannedEnd)}${conflicts}`;
}

function Bar({ entry, color, label, style, className, onOpen, children }: { entry: CalendarEntry; color: string; label: string; style: CSSProperties; className: string; onOpen: () => void; children: ReactNode }) {
  return (
    <button type="button" className={`${className}${entry.conflicts.length ? " cal-bar-conflict" : ""}`} data-color={color} style={style} title={label} aria-label={label} onClick={onOpen}>
      {entry.conflicts.length ? <Icon name="alert" size={12} className="cal-bar-icon" /> : null}
      {children}
    </button>
  );
}

/** Six (or four, five) weeks of days; changes as bars across the days they cover, blackout days shaded. */
export function MonthView({ range, month, changes, blackouts, colorOf, stateLabel, onOpen }: ViewProps) {
  const today = toDateParam(new Date());
  return (
    <div className="cal-month" role="region" aria-label="Change calendar, month view">
      <div className="cal-weekdays">
        {WEEKDAYS.map((day) => (
          <div key={day} className="cal-weekday">
            {day}
          </div>
        ))}
      </div>
      {weeksOf(range).map((week) => {
        const segments = layoutWeek(changes.map((entry) => ({ ...span(entry), entry })), week[0]!);
        const frozen = layoutWeek(blackouts.map((b) => ({ ...blackoutSpan(b), blackout: b })), week[0]!);
        const lanes = Math.max(0, ...segments.map((s) => s.lane + 1));
        return (
          <div key={toDateParam(week[0]!)} className="cal-week" style={{ gridTemplateRows: `26px 18px ${lanes ? `repeat(${lanes}, 24px) ` : ""}minmax(14px, 1fr)` }}>
            {week.map((day, column) => {
              const shaded = blackouts.filter((b) => coversDay(blackoutSpan(b), day));
              const classes = ["cal-day", month !== undefined && day.getMonth() !== month ? "cal-day-outside" : "", shaded.length ? "cal-day-blackout" : "", toDateParam(day) === today ? "cal-day-today" : ""];
              return (
                <div key={column} className={classes.filter(Boolean).join(" ")} style={{ gridColumn: column + 1 }} title={shaded.length ? `Blackout: ${shaded.map((b) => b.name).join(", ")}` : undefined}>
                  <span className="cal-day-number">{day.getDate() === 1 ? monthDay.format(day) : day.getDate()}</span>
                </div>
              );
            })}
            {frozen
              .filter((s) => !s.continuesBefore || s.column === 0)
              .map((s) => (
                <span key={`b-${s.item.blackout.id}`} className="cal-blackout-label" style={{ gridColumn: `${s.column + 1} / span ${s.span}` }}>
                  <Icon name="lock" size={11} /> {s.item.blackout.name}
                </span>
              ))}
            {segments.map((s) => (
              <Bar
                key={s.item.entry.id}
                entry={s.item.entry}
                color={colorOf(s.item.entry)}
                label={describe(s.item.entry, stateLabel)}
                className={["cal-bar", s.continuesBefore ? "cal-bar-cont-before" : "", s.continuesAfter ? "cal-bar-cont-after" : ""].filter(Boolean).join(" ")}
                style={{ gridColumn: `${s.column + 1} / span ${s.span}`, gridRow: s.lane + 3 }}
                onOpen={() => onOpen(s.item.entry)}
              >
                <span className="cal-bar-number">{s.item.entry.number}</span> <span className="cal-bar-title">{s.item.entry.title}</span>
              </Bar>
            ))}
          </div>
        );
      })}
    </div>
  );
}

/** One week as a timeline: a row per change, its bar at its exact hours; blackout windows as shaded bands. */
export function WeekView({ range, changes, blackouts, colorOf, stateLabel, onOpen }: ViewProps) {
  const days = Array.from({ length: 7 }, (_, i) => addDays(range.from, i));
  const now = new Date();
  const nowPos = now >= range.from && now < range.to ? positionIn({ start: now.toISOString(), end: now.toISOString() }, range.from, range.to).left : null;
  const bands = blackouts.map((b) => ({ b, pos: positionIn(blackoutSpan(b), range.from, range.to) }));
  return (
    <div className="cal-weekview" role="region" aria-label="Change calendar, week view">
      <div className="cal-wk-head">
        <div className="cal-wk-label" />
        <div className="cal-wk-days">
          {days.map((day) => (
            <div key={toDateParam(day)} className={toDateParam(day) === toDateParam(startOfDay(now)) ? "cal-wk-day cal-day-today" : "cal-wk-day"}>
              {dayName.format(day)}
            </div>
          ))}
        </div>
      </div>
      <div className="cal-wk-body">
        <div className="cal-wk-bands" aria-hidden="true">
          {days.map((day) => (
            <div key={toDateParam(day)} className="cal-wk-gridline" />
          ))}
        </div>
        <div className="cal-wk-overlay">
          {bands.map(({ b, pos }) => (
            <div key={b.id} className="cal-wk-blackout" style={{ left: `${pos.left}%`, width: `${pos.width}%` }} title={`Blackout: ${b.name}`}>
              <span>
                <Icon name="lock" size={11} /> {b.name}
              </span>
            </div>
          ))}
          {nowPos !== null ? <div className="cal-wk-now" style={{ left: `${nowPos}%` }} /> : null}
        </div>
        {changes.length === 0 ? <p className="cal-wk-empty subtle">No change is planned this week.</p> : null}
        {changes.map((entry) => {
          const pos = positionIn(span(entry), range.from, range.to);
          return (
            <div key={entry.id} className="cal-wk-row">
              <div className="cal-wk-label">
                <span className="cal-bar-number">{entry.number}</span>
                <span className="cal-wk-title">{entry.title}</span>
              </div>
              <div className="cal-wk-track">
                <Bar entry={entry} color={colorOf(entry)} label={describe(entry, stateLabel)} className="cal-bar cal-wk-bar" style={{ left: `${pos.left}%`, width: `${pos.width}%` }} onOpen={() => onOpen(entry)}>
                  <span className="cal-bar-title">{entry.ci?.name ?? entry.title}</span>
                </Bar>
                <span className="cal-wk-when" style={pos.left + pos.width > 80 ? { right: `calc(${100 - pos.left}% + 6px)` } : { left: `calc(${pos.left}% + max(${pos.width}%, 30px) + 6px)` }} aria-hidden="true">
                  {timeOnly.format(new Date(entry.plannedStart))}–{timeOnly.format(new Date(entry.plannedEnd))}
                  {entry.ci ? ` · ${entry.ci.name}` : ""}
                </span>
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
