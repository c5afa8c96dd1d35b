import { useEffect, useMemo, useState } from "react";
import type { BadgeTone } from "../../components/Badge";
import { listFlows } from "./ticketsApi";
import { humanize, toneOfColor } from "./ticketMeta";
import type { Flow, FlowState, FlowTransition, TicketKind } from "./ticketTypes";

// flows are code on the server: one request per page load, shared by every page
let flowsPromise: Promise<Flow[]> | null = null;

function loadFlows(): Promise<Flow[]> {
  if (!flowsPromise) {
    flowsPromise = listFlows().then((answer) => answer.items);
    flowsPromise.catch(() => {
      flowsPromise = null;
    });
  }
  return flowsPromise;
}

export interface FlowsValue {
  flows: Flow[];
  /** A flow's state (label, colour, open), when known. */
  state: (kind: TicketKind, name: string) => FlowState | undefined;
  stateLabel: (kind: TicketKind | undefined, name: string) => string;
  stateTone: (kind: TicketKind | undefined, name: string) => BadgeTone;
  /** States of one kind, or of every kind (deduplicated by name) when no kind is given. */
  statesOf: (kind?: TicketKind) => FlowState[];
  /** Transitions of the given kinds, deduplicated by name. */
  transitionsOf: (kinds: TicketKind[]) => FlowTransition[];
}

/** Every kind's states and transitions (GET /tickets/flows), loaded once. */
export function useFlows(): FlowsValue {
  const [flows, setFlows] = useState<Flow[]>([]);
  useEffect(() => {
    let live = true;
    loadFlows().then(
      (items) => live && setFlows(items),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  return useMemo(() => {
    const byKind = new Map(flows.map((flow) => [flow.kind, flow]));
    const anyState = (name: string) => flows.flatMap((flow) => flow.states).find((s) => s.name === name);
    const state = (kind: TicketKind, name: string) => byKind.get(kind)?.states.find((s) => s.name === name);
    const find = (kind: TicketKind | undefined, name: string) => (kind ? state(kind, name) : undefined) ?? anyState(name);
    return {
      flows,
      state,
      stateLabel: (kind, name) => find(kind, name)?.label ?? humanize(name),
      stateTone: (kind, name) => toneOfColor(find(kind, name)?.color),
      statesOf: (kind) => {
        const source = kind ? (byKind.get(kind)?.states ?? []) : flows.flatMap((flow) => flow.states);
        const seen = new Set<string>();
        return source.filter((s) => (seen.has(s.name) ? false : (seen.add(s.name), true)));
      },
      transitionsOf: (kinds) => {
        const seen = new Set<string>();
        return kinds
          .flatMap((kind) => byKind.get(kind)?.transitions ?? [])
          .filter((t) => (seen.has(t.name) ? false : (seen.add(t.name), true)));
      },
    };
  }, [flows]);
}
