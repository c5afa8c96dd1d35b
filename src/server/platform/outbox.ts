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
/** A handler of several events of one type at once, in outbox order. */
export type BatchEventHandler = (events: DomainEvent[]) => Promise<void>;

/** Registry of event handlers: `on("incident.resolved", stopSlaClocks)`. */
export class EventBus {
  readonly #handlers = new Map<string, EventHandler[]>();
  readonly #batchHandlers = new Map<string, BatchEventHandler[]>();

  /**
   * Registers a handler that receives the consecutive events of one type that a dispatch round
   * claimed, in order (one pass over many events: a busy type's no-op cases cost one query per
   * round instead of one per event). Like any handler it must be safe to run again on an event:
   * a failed batch is retried one event at a time, and a failed event later on its own.
   */
  onBatch(type: string, handler: BatchEventHandler): void {
    this.#batchHandlers.set(type, [...(this.#batchHandlers.get(type) ?? []), handler]);
  }

  /** The batch handlers of a type. */
  batchHandlersFor(type: string): BatchEventHandler[] {
    return this.#batchHandlers.get(type) ?? [];
  }

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
