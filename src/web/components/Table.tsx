import type { ReactNode } from "react";
import { Icon } from "./Icon";
import "./Table.css";

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  /** The server (or client) sort key; makes the header a sort button. */
  sortKey?: string;
  /** Direction used on the first click; dates usually start with newest first. */
  firstSort?: "asc" | "desc";
  align?: "left" | "right";
  width?: string;
  className?: string;
}

export interface TableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  /** Accessible name of the table, visually hidden. */
  caption: string;
  /** Current sort as "name" (ascending) or "-name" (descending). */
  sort?: string;
  onSortChange?: (sort: string) => void;
  /** Makes rows clickable; keyboard users reach the same action through a control in the row. */
  onRowClick?: (row: T) => void;
  /** True while (re)loading: old rows stay, dimmed. */
  loading?: boolean;
  /** Shown instead of the body when there are no rows and nothing is loading. */
  empty?: ReactNode;
}

/** Splits "-createdAt" into its key and direction. */
export function parseSort(sort: string | undefined): { key: string; dir: "asc" | "desc" } | null {
  if (!sort) return null;
  return sort.startsWith("-") ? { key: sort.slice(1), dir: "desc" } : { key: sort, dir: "asc" };
}

function nextSort(current: string | undefined, column: { sortKey?: string; firstSort?: "asc" | "desc" }): string {
  const key = column.sortKey!;
  const parsed = parseSort(current);
  if (parsed?.key === key) return parsed.dir === "asc" ? `-${key}` : key;
  return column.firstSort === "desc" ? `-${key}` : key;
}

/** A data table with sortable headers (aria-sort), loading and empty states. */
export function Table<T>({ columns, rows, rowKey, caption, sort, onSortChange, onRowClick, loading = false, empty }: TableProps<T>) {
  const parsed = parseSort(sort);
  const showSkeleton = loading && rows.length === 0;
  const showEmpty = !loading && rows.length === 0 && empty;

  return (
    <div className="table-wrap" aria-busy={loading || undefined}>
      <table className={["table", loading && rows.length > 0 ? "table-reloading" : ""].filter(Boolean).join(" ")}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const active = parsed && column.sortKey && parsed.key === column.sortKey ? parsed.dir : null;
              return (
                <th
                  key={column.key}
                  scope="col"
                  style={{ width: column.width, textAlign: column.align }}
                  aria-sort={column.sortKey ? (active === "asc" ? "ascending" : active === "desc" ? "descending" : "none") : undefined}
                  className={column.className}
                >
                  {column.sortKey && onSortChange ? (
                    <button
                      type="button"
                      className={["th-sort", active ? "th-sort-active" : ""].filter(Boolean).join(" ")}
                      onClick={() => onSortChange(nextSort(sort, column))}
                    >
                      {column.header}
                      <Icon name={active === "asc" ? "arrowUp" : active === "desc" ? "arrowDown" : "sort"} size={13} />
                    </button>
                  ) : (
                    column.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {showSkeleton
            ? Array.from({ length: 4 }, (_, index) => (
                <tr key={`skeleton-${index}`} className="table-skeleton-row" aria-hidden="true">
                  {columns.map((column) => (
                    <td key={column.key}>
                      <span className="skeleton" style={{ width: `${40 + ((index * 17 + column.key.length * 7) % 45)}%` }} />
                    </td>
                  ))}
                </tr>
              ))
            : rows.map((row) => (
                <tr
                  key={rowKey(row)}
                  className={onRowClick ? "table-row-clickable" : undefined}
                  onClick={
                    onRowClick
                      ? (event) => {
                          // let buttons and links inside the row do their own thing
                          if ((event.target as HTMLElement).closest("a, button, input, select, label")) return;
                          onRowClick(row);
                        }
                      : undefined
                  }
                >
                  {columns.map((column) => (
                    <td key={column.key} style={{ textAlign: column.align }} className={column.className}>
                      {column.render(row)}
                    </td>
                  ))}
                </tr>
              ))}
        </tbody>
      </table>
      {showEmpty ? <div className="table-empty">{empty}</div> : null}
    </div>
  );
}
