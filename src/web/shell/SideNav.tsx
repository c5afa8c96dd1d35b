import { useEffect } from "react";
import { Icon } from "../components/Icon";
import { useSession } from "../features/auth/session";
import { Link } from "../router";
import { AREAS } from "./areas";

export interface SideNavProps {
  /** Drawer state on narrow screens; ignored on wide ones where the nav is always shown. */
  open: boolean;
  onClose: () => void;
}

/** The main navigation: a fixed column on wide screens, a drawer behind the menu button on narrow ones. */
export function SideNav({ open, onClose }: SideNavProps) {
  const { can } = useSession();
  const areas = AREAS.filter((area) => !area.requires || can(...area.requires));
  const main = areas.filter((area) => area.path !== "/admin");
  const admin = areas.find((area) => area.path === "/admin");

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open, onClose]);

  return (
    <>
      {open ? <div className="nav-scrim" onClick={onClose} aria-hidden="true" /> : null}
      <div className="sidenav-rail">
      <nav id="app-nav" className={open ? "sidenav sidenav-open" : "sidenav"} aria-label="Main">
        <ul className="sidenav-list">
          <li>
            <Link to="/" activeMatch="exact" className="sidenav-link" onClick={onClose}>
              <Icon name="home" size={17} />
              Home
            </Link>
          </li>
        </ul>
        <p className="sidenav-section" id="nav-workspace">
          Workspace
        </p>
        <ul className="sidenav-list" aria-labelledby="nav-workspace">
          {main.map((area) => (
            <li key={area.path}>
              <Link to={area.path} activeMatch="prefix" className="sidenav-link" onClick={onClose}>
                <Icon name={area.icon} size={17} />
                {area.label}
              </Link>
            </li>
          ))}
        </ul>
        {admin ? (
          <>
            <p className="sidenav-section" id="nav-settings">
              Settings
            </p>
            <ul className="sidenav-list" aria-labelledby="nav-settings">
              <li>
                <Link to={admin.path} activeMatch="prefix" className="sidenav-link" onClick={onClose}>
                  <Icon name={admin.icon} size={17} />
                  {admin.label}
                </Link>
              </li>
            </ul>
          </>
        ) : null}
      </nav>
      </div>
    </>
  );
}
