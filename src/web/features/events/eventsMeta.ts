/** Severities and statuses as the console shows them: order, labels, badge tones, colours. */
import type { BadgeTone } from "../../components/Badge";
import type { AlertSeverity, AlertStatus } from "./eventsApi";

export const SEVERITIES: AlertSeverity[] = ["critical", "major", "minor", "warning", "info"];

export const SEVERITY_META: Record<AlertSeverity, { label: string; tone: BadgeTone; colour: string }> = {
  critical: { label: "Critical", tone: "danger", colour: "#b3261e" },
  major: { label: "Major", tone: "danger", colour: "#e8590c" },
  minor: { label: "Minor", tone: "warning", colour: "#f2a100" },
  warning: { label: "Warning", tone: "warning", colour: "#c9b400" },
  info: { label: "Info", tone: "info", colour: "#3b73b9" },
};

export const STATUS_META: Record<AlertStatus, { label: string; tone: BadgeTone }> = {
  firing: { label: "Firing", tone: "danger" },
  acknowledged: { label: "Acknowledged", tone: "accent" },
  suppressed: { label: "Suppressed", tone: "neutral" },
  resolved: { label: "Resolved", tone: "success" },
};

/** How the console groups the alert list. */
export const GROUPINGS = [
  { value: "", label: "No grouping" },
  { value: "ci", label: "By CI" },
  { value: "service", label: "By service" },
  { value: "group", label: "By alert group" },
] as const;
