/** Describes every kind's flow for the UI and the API documentation. */
import { allKinds } from "./tickets.kinds.js";

/** States and transitions of every kind, as data. */
export function describeFlows() {
  return {
    items: allKinds().map((def) => ({
      kind: def.kind,
      initial: def.flow.initial,
      states: Object.entries(def.flow.states).map(([name, s]) => ({ name, label: s.label, color: s.color, open: s.open, terminal: !!s.terminal })),
      transitions: Object.entries(def.flow.transitions).map(([name, t]) => ({ name, label: t.label, from: [...t.from], to: t.to, requires: [...(t.requires ?? [])], who: [...(t.who ?? ["agent"])] })),
    })),
  };
}
