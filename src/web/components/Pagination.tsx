import { Button } from "./Button";
import "./Pagination.css";

export interface PaginationProps {
  total: number;
  limit: number;
  offset: number;
  onChange: (offset: number) => void;
  /** What is being counted, e.g. "users". */
  noun?: string;
}

const numbers = new Intl.NumberFormat();

/** "1–25 of 132 users" with previous/next buttons. */
export function Pagination({ total, limit, offset, onChange, noun = "results" }: PaginationProps) {
  if (total === 0) return null;
  const from = Math.min(offset + 1, total);
  const to = Math.min(offset + limit, total);
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav className="pagination" aria-label="Pagination">
      <p className="pagination-summary" aria-live="polite">
        <strong>
          {numbers.format(from)}–{numbers.format(to)}
        </strong>{" "}
        of {numbers.format(total)} {noun}
      </p>
      {pages > 1 ? (
        <div className="pagination-controls">
          <span className="pagination-page">
            Page {page} of {pages}
          </span>
          <Button size="sm" icon="chevronLeft" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
            Previous
          </Button>
          <Button size="sm" disabled={offset + limit >= total} onClick={() => onChange(offset + limit)}>
            Next
          </Button>
        </div>
      ) : null}
    </nav>
  );
}
