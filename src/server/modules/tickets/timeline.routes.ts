import { Type } from "@sinclair/typebox";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import {
  Attachment,
  AttachmentList,
  AttachmentParams,
  CommentBody,
  CreateLinkBody,
  errorResponses,
  LinkParams,
  Timeline,
  TimelineEntry,
  TimelineQuery,
  TicketLink,
  TicketLinkList,
  TicketParams,
  UploadQuery,
  WatcherBody,
  WatcherParams,
} from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { cacheKey, sendCached } from "../../platform/http/response-cache.js";
import { ValidationError } from "../../platform/errors.js";
import { addComment, listTimeline } from "./tickets.timeline.js";
import { addAttachment, listAttachments, openAttachment } from "./tickets.attachments.js";
import { addWatcher, createLink, deleteLink, listLinks, removeWatcher } from "./tickets.links.js";

const tags = ["Tickets"];
/** Uploads are streamed and measured against the setting by the service, not buffered by Fastify. */
const UPLOAD_BODY_LIMIT = 1024 * 1024 * 1024;

/** A ticket's timeline, comments, attachments, links and watchers. */
export function timelineRoutes(app: App, { db, config }: AppContext): void {
  app.get(
    "/api/v1/tickets/:ref/timeline",
    { schema: { tags, summary: "The ticket's timeline, oldest first (requesters: public entries); ?after= for what is new", params: TicketParams, querystring: TimelineQuery, response: { 200: Timeline, ...errorResponses } } },
    async (req, reply) => {
      const actor = actorOf(req);
      const key = cacheKey(actor, "tickets.timeline", { ...req.query, ref: req.params.ref.toUpperCase() });
      return sendCached(db, req, reply, key, () => listTimeline(db, actor, req.params.ref, req.query));
    },
  );
  app.post(
    "/api/v1/tickets/:ref/comments",
    { schema: { tags, summary: "Add a public comment, a work note (agents) or a major-incident communication", params: TicketParams, body: CommentBody, response: { 201: TimelineEntry, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await addComment(db, actorOf(req), req.params.ref, req.body)),
  );
  app.get(
    "/api/v1/tickets/:ref/attachments",
    { schema: { tags, summary: "The ticket's attachments", params: TicketParams, response: { 200: AttachmentList, ...errorResponses } } },
    async (req) => listAttachments(db, actorOf(req), req.params.ref),
  );
  app.get(
    "/api/v1/tickets/:ref/attachments/:attachmentId",
    {
      schema: {
        tags,
        summary: "Download an attachment",
        params: AttachmentParams,
        response: { 200: { description: "The file, as uploaded", content: { "application/octet-stream": { schema: Type.String({ format: "binary" }) } } }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { attachment, stream } = await openAttachment(db, config.dataDir, actorOf(req), req.params.ref, req.params.attachmentId);
      const ascii = attachment.filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
      return reply
        .type(attachment.contentType)
        .header("content-disposition", `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`)
        .header("x-content-type-options", "nosniff")
        .header("content-length", attachment.size)
        .send(stream as never);
    },
  );
  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scope.removeAllContentTypeParsers();
    // Any declared type reaches the service, which answers a disallowed one with a clear 400.
    scope.addContentTypeParser("*", (_req, payload, done) => done(null, payload));
    scope.post(
      "/api/v1/tickets/:ref/attachments",
      {
        bodyLimit: UPLOAD_BODY_LIMIT,
        schema: {
          tags,
          summary: "Upload an attachment: the file is the request body, with its Content-Type; ?filename= names it",
          params: TicketParams,
          querystring: UploadQuery,
          response: { 201: Attachment, ...errorResponses },
        },
      },
      async (req, reply) => {
        const body = req.body as AsyncIterable<Buffer> | undefined;
        const contentType = req.headers["content-type"];
        if (!contentType) throw new ValidationError("attachment.no_content_type", "Send the file with its Content-Type", { field: "content-type" });
        if (!body || typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== "function") {
          throw new ValidationError("request.empty_body", "Send the file as the request body", { field: "body" });
        }
        const created = await addAttachment(db, config.dataDir, actorOf(req), req.params.ref, { filename: req.query.filename, contentType, public: req.query.public, body });
        return reply.status(201).send(created);
      },
    );
  });
  app.get(
    "/api/v1/tickets/:ref/links",
    { schema: { tags, summary: "Links to other tickets, named from this side", params: TicketParams, response: { 200: TicketLinkList, ...errorResponses } } },
    async (req) => listLinks(db, actorOf(req), req.params.ref),
  );
  app.post(
    "/api/v1/tickets/:ref/links",
    { schema: { tags, summary: "Link this ticket to another (child_of, parent_of, caused_by, causes, related_to, duplicate_of, duplicated_by)", params: TicketParams, body: CreateLinkBody, response: { 201: TicketLink, ...errorResponses } }, config: { permission: "tickets.write" } },
    async (req, reply) => reply.status(201).send(await createLink(db, actorOf(req), req.params.ref, req.body)),
  );
  app.delete(
    "/api/v1/tickets/:ref/links/:linkId",
    { schema: { tags, summary: "Remove a link", params: LinkParams, response: { 204: Type.Null(), ...errorResponses } }, config: { permission: "tickets.write" } },
    async (req, reply) => {
      await deleteLink(db, actorOf(req), req.params.ref, req.params.linkId);
      return reply.status(204).send(null);
    },
  );
  app.post(
    "/api/v1/tickets/:ref/watchers",
    { schema: { tags, summary: "Add a watcher (requesters: themselves)", params: TicketParams, body: WatcherBody, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await addWatcher(db, actorOf(req), req.params.ref, req.body.userId);
      return reply.status(204).send(null);
    },
  );
  app.delete(
    "/api/v1/tickets/:ref/watchers/:userId",
    { schema: { tags, summary: "Remove a watcher", params: WatcherParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await removeWatcher(db, actorOf(req), req.params.ref, req.params.userId);
      return reply.status(204).send(null);
    },
  );
}
