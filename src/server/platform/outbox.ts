/**
 * Transactional outbox: domain events are written in the same transaction as the change and
 * dispatched after commit to explicitly registered handlers.
 */
import type { Insertable } from "kysely";
import type { DbOrTrx, OutboxTable } from "./db/schema.js";
import { nowIso } from "./time.js";

/** A domain event as handlers receive it. */
export interface DomainEvent<P = Record<string, unknown>> {
  id: number;
  type: string;
  payload: P;
  createdAt: string;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;

/** Registry of event handlers: `on("incident.resolved", stopSlaClocks)`. */
export class EventBus {
  readonly #handlers = new Map<string, EventHandler[]>();

  /** Registers a handler for one event type ("*" receives every event). */
  on(type: string, handler: EventHandler): void {
    const list = this.#handlers.get(type) ?? [];
    list.push(handler);
    this.#handlers.set(type, list);
  }

  /** The handlers an event of this type goes to. */
  handlersFor(type: string): EventHandler[] {
    return [...(this.#handlers.get(type) ?? []), ...(this.#handlers.get("*") ?? [])];
  }
}

/** The row an event is stored as in the outbox; bulk writers insert many of them at once. */
export function outboxRow(event: { type: string; payload?: Record<string, unknown> }, now: string = nowIso()): Insertable<OutboxTable> {
  return { type: event.type, payload: JSON.stringify(event.payload ?? {}), created_at: now, available_at: now, attempts: 0 };
}

/** Writes an event to the outbox; pass the transaction that makes the change. */
export async function emit(db: DbOrTrx, event: { type: string; payload?: Record<string, unknown> }): Promise<void> {
  await db.insertInto("outbox").values(outboxRow(event)).execute();
}
