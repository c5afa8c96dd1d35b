/**
 * The ticket core's HTTP API as the web UI calls it: lists, one ticket, edits, transitions,
 * timeline, comments, attachments, links, watchers, bulk actions and flows. Shapes come from
 * ticketTypes.ts, which mirrors the shared contract.
 */
import { api, ApiError } from "../../api/client";
import type {
  Attachment,
  BulkInput,
  BulkResult,
  CommentType,
  Flow,
  LinkType,
  Ticket,
  TicketInput,
  TicketKind,
  TicketLink,
  TicketPage,
  TicketQuery,
  TimelineEntry,
  TransitionInput,
} from "./ticketTypes";

const KIND_PATHS: Record<TicketKind, string> = {
  incident: "incidents",
  problem: "problems",
  change: "changes",
  request: "requests",
  task: "tasks",
};

const ticket = (ref: string) => `/api/v1/tickets/${encodeURIComponent(ref)}`;

/** Tickets matching the filters, one page at a time. */
export function listTickets(query: TicketQuery, signal?: AbortSignal): Promise<TicketPage> {
  return api.get("/api/v1/tickets", { query: { ...query }, signal });
}

/** One ticket by number (INC0001001) or id, with what the caller may do next. */
export function getTicket(ref: string, signal?: AbortSignal): Promise<Ticket> {
  return api.get(ticket(ref), { signal });
}

/** Opens a ticket of the given kind. */
export function createTicket(kind: TicketKind, body: TicketInput & { title: string }): Promise<Ticket> {
  return api.post(`/api/v1/${KIND_PATHS[kind]}`, body);
}

/** Changes fields; with `version`, a ticket changed since answers 409. */
export function updateTicket(ref: string, body: TicketInput): Promise<Ticket> {
  return api.patch(ticket(ref), body);
}

/** Moves a ticket along its flow; 409 names what is allowed, 400 the missing field. */
export function transitionTicket(ref: string, body: TransitionInput): Promise<Ticket> {
  return api.post(`${ticket(ref)}/transitions`, body);
}

/** Timeline entries, all of them or only those after an entry id (live updates). */
export function getTimeline(ref: string, after?: string, signal?: AbortSignal): Promise<{ items: TimelineEntry[] }> {
  return api.get(`${ticket(ref)}/timeline`, { query: { after }, signal });
}

/** Adds a public comment, a work note or a major-incident communication. */
export function addComment(ref: string, body: { body: string; type?: CommentType }): Promise<TimelineEntry> {
  return api.post(`${ticket(ref)}/comments`, body);
}

/** The ticket's attachments (requesters see the public ones). */
export function listAttachments(ref: string, signal?: AbortSignal): Promise<{ items: Attachment[] }> {
  return api.get(`${ticket(ref)}/attachments`, { signal });
}

/** Where an attachment downloads from (the session cookie authenticates the GET). */
export function attachmentUrl(ref: string, attachmentId: string): string {
  return `${ticket(ref)}/attachments/${encodeURIComponent(attachmentId)}`;
}

/**
 * Uploads one file as the raw request body. The JSON client cannot send files, so this is the
 * one direct fetch; the CSRF token comes from the session.
 */
export async function uploadAttachment(ref: string, file: File, csrfToken: string, isPublic: boolean): Promise<Attachment> {
  const query = new URLSearchParams({ filename: file.name, public: String(isPublic) });
  let response: Response;
  try {
    response = await fetch(`${ticket(ref)}/attachments?${query.toString()}`, {
      method: "POST",
      headers: { accept: "application/json", "content-type": file.type || "application/octet-stream", "x-csrf-token": csrfToken },
      body: file,
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, "network.unreachable", "Cannot reach the OpsDesk server. Check your connection and try again.");
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = {};
  }
  if (!response.ok) {
    const code = typeof body.error === "string" ? body.error : `http.${response.status}`;
    const message = typeof body.message === "string" ? body.message : response.status === 413 ? "The file is too large." : `Upload failed (${response.status})`;
    throw new ApiError(response.status, code, message, (body.details as Record<string, unknown>) ?? {});
  }
  return body as unknown as Attachment;
}

/** Links in both directions, named from this ticket's side. */
export function listLinks(ref: string, signal?: AbortSignal): Promise<{ items: TicketLink[] }> {
  return api.get(`${ticket(ref)}/links`, { signal });
}

/** Links this ticket to another: e.g. caused_by PRB0001002. */
export function createLink(ref: string, body: { type: LinkType; target: string }): Promise<TicketLink> {
  return api.post(`${ticket(ref)}/links`, body);
}

/** Removes a link. */
export function deleteLink(ref: string, linkId: string): Promise<void> {
  return api.delete(`${ticket(ref)}/links/${encodeURIComponent(linkId)}`);
}

/** Adds a watcher. */
export function addWatcher(ref: string, userId: string): Promise<unknown> {
  return api.post(`${ticket(ref)}/watchers`, { userId });
}

/** Removes a watcher. */
export function removeWatcher(ref: string, userId: string): Promise<void> {
  return api.delete(`${ticket(ref)}/watchers/${encodeURIComponent(userId)}`);
}

/** One action (assign, transition or link) on several tickets; answers per ticket. */
export function bulkTickets(body: BulkInput): Promise<BulkResult> {
  return api.post("/api/v1/tickets/bulk", body);
}

/** Every kind's states and transitions. */
export function listFlows(signal?: AbortSignal): Promise<{ items: Flow[] }> {
  return api.get("/api/v1/tickets/flows", { signal });
}
