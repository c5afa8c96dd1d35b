import { useCallback, useEffect, useMemo, useState } from "react";
import { listClasses, listRelationshipTypes } from "../../api/cmdb";
import { listGroups } from "../../api/groups";
import type { CiClass, CmdbPermission, Group, RelationshipType } from "../../api/types";
import { toApiError, type ApiError } from "../../api/client";
import { useSession } from "../auth/session";

/** What the signed-in user may do in the CMDB. */
export function useCmdbAccess(): { canWrite: boolean; canAdmin: boolean; canSeeGroups: boolean } {
  const { permissions, can } = useSession();
  const has = (permission: CmdbPermission) => permissions.includes(permission);
  return { canWrite: has("cmdb.write"), canAdmin: has("cmdb.admin"), canSeeGroups: can("groups.read") };
}

interface Catalog {
  classes: CiClass[];
  types: RelationshipType[];
}

// classes and relationship types change rarely: one request per page load, shared by every page
let catalogPromise: Promise<Catalog> | null = null;
const catalogListeners = new Set<() => void>();

function loadCatalog(): Promise<Catalog> {
  if (!catalogPromise) {
    catalogPromise = Promise.all([listClasses(), listRelationshipTypes()]).then(([classes, types]) => ({ classes: classes.items, types: types.items }));
    catalogPromise.catch(() => {
      catalogPromise = null;
    });
  }
  return catalogPromise;
}

/** Forgets the cached classes and types (after an admin added one) and reloads every user of them. */
export function invalidateCatalog(): void {
  catalogPromise = null;
  for (const listener of catalogListeners) listener();
}

export interface CatalogValue {
  classes: CiClass[];
  types: RelationshipType[];
  byName: Map<string, CiClass>;
  typeByName: Map<string, RelationshipType>;
  /** A class's label, or its machine name when unknown. */
  classLabel: (name: string) => string;
  loading: boolean;
  error: ApiError | undefined;
}

/** The CI classes and relationship types, loaded once and shared. */
export function useCatalog(): CatalogValue {
  const [data, setData] = useState<Catalog | null>(null);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    const listener = () => setVersion((v) => v + 1);
    catalogListeners.add(listener);
    return () => {
      catalogListeners.delete(listener);
    };
  }, []);

  useEffect(() => {
    let live = true;
    loadCatalog().then(
      (catalog) => live && (setData(catalog), setError(undefined)),
      (failure: unknown) => live && setError(toApiError(failure)),
    );
    return () => {
      live = false;
    };
  }, [version]);

  return useMemo(() => {
    const classes = data?.classes ?? [];
    const types = data?.types ?? [];
    const byName = new Map(classes.map((c) => [c.name, c]));
    const typeByName = new Map(types.map((t) => [t.name, t]));
    return {
      classes,
      types,
      byName,
      typeByName,
      classLabel: (name: string) => byName.get(name)?.label ?? name,
      loading: !data && !error,
      error,
    };
  }, [data, error]);
}

/** Groups for pickers and labels (empty without groups.read). */
export function useGroups(enabled: boolean): { groups: Group[]; nameOf: (id: string | null) => string | null } {
  const [groups, setGroups] = useState<Group[]>([]);
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    listGroups({ sort: "name", limit: 500 }, controller.signal).then(
      (page) => setGroups(page.items),
      () => undefined,
    );
    return () => controller.abort();
  }, [enabled]);
  const nameOf = useCallback((id: string | null) => (id ? (groups.find((g) => g.id === id)?.name ?? null) : null), [groups]);
  return { groups, nameOf };
}
