const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 30],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

/** "3 minutes ago", "in 2 days": coarse relative wording for a timestamp. */
export function formatRelative(date: Date, now: Date = new Date()): string {
  let value = (date.getTime() - now.getTime()) / 1000;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) {
      if (unit === "second" && Math.abs(value) < 45) return value <= 0 ? "just now" : "in a moment";
      return relative.format(Math.round(value), unit);
    }
    value /= size;
  }
  return absolute.format(date);
}

/** Full local date and time, e.g. for tooltips and audit entries. */
export function formatDateTime(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : absolute.format(date);
}

export interface TimeProps {
  value: string | null | undefined;
  /** "relative" (default) shows "2 hours ago", "date" only the day, "datetime" date and time. */
  format?: "relative" | "date" | "datetime";
  /** Text when there is no value. */
  fallback?: string;
}

/** A <time> element with the exact moment in its tooltip. */
export function Time({ value, format = "relative", fallback = "—" }: TimeProps) {
  if (!value) return <span className="subtle">{fallback}</span>;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return <span>{value}</span>;
  const text = format === "relative" ? formatRelative(date) : format === "date" ? dateOnly.format(date) : absolute.format(date);
  return (
    <time dateTime={value} title={absolute.format(date)}>
      {text}
    </time>
  );
}
