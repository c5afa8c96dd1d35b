import type { ReactNode } from "react";
import "./Card.css";

export interface CardProps {
  title?: ReactNode;
  description?: ReactNode;
  /** Controls on the right of the header. */
  actions?: ReactNode;
  children?: ReactNode;
  /** Removes the body padding, for tables and lists that touch the edges. */
  flush?: boolean;
  className?: string;
}

/** A bordered surface with an optional header; a titled card is a labelled region. */
export function Card({ title, description, actions, children, flush = false, className }: CardProps) {
  return (
    <section className={["card", className].filter(Boolean).join(" ")}>
      {title || actions ? (
        <header className="card-header">
          <div className="card-heading">
            {title ? <h2 className="card-title">{title}</h2> : null}
            {description ? <p className="card-description">{description}</p> : null}
          </div>
          {actions ? <div className="card-actions">{actions}</div> : null}
        </header>
      ) : null}
      <div className={flush ? "card-body card-body-flush" : "card-body"}>{children}</div>
    </section>
  );
}

/** A definition list of label/value pairs for detail pages. */
export function DetailList({ items }: { items: { label: string; value: ReactNode }[] }) {
  return (
    <dl className="detail-list">
      {items.map((item) => (
        <div key={item.label} className="detail-item">
          <dt>{item.label}</dt>
          <dd>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
