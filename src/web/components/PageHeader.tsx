import { useEffect, type ReactNode } from "react";
import { Link } from "../router";
import { Icon } from "./Icon";
import "./PageHeader.css";

export interface Crumb {
  label: string;
  to?: string;
}

export interface PageHeaderProps {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  breadcrumbs?: Crumb[];
  /** Something shown before the title, e.g. an avatar. */
  leading?: ReactNode;
  /** Browser tab title for pages about one record, e.g. a user's name. */
  documentTitle?: string;
}

/** The page's h1 with breadcrumbs, a description and the page-level actions. */
export function PageHeader({ title, description, actions, breadcrumbs, leading, documentTitle }: PageHeaderProps) {
  useEffect(() => {
    if (documentTitle) document.title = `${documentTitle} · OpsDesk`;
  }, [documentTitle]);
  return (
    <header className="page-header">
      {breadcrumbs && breadcrumbs.length > 0 ? (
        <nav aria-label="Breadcrumb" className="breadcrumbs">
          <ol>
            {breadcrumbs.map((crumb, index) => (
              <li key={`${crumb.label}-${index}`}>
                {crumb.to ? <Link to={crumb.to}>{crumb.label}</Link> : <span aria-current="page">{crumb.label}</span>}
                {index < breadcrumbs.length - 1 ? <Icon name="chevronRight" size={12} className="breadcrumb-sep" /> : null}
              </li>
            ))}
          </ol>
        </nav>
      ) : null}
      <div className="page-header-main">
        {leading ? <div className="page-header-leading">{leading}</div> : null}
        <div className="page-header-text">
          <h1>{title}</h1>
          {description ? <p className="page-header-description">{description}</p> : null}
        </div>
        {actions ? <div className="page-header-actions">{actions}</div> : null}
      </div>
    </header>
  );
}
