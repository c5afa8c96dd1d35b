/** Severities as data: their order, colours, and how each source's scale maps onto them. */
import { ALERT_SEVERITIES, type AlertSeverity } from "../../../contract/index.js";

/** Rank: 0 is the most severe. */
export const SEVERITY_RANK: Record<AlertSeverity, number> = { critical: 0, major: 1, minor: 2, warning: 3, info: 4 };

/** Metadata shown by the console. */
export const SEVERITY_META: Record<AlertSeverity, { label: string; colour: string }> = {
  critical: { label: "Critical", colour: "#b3261e" },
  major: { label: "Major", colour: "#e8590c" },
  minor: { label: "Minor", colour: "#f2a100" },
  warning: { label: "Warning", colour: "#c9b400" },
  info: { label: "Info", colour: "#3b73b9" },
};

// Words monitoring tools use for their levels, onto the five OpsDesk severities.
const ALIASES: Record<string, AlertSeverity> = {
  critical: "critical", crit: "critical", fatal: "critical", emergency: "critical", emerg: "critical", alert: "critical", disaster: "critical", page: "critical", p1: "critical", sev1: "critical",
  major: "major", high: "major", error: "major", err: "major", p2: "major", sev2: "major",
  minor: "minor", average: "minor", medium: "minor", p3: "minor", sev3: "minor",
  warning: "warning", warn: "warning", low: "warning", p4: "warning", sev4: "warning",
  info: "info", information: "info", informational: "info", notice: "info", debug: "info", none: "info", ok: "info", p5: "info", sev5: "info",
};

/** Maps a source's severity word (any case) to an OpsDesk severity; unknown or missing -> `fallback`. */
export function normaliseSeverity(value: string | undefined | null, fallback: AlertSeverity = "warning"): AlertSeverity {
  if (!value) return fallback;
  return ALIASES[value.trim().toLowerCase()] ?? fallback;
}

/** The more severe of two. */
export function worse(a: AlertSeverity, b: AlertSeverity): AlertSeverity {
  return SEVERITY_RANK[a] <= SEVERITY_RANK[b] ? a : b;
}

/** True when `s` is at least as severe as `threshold`. */
export function atLeast(s: AlertSeverity, threshold: AlertSeverity): boolean {
  return SEVERITY_RANK[s] <= SEVERITY_RANK[threshold];
}

export { ALERT_SEVERITIES };
