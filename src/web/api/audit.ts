import { api } from "./client";
import type { AuditEntry, Page } from "./types";

export interface AuditQuery {
  entity?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  limit?: number;
  offset?: number;
}

/** Audit trail entries, newest first. */
export function listAudit(query: AuditQuery, signal?: AbortSignal): Promise<Page<AuditEntry>> {
  return api.get("/api/v1/audit", { query: { ...query }, signal });
}
