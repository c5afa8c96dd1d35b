import { useCallback, useEffect } from "react";
import { useSearchParams } from "../../router";

export interface ListParams {
  /** A filter value from the URL, "" when absent. */
  get: (key: string) => string;
  sort: string;
  offset: number;
  limit: number;
  /** True when any of the given filters has a value. */
  filtered: (...keys: string[]) => boolean;
  /** Changes filters and goes back to the first page. */
  setFilters: (patch: Record<string, string | boolean | null>) => void;
  setSort: (sort: string) => void;
  setOffset: (offset: number) => void;
}

/**
 * List state (filters, sort, page) kept in the query string, so a filtered list can be
 * bookmarked, shared and restored with the back button.
 */
export function useListParams(defaults: { sort: string; limit: number }): ListParams {
  const [params, update] = useSearchParams();
  const get = useCallback((key: string) => params.get(key) ?? "", [params]);
  const offset = Math.max(0, Number.parseInt(params.get("offset") ?? "0", 10) || 0);
  return {
    get,
    sort: params.get("sort") || defaults.sort,
    offset,
    limit: defaults.limit,
    filtered: (...keys) => keys.some((key) => Boolean(params.get(key))),
    setFilters: (patch) => update({ ...patch, offset: null }),
    setSort: (sort) => update({ sort: sort === defaults.sort ? null : sort, offset: null }),
    setOffset: (next) => update({ offset: next > 0 ? next : null }, { replace: false }),
  };
}

/** After the last row of the last page is deleted, steps back to the page before. */
export function useClampPage(list: ListParams, page: { items: unknown[]; total: number } | undefined): void {
  const { offset, limit, setOffset } = list;
  useEffect(() => {
    if (page && page.items.length === 0 && offset > 0 && page.total > 0) {
      setOffset(Math.max(0, Math.floor((page.total - 1) / limit) * limit));
    }
    // setOffset changes with every render; page is what matters
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [page, offset, limit]);
}
