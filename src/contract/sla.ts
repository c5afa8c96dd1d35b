/** Service level management: business calendars (working hours, holidays, time zone). */
import { Type, type Static } from "@sinclair/typebox";

/** Weekdays in ISO order (Monday first), the keys of a calendar's working hours. */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const WallTime = (description: string, allow24: boolean) =>
  Type.String({ pattern: allow24 ? "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$" : "^([01][0-9]|2[0-3]):[0-5][0-9]$", description });
const IsoDate = (description: string) => Type.String({ pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description });
const HolidayName = Type.Optional(Type.String({ maxLength: 120, description: "What the day is, e.g. Christmas Day" }));

export const WorkingInterval = Type.Object(
  {
    start: WallTime("Local wall-clock start, HH:MM (00:00-23:59)", false),
    end: WallTime("Local wall-clock end, HH:MM, after start; 24:00 means midnight at the end of the day", true),
  },
  { additionalProperties: false, description: "One span of working time on a weekday, in the calendar's time zone" },
);
export type WorkingInterval = Static<typeof WorkingInterval>;

const DayHours = Type.Array(WorkingInterval, {
  maxItems: 24,
  description: "Working intervals of the day; none (or the key left out) means a day off. Intervals may touch but not overlap",
});

export const WeeklyHours = Type.Object(
  {
    mon: Type.Optional(DayHours),
    tue: Type.Optional(DayHours),
    wed: Type.Optional(DayHours),
    thu: Type.Optional(DayHours),
    fri: Type.Optional(DayHours),
    sat: Type.Optional(DayHours),
    sun: Type.Optional(DayHours),
  },
  { additionalProperties: false, description: "Working hours per weekday (mon..sun)" },
);
export type WeeklyHours = Static<typeof WeeklyHours>;

export const Holiday = Type.Union(
  [
    Type.Object(
      { kind: Type.Literal("date"), date: IsoDate("The day off, YYYY-MM-DD, in the calendar's time zone"), name: HolidayName },
      { additionalProperties: false, description: "A single day off" },
    ),
    Type.Object(
      { kind: Type.Literal("range"), from: IsoDate("First day off, YYYY-MM-DD"), to: IsoDate("Last day off (inclusive), YYYY-MM-DD"), name: HolidayName },
      { additionalProperties: false, description: "Consecutive days off, both ends included" },
    ),
    Type.Object(
      { kind: Type.Literal("yearly"), monthDay: Type.String({ pattern: "^[0-9]{2}-[0-9]{2}$", description: "MM-DD, e.g. 12-25; 02-29 applies in leap years only" }), name: HolidayName },
      { additionalProperties: false, description: "The same day off every year" },
    ),
  ],
  { description: "A day off: kind date, range or yearly. The whole local day (00:00-24:00) is not working time" },
);
export type Holiday = Static<typeof Holiday>;

export const CalendarDefinition = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120, description: "Calendar name, e.g. Berlin office hours" }),
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: "IANA time zone the hours and holidays are read in, e.g. Europe/Berlin" }),
    hours: WeeklyHours,
    holidays: Type.Optional(Type.Array(Holiday, { maxItems: 2000, description: "Days off; default none" })),
  },
  { additionalProperties: false, title: "BusinessCalendar", description: "When SLA clocks count: working hours per weekday in a time zone, minus holidays" },
);
export type CalendarDefinition = Static<typeof CalendarDefinition>;
