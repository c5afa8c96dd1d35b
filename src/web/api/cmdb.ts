import { api } from "./client";
import type {
  Ci,
  CiAttributeDef,
  CiAttributeValue,
  CiClass,
  CiComparison,
  CiCriticality,
  CiHistoryEntry,
  CiIdentifiers,
  CiLifecycleStatus,
  CiOperationalStatus,
  CiRelationship,
  ImpactDirection,
  ImpactResult,
  Page,
  Relationship,
  RelationshipType,
} from "./types";

const ci = (id: string) => `/api/v1/cis/${encodeURIComponent(id)}`;

export interface CiListQuery {
  class?: string;
  q?: string;
  lifecycleStatus?: string;
  operationalStatus?: string;
  environment?: string;
  supportGroupId?: string;
  ownerGroupId?: string;
  sort?: string;
  limit?: number;
  offset?: number;
}

/** Fields of a CI that a person edits. */
export interface CiInput {
  class: string;
  name: string;
  attributes?: Record<string, CiAttributeValue>;
  lifecycleStatus?: CiLifecycleStatus;
  operationalStatus?: CiOperationalStatus;
  environment?: string | null;
  criticality?: CiCriticality | null;
  ownerGroupId?: string | null;
  supportGroupId?: string | null;
  identifiers?: CiIdentifiers;
}

export interface CiClassInput {
  name: string;
  label: string;
  parent?: string | null;
  description?: string;
  attributes?: CiAttributeDef[];
}

export interface RelationshipTypeInput {
  name: string;
  label: string;
  reverseLabel: string;
  impact: ImpactDirection;
}

/** Lists CIs matching the filters (a class includes its subclasses), one page at a time. */
export function listCis(query: CiListQuery, signal?: AbortSignal): Promise<Page<Ci>> {
  return api.get("/api/v1/cis", { query: { ...query }, signal });
}

/** One CI. */
export function getCi(id: string, signal?: AbortSignal): Promise<Ci> {
  return api.get(ci(id), { signal });
}

/** Creates a CI; 409 when its identifiers match an existing one. */
export function createCi(input: CiInput): Promise<Ci> {
  return api.post("/api/v1/cis", input);
}

/** Changes some fields of a CI. */
export function updateCi(id: string, patch: Partial<CiInput>): Promise<Ci> {
  return api.patch(ci(id), patch);
}

/** Deletes a CI and its relationships; its history stays. */
export function deleteCi(id: string): Promise<void> {
  return api.delete(ci(id));
}

/** A CI's changes, newest first. */
export function listCiHistory(id: string, query: { limit?: number; offset?: number }, signal?: AbortSignal): Promise<Page<CiHistoryEntry>> {
  return api.get(`${ci(id)}/history`, { query: { ...query }, signal });
}

/** A CI's relationships in both directions, named as read from this CI. */
export function listCiRelationships(id: string, signal?: AbortSignal): Promise<{ items: CiRelationship[] }> {
  return api.get(`${ci(id)}/relationships`, { signal });
}

/** The business services a CI's failure would impact. */
export function getImpactedServices(id: string, signal?: AbortSignal): Promise<ImpactResult> {
  return api.get(`${ci(id)}/services`, { signal });
}

/** Everything a CI (usually a service) depends on, up to `depth` hops, with the relationships among them (what a map draws). */
export function getDependencies(id: string, depth: number, signal?: AbortSignal): Promise<ImpactResult> {
  return api.get(`${ci(id)}/dependencies`, { query: { depth, edges: true }, signal });
}

/** Relates two CIs: source <type> target. */
export function createRelationship(input: { sourceId: string; type: string; targetId: string }): Promise<Relationship> {
  return api.post("/api/v1/relationships", input);
}

/** Removes a relationship. */
export function deleteRelationship(id: string): Promise<void> {
  return api.delete(`/api/v1/relationships/${encodeURIComponent(id)}`);
}

/** Every CI class with its effective (own and inherited) attributes. */
export function listClasses(signal?: AbortSignal): Promise<{ items: CiClass[] }> {
  return api.get("/api/v1/ci-classes", { signal });
}

/** Creates a CI class. */
export function createClass(input: CiClassInput): Promise<CiClass> {
  return api.post("/api/v1/ci-classes", input);
}

/** Adds an attribute to a class; its subclasses inherit it. */
export function addClassAttribute(className: string, attribute: CiAttributeDef): Promise<CiClass> {
  return api.post(`/api/v1/ci-classes/${encodeURIComponent(className)}/attributes`, attribute);
}

/** Every relationship type. */
export function listRelationshipTypes(signal?: AbortSignal): Promise<{ items: RelationshipType[] }> {
  return api.get("/api/v1/relationship-types", { signal });
}

/** Adds a relationship type. */
export function createRelationshipType(input: RelationshipTypeInput): Promise<RelationshipType> {
  return api.post("/api/v1/relationship-types", input);
}

/** CIs this CI's failure impacts (downstream) or that it depends on (upstream), with the relationships among them (what a map draws). */
export function getImpact(id: string, direction: "upstream" | "downstream", depth: number, signal?: AbortSignal): Promise<ImpactResult> {
  return api.get(`${ci(id)}/impact`, { query: { direction, depth, edges: true }, signal });
}

/** A CI's recorded state at two points in time and the fields that differ. */
export function compareCi(id: string, from: string, to?: string, signal?: AbortSignal): Promise<CiComparison> {
  return api.get(`${ci(id)}/compare`, { query: { from, ...(to ? { to } : {}) }, signal });
}
