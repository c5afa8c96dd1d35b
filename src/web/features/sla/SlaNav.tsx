/** The tabs of the service levels area. */
import { Link } from "../../router";

const TABS = [
  { path: "/service-levels", label: "Compliance" },
  { path: "/service-levels/definitions", label: "Definitions" },
  { path: "/service-levels/calendars", label: "Calendars" },
];

/** Links between the area's pages; the current one is marked. */
export function SlaNav({ current }: { current: string }) {
  return (
    <nav className="sla-tabs" aria-label="Service levels">
      {TABS.map((t) => (
        <Link key={t.path} to={t.path} className={t.path === current ? "btn btn-secondary btn-sm" : "btn btn-ghost btn-sm"} aria-current={t.path === current ? "page" : undefined}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
