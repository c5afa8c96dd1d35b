import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, type TestUser } from "../../../../test/helpers/test-app.js";

let t: TestApp;
let dataDir: string;
let agent: TestUser;
let requester: TestUser;

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-att-"));
  t = await createTestApp({ dataDir });
  agent = await t.user("agent");
  requester = await t.user("requester");
});
afterEach(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

function upload(who: TestUser, ref: string, body: Buffer | string, contentType: string, query = "filename=screen.png") {
  return t.app.inject({ method: "POST", url: `/api/v1/tickets/${ref}/attachments?${query}`, headers: { ...who.auth, "content-type": contentType }, payload: body });
}

describe("attachments", () => {
  it("stores, lists and serves files only to those who may see the ticket", async () => {
    const mine = (await t.app.inject({ method: "POST", url: "/api/v1/incidents", headers: requester.auth, payload: { title: "Screen flickers" } })).json();
    const res = await upload(requester, mine.number, PNG, "image/png");
    expect(res.statusCode, res.body).toBe(201);
    const att = res.json();
    expect(att).toMatchObject({ filename: "screen.png", contentType: "image/png", size: PNG.length, public: true });
    expect(fs.readdirSync(path.join(dataDir, "attachments", mine.id))).toEqual([att.id]);
    const internal = await upload(agent, mine.number, "log line\n", "text/plain", "filename=trace.log&public=false");
    expect(internal.statusCode).toBe(201);
    expect((await t.app.inject({ method: "GET", url: `/api/v1/tickets/${mine.number}/attachments`, headers: requester.auth })).json().items.map((a: { filename: string }) => a.filename)).toEqual(["screen.png"]);
    expect((await t.app.inject({ method: "GET", url: `/api/v1/tickets/${mine.number}/attachments`, headers: agent.auth })).json().items).toHaveLength(2);
    const dl = await t.app.inject({ method: "GET", url: `/api/v1/tickets/${mine.number}/attachments/${att.id}`, headers: requester.auth });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers["content-type"]).toBe("image/png");
    expect(dl.headers["content-disposition"]).toContain('attachment; filename="screen.png"');
    expect(dl.headers["x-content-type-options"]).toBe("nosniff");
    expect(dl.rawPayload.equals(PNG)).toBe(true);
    expect((await t.app.inject({ method: "GET", url: `/api/v1/tickets/${mine.number}/attachments/${internal.json().id}`, headers: requester.auth })).statusCode).toBe(404);
    const stranger = await t.user("requester");
    expect((await t.app.inject({ method: "GET", url: `/api/v1/tickets/${mine.number}/attachments/${att.id}`, headers: stranger.auth })).statusCode).toBe(404);
    expect((await upload(stranger, mine.number, PNG, "image/png")).statusCode).toBe(404);
    const timeline = (await t.app.inject({ method: "GET", url: `/api/v1/tickets/${mine.number}/timeline`, headers: requester.auth })).json().items;
    expect(timeline.filter((e: { type: string }) => e.type === "attachment")).toHaveLength(1);
  });

  it("refuses disallowed types, mismatched content, empty and oversize files, leaving nothing behind", async () => {
    const inc = (await t.app.inject({ method: "POST", url: "/api/v1/incidents", headers: agent.auth, payload: { title: "x" } })).json();
    const html = await upload(agent, inc.number, "<script>alert(1)</script>", "text/html", "filename=x.html");
    expect(html.statusCode).toBe(400);
    expect(html.json().error).toBe("attachment.type_not_allowed");
    const fake = await upload(agent, inc.number, "not a png at all", "image/png");
    expect(fake.statusCode).toBe(400);
    expect(fake.json().error).toBe("attachment.content_mismatch");
    expect((await upload(agent, inc.number, Buffer.alloc(0), "text/plain", "filename=empty.txt")).statusCode).toBe(400);
    expect((await upload(agent, inc.number, PNG, "image/png", "filename=a%2Fb.png")).statusCode).toBe(400);
    await t.app.inject({ method: "PATCH", url: "/api/v1/tickets/settings", headers: t.admin.auth, payload: { attachmentMaxBytes: 1024 } });
    const big = await upload(agent, inc.number, Buffer.concat([PNG, Buffer.alloc(2048)]), "image/png");
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe("attachment.too_large");
    const dir = path.join(dataDir, "attachments", inc.id);
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
    expect((await t.app.inject({ method: "GET", url: `/api/v1/tickets/${inc.number}/attachments`, headers: agent.auth })).json().items).toEqual([]);
  });
});
