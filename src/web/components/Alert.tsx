import type { ReactNode } from "react";
import { Icon, type IconName } from "./Icon";
import "./Alert.css";

export type AlertTone = "info" | "success" | "warning" | "danger";

const icons: Record<AlertTone, IconName> = {
  info: "info",
  success: "checkCircle",
  warning: "alert",
  danger: "xCircle",
};

/** An inline message box; danger and warning are announced immediately (role="alert"). */
export function Alert({ tone = "info", title, children }: { tone?: AlertTone; title?: ReactNode; children?: ReactNode }) {
  const urgent = tone === "danger" || tone === "warning";
  return (
    <div className={`alert alert-${tone}`} role={urgent ? "alert" : "status"}>
      <Icon name={icons[tone]} size={16} className="alert-icon" />
      <div className="alert-content">
        {title ? <p className="alert-title">{title}</p> : null}
        {children ? <div className="alert-text">{children}</div> : null}
      </div>
    </div>
  );
}
