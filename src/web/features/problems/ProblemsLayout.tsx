import type { ReactNode } from "react";
import { Icon, type IconName } from "../../components/Icon";
import { Link } from "../../router";
import { KNOWN_ERRORS_PATH, SUGGESTIONS_PATH } from "./problemMeta";
import "../admin/admin.css";
import "./problems.css";

const SECTIONS: { to: string; label: string; icon: IconName }[] = [
  { to: "/service-desk?kind=problem", label: "Problems", icon: "search" },
  { to: KNOWN_ERRORS_PATH, label: "Known errors", icon: "book" },
  { to: SUGGESTIONS_PATH, label: "Suggestions", icon: "sparkle" },
];

/** Frame of the problem management pages: tabs to the problem list, known errors and suggestions. */
export function ProblemsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="problems">
      <nav className="tabs" aria-label="Problem management">
        {SECTIONS.map((section) => (
          <Link key={section.to} to={section.to} activeMatch="exact" className="tab">
            <Icon name={section.icon} size={15} />
            {section.label}
          </Link>
        ))}
      </nav>
      {children}
    </div>
  );
}
