import type { ReactNode } from "react";
import { Icon, type IconName } from "../../components/Icon";
import { Link } from "../../router";
import "../admin/admin.css";
import "./changes.css";

const SECTIONS: { to: string; label: string; icon: IconName; match: "exact" | "prefix" }[] = [
  { to: "/changes", label: "Calendar", icon: "clock", match: "exact" },
  { to: "/changes/templates", label: "Standard templates", icon: "copy", match: "prefix" },
  { to: "/changes/approval-rules", label: "Approval rules", icon: "users", match: "prefix" },
  { to: "/changes/blackouts", label: "Blackout windows", icon: "lock", match: "prefix" },
];

/** Frame of the change management pages: the section tabs above the content. */
export function ChangesLayout({ children }: { children: ReactNode }) {
  return (
    <div className="changes">
      <nav className="tabs" aria-label="Change management sections">
        {SECTIONS.map((section) => (
          <Link key={section.to} to={section.to} activeMatch={section.match} className="tab">
            <Icon name={section.icon} size={15} />
            {section.label}
          </Link>
        ))}
      </nav>
      {children}
    </div>
  );
}
