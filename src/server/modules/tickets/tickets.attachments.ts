/**
 * Attachments: stored as files under <data>/attachments, size-limited while streaming,
 * content type allow-listed and checked against the file's first bytes, downloadable only by
 * those who may see the ticket (requesters: public attachments of their tickets).
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Attachment } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { toBool } from "../../platform/db/dialect.js";
import { recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { AppError, ForbiddenError, NotFoundError, ValidationError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { isAgent, requireVisible, seesAll } from "./tickets.policy.js";
import { requireTicket } from "./tickets.records.js";
import { ticketSettings } from "./tickets.settings.js";
import { addEntry } from "./tickets.timeline.js";

/** Content types accepted, with the leading bytes a file of the type must start with (when it has a signature). */
const ALLOWED: Record<string, number[][] | null> = {
  "image/png": [[0x89, 0x50, 0x4e, 0x47]],
  "image/jpeg": [[0xff, 0xd8, 0xff]],
  "image/gif": [[0x47, 0x49, 0x46, 0x38]],
  "image/webp": [[0x52, 0x49, 0x46, 0x46]],
  "application/pdf": [[0x25, 0x50, 0x44, 0x46]],
  "application/zip": [[0x50, 0x4b]],
  "application/gzip": [[0x1f, 0x8b]],
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [[0x50, 0x4b]],
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [[0x50, 0x4b]],
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": [[0x50, 0x4b]],
  "text/plain": null,
  "text/csv": null,
  "application/json": null,
  "message/rfc822": null,
  "application/octet-stream": null,
};
export const ATTACHMENT_TYPES = Object.keys(ALLOWED);
const TEXTUAL = new Set(["text/plain", "text/csv", "application/json", "message/rfc822"]);

class PayloadTooLarge extends AppError {
  constructor(limit: number) {
    super(413, "attachment.too_large", `Attachments are limited to ${limit} bytes`, { limit });
  }
}

/** Where a ticket's files live. */
export function attachmentDir(dataDir: string, ticketId: string): string {
  return path.join(path.resolve(dataDir), "attachments", ticketId);
}

function signatureMatches(type: string, head: Buffer): boolean {
  const sigs = ALLOWED[type];
  if (sigs === null) return TEXTUAL.has(type) ? !head.includes(0) : true;
  return sigs.some((sig) => sig.every((b, i) => head[i] === b));
}

function toAttachment(r: { id: string; filename: string; content_type: string; size: number; sha256: string; public: boolean | number; uploaded_by_name: string; created_at: string }): Attachment {
  return { id: r.id, filename: r.filename, contentType: r.content_type, size: Number(r.size), sha256: r.sha256, public: toBool(r.public), uploadedBy: r.uploaded_by_name, createdAt: r.created_at };
}

/** A ticket's attachments (requesters: the public ones). */
export async function listAttachments(db: DbOrTrx, actor: Actor, ref: string) {
  const ticket = await requireTicket(db, ref);
  await requireVisible(db, actor, ticket);
  let q = db.selectFrom("ticket_attachments").selectAll().where("ticket_id", "=", Number(ticket.id));
  if (!seesAll(actor)) q = q.where("public", "=", true);
  return { items: (await q.orderBy("created_at").execute()).map(toAttachment) };
}

/** Streams an upload to disk, then records it; a refused or failed upload leaves no file and no row. */
export async function addAttachment(
  db: Db,
  dataDir: string,
  actor: Actor,
  ref: string,
  input: { filename: string; contentType: string; public?: boolean; body: AsyncIterable<Buffer> },
): Promise<Attachment> {
  const ticket = await requireTicket(db, ref);
  await requireVisible(db, actor, ticket);
  if (!isAgent(actor) && ["closed", "canceled"].includes(ticket.state)) throw new ForbiddenError("ticket.closed", `${ticket.number} is ${ticket.state}`);
  const type = input.contentType.split(";")[0].trim().toLowerCase();
  if (!(type in ALLOWED)) throw new ValidationError("attachment.type_not_allowed", `Files of type ${type} are not accepted`, { field: "content-type", allowed: ATTACHMENT_TYPES });
  const limit = (await ticketSettings(db)).attachmentMaxBytes;
  const id = randomUUID();
  const dir = attachmentDir(dataDir, ticket.id);
  await fs.promises.mkdir(dir, { recursive: true });
  const file = path.join(dir, id);
  const hash = createHash("sha256");
  let size = 0;
  let head = Buffer.alloc(0);
  const out = fs.createWriteStream(file, { flags: "wx" });
  try {
    for await (const chunk of input.body) {
      size += chunk.length;
      if (size > limit) throw new PayloadTooLarge(limit);
      if (head.length < 16) head = Buffer.concat([head, chunk.subarray(0, 16)]);
      hash.update(chunk);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (size === 0) throw new ValidationError("attachment.empty", "The file is empty", { field: "body" });
    if (!signatureMatches(type, head)) throw new ValidationError("attachment.content_mismatch", `The file's content is not ${type}`, { field: "content-type" });
    const publicFile = isAgent(actor) ? (input.public ?? true) : true;
    const now = nowIso();
    const row = {
      id,
      ticket_id: Number(ticket.id),
      filename: input.filename,
      content_type: type,
      size,
      sha256: hash.digest("hex"),
      public: publicFile,
      uploaded_by: actor.id,
      uploaded_by_name: actor.name,
      created_at: now,
    };
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("ticket_attachments").values(row).execute();
      await addEntry(trx, actor, ticket.id, { type: "attachment", public: publicFile, data: { attachmentId: id, filename: input.filename, size, contentType: type } }, now);
      await trx.updateTable("tickets").set({ updated_at: now }).where("id", "=", Number(ticket.id)).execute();
      await recordAudit(trx, actor, { action: "ticket.attach", entity: "ticket", entityId: ticket.number, after: { attachmentId: id, filename: input.filename, size } });
      await emit(trx, { type: "ticket.attachment_added", payload: { id: ticket.id, number: ticket.number, attachmentId: id } });
    });
    return toAttachment(row);
  } catch (err) {
    // The file may still be opening: wait for the stream to close, or the removal could run first.
    if (!out.closed) {
      const closed = new Promise<void>((resolve) => out.once("close", () => resolve()));
      out.destroy();
      await closed;
    }
    await fs.promises.rm(file, { force: true });
    throw err;
  }
}

/** Opens an attachment for download after the visibility checks. */
export async function openAttachment(db: DbOrTrx, dataDir: string, actor: Actor, ref: string, attachmentId: string) {
  const ticket = await requireTicket(db, ref);
  await requireVisible(db, actor, ticket);
  const row = await db.selectFrom("ticket_attachments").selectAll().where("id", "=", attachmentId).where("ticket_id", "=", Number(ticket.id)).executeTakeFirst();
  if (!row || (!seesAll(actor) && !toBool(row.public))) throw new NotFoundError("attachment.not_found", `No attachment ${attachmentId} on ${ticket.number}`);
  const file = path.join(attachmentDir(dataDir, ticket.id), row.id);
  if (!fs.existsSync(file)) throw new NotFoundError("attachment.file_missing", `The file of attachment ${attachmentId} is missing from storage`);
  return { attachment: toAttachment(row), stream: fs.createReadStream(file) };
}
