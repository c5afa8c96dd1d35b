/** Test helpers of the SLA module: an app with a worker to drain, and history rewritten to chosen times. */
import { expect } from "vitest";
import { createTestApp, type TestApp, type TestUser } from "../../../../test/helpers/test-app.js";
import { Worker } from "../../platform/jobs.js";
import type { Db } from "../../platform/db/schema.js";

export const MIN = 60_000;
export const HOUR = 60 * MIN;

export interface SlaKit {
  t: TestApp;
  worker: Worker;
  /** Runs outbox events and due jobs until nothing is left. */
  drain(): Promise<void>;
  post(url: string, payload: unknown, who?: TestUser): Promise<{ statusCode: number; json(): any; body: string }>;
  get(url: string, who?: TestUser): Promise<{ statusCode: number; json(): any; body: string }>;
  patch(url: string, payload: unknown, who?: TestUser): Promise<{ statusCode: number; json(): any; body: string }>;
  /** Creates a definition (201 expected) and makes it effective from `from` (epoch ms). */
  definition(body: Record<string, unknown>, from?: number): Promise<any>;
  incident(body?: Record<string, unknown>): Promise<any>;
  transition(ref: string, body: Record<string, unknown>): Promise<any>;
  /** Gives the ticket's creation and its history moments (created, field and state changes, in order) these times. */
  backdate(ticketId: string, times: number[]): Promise<void>;
}

/** Builds the kit on a fresh app. */
export async function slaKit(): Promise<SlaKit> {
  const t = await createTestApp();
  const worker = new Worker({ db: t.db, jobs: t.built.ctx.jobs, events: t.built.ctx.events, pollMs: 10 });
  const as = (who?: TestUser) => (who ?? t.admin).auth;
  const kit: SlaKit = {
    t,
    worker,
    async drain() {
      for (let i = 0; i < 50 && (await worker.tick()) > 0; i++);
    },
    post: (url, payload, who) => t.app.inject({ method: "POST", url, headers: as(who), payload: payload as object }),
    get: (url, who) => t.app.inject({ method: "GET", url, headers: as(who) }),
    patch: (url, payload, who) => t.app.inject({ method: "PATCH", url, headers: as(who), payload: payload as object }),
    async definition(body, from = Date.now() - 1000 * HOUR) {
      const res = await kit.post("/api/v1/sla-definitions", body);
      expect(res.statusCode, res.body).toBe(201);
      await t.db.updateTable("sla_definitions").set({ created_at: new Date(from).toISOString() }).where("id", "=", res.json().id).execute();
      return res.json();
    },
    async incident(body = {}) {
      const res = await kit.post("/api/v1/incidents", { title: "Mail is down", ...body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    },
    async transition(ref, body) {
      const res = await kit.post(`/api/v1/tickets/${ref}/transitions`, body);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    },
    backdate: (ticketId, times) => backdate(t.db, ticketId, times),
  };
  return kit;
}

/** Rewrites the times of a ticket's history moments (the first is its creation). */
export async function backdate(db: Db, ticketId: string, times: number[]): Promise<void> {
  const entries = await db.selectFrom("ticket_timeline").select("id").where("ticket_id", "=", Number(ticketId)).where("type", "in", ["created", "field_change", "state_change"]).orderBy("id").execute();
  expect(entries.length, "history moments").toBe(times.length);
  await db.updateTable("tickets").set({ created_at: new Date(times[0]).toISOString() }).where("id", "=", Number(ticketId)).execute();
  for (let i = 0; i < entries.length; i++) await db.updateTable("ticket_timeline").set({ at: new Date(times[i]).toISOString() }).where("id", "=", entries[i].id).execute();
}
