import type { ReactNode } from "react";
import { Icon, type IconName } from "./Icon";
import "./EmptyState.css";

export interface EmptyStateProps {
  icon?: IconName;
  title: ReactNode;
  description?: ReactNode;
  /** Extra content such as a list of what will appear here. */
  children?: ReactNode;
  action?: ReactNode;
  /** Smaller padding, for use inside tables and cards. */
  compact?: boolean;
}

/** Explains an empty place: what belongs here and how to get it there. */
export function EmptyState({ icon = "sparkle", title, description, children, action, compact = false }: EmptyStateProps) {
  return (
    <div className={compact ? "empty-state empty-state-compact" : "empty-state"}>
      <div className="empty-state-icon" aria-hidden="true">
        <Icon name={icon} size={compact ? 20 : 26} />
      </div>
      <h2 className="empty-state-title">{title}</h2>
      {description ? <p className="empty-state-description">{description}</p> : null}
      {children ? <div className="empty-state-extra">{children}</div> : null}
      {action ? <div className="empty-state-action">{action}</div> : null}
    </div>
  );
}
