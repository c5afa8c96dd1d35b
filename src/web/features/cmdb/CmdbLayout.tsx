import type { ReactNode } from "react";
import { Icon, type IconName } from "../../components/Icon";
import { Link } from "../../router";
import "./cmdb.css";

const SECTIONS: { to: string; label: string; icon: IconName; match: "exact" | "prefix" }[] = [
  { to: "/cmdb", label: "Configuration items", icon: "graph", match: "exact" },
  { to: "/cmdb/classes", label: "Classes", icon: "cube", match: "prefix" },
  { to: "/cmdb/relationship-types", label: "Relationship types", icon: "arrowRight", match: "prefix" },
];

/** Frame of the CMDB list and schema pages: the section tabs above the content. */
export function CmdbLayout({ children }: { children: ReactNode }) {
  return (
    <div className="cmdb">
      <nav className="cmdb-tabs" aria-label="CMDB sections">
        {SECTIONS.map((section) => (
          <Link key={section.to} to={section.to} activeMatch={section.match} className="cmdb-tab">
            <Icon name={section.icon} size={15} />
            {section.label}
          </Link>
        ))}
      </nav>
      {children}
    </div>
  );
}
