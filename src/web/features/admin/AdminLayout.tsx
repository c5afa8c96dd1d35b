import type { ReactNode } from "react";
import type { Permission } from "../../api/types";
import { Icon, type IconName } from "../../components/Icon";
import { Link } from "../../router";
import { useSession } from "../auth/session";
import "./admin.css";

interface AdminSection {
  to: string;
  label: string;
  icon: IconName;
  requires: Permission[];
}

/** The admin sections, in tab order; AdminIndex opens the first one the user may see. */
export const ADMIN_SECTIONS: AdminSection[] = [
  { to: "/admin/users", label: "Users", icon: "user", requires: ["users.read"] },
  { to: "/admin/groups", label: "Groups", icon: "users", requires: ["groups.read"] },
  { to: "/admin/tokens", label: "API tokens", icon: "key", requires: ["tokens.own", "tokens.admin"] },
  { to: "/admin/audit", label: "Audit log", icon: "history", requires: ["audit.read"] },
];

/** Frame of every admin page: the section tabs above the page content. */
export function AdminLayout({ children }: { children: ReactNode }) {
  const { can } = useSession();
  const sections = ADMIN_SECTIONS.filter((section) => can(...section.requires));
  return (
    <div className="admin">
      <nav className="tabs" aria-label="Admin sections">
        {sections.map((section) => (
          <Link key={section.to} to={section.to} activeMatch="prefix" className="tab">
            <Icon name={section.icon} size={15} />
            {section.label}
          </Link>
        ))}
      </nav>
      {children}
    </div>
  );
}
