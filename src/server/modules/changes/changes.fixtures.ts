/** Test factories for the changes module's tests: changes, CIs, groups, rules, transitions over the HTTP API. */
import { expect } from "vitest";
import { createTestApp, type TestApp, type TestUser } from "../../../../test/helpers/test-app.js";

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
type Json = Record<string, any>;

export interface ChangeKit {
  t: TestApp;
  /** An agent who works the changes. */
  agent: TestUser;
  call(method: Method, url: string, payload?: unknown, who?: TestUser): Promise<{ status: number; body: Json }>;
  /** Creates a change (201 expected) and returns it. */
  change(body?: Json, who?: TestUser): Promise<Json>;
  /** POSTs a transition; returns status and body. */
  move(ref: string, transition: string, extra?: Json, who?: TestUser): Promise<{ status: number; body: Json }>;
  /** Moves through several transitions, each expected to succeed. */
  walk(ref: string, steps: Array<string | [string, Json]>, who?: TestUser): Promise<Json>;
  ci(name: string, cls?: string, criticality?: string | null): Promise<string>;
  relate(sourceId: string, type: string, targetId: string): Promise<void>;
  group(name: string, members: TestUser[]): Promise<string>;
  rule(body: Json): Promise<Json>;
  close(): Promise<void>;
}

/** Hours from a fixed base in the future, as ISO strings (no dependence on the clock's exact value). */
export const at = (hours: number) => new Date(Date.UTC(2031, 0, 6, 0, 0, 0) + hours * 3_600_000).toISOString();

/** A fresh app with an agent, and helpers. */
export async function changeKit(): Promise<ChangeKit> {
  const t = await createTestApp();
  const agent = await t.user("agent");
  const call: ChangeKit["call"] = async (method, url, payload, who = agent) => {
    const res = await t.app.inject({ method, url, headers: who.auth, ...(payload !== undefined ? { payload: payload as Json } : {}) });
    return { status: res.statusCode, body: res.body ? res.json() : {} };
  };
  const move: ChangeKit["move"] = (ref, transition, extra = {}, who) => call("POST", `/api/v1/tickets/${ref}/transitions`, { transition, ...extra }, who);
  return {
    t,
    agent,
    call,
    move,
    async change(body = {}, who) {
      const res = await call("POST", "/api/v1/changes", { title: "Upgrade the database", ...body }, who);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    },
    async walk(ref, steps, who) {
      let last: Json = {};
      for (const step of steps) {
        const [name, extra] = typeof step === "string" ? [step, {}] : step;
        const res = await move(ref, name, extra, who);
        expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(200);
        last = res.body;
      }
      return last;
    },
    async ci(name, cls = "linux_server", criticality = null) {
      const res = await call("POST", "/api/v1/cis", { class: cls, name, ...(criticality ? { criticality } : {}) }, t.admin);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    },
    async relate(sourceId, type, targetId) {
      const res = await call("POST", "/api/v1/relationships", { sourceId, type, targetId }, t.admin);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    },
    async group(name, members) {
      const res = await call("POST", "/api/v1/groups", { name }, t.admin);
      expect(res.status).toBe(201);
      for (const m of members) expect((await call("PUT", `/api/v1/groups/${res.body.id}/members/${m.user.id}`, undefined, t.admin)).status).toBe(204);
      return res.body.id as string;
    },
    async rule(body) {
      const res = await call("POST", "/api/v1/change-approval-rules", body, t.admin);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    },
    close: () => t.close(),
  };
}
