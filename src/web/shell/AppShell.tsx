import { Suspense, useCallback, useEffect, useRef, useState } from "react";
import { LoadingBlock } from "../components/Spinner";
import { useSession } from "../features/auth/session";
import { matchPath, ParamsProvider, useRouter } from "../router";
import { ROUTES } from "../routes";
import { ErrorBoundary } from "./ErrorBoundary";
import { Forbidden, NotFound } from "./StatusPages";
import { SideNav } from "./SideNav";
import { TopBar } from "./TopBar";
import "./shell.css";

function findRoute(pathname: string) {
  const normalized = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  for (const route of ROUTES) {
    const params = matchPath(route.path, normalized);
    if (params) return { route, params };
  }
  return null;
}

/** The signed-in frame: top bar, navigation and the routed page. */
export function AppShell() {
  const { location } = useRouter();
  const { can } = useSession();
  const [navOpen, setNavOpen] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const closeNav = useCallback(() => setNavOpen(false), []);

  const match = findRoute(location.pathname);

  useEffect(() => {
    if (match) document.title = `${match.route.title} · OpsDesk`;
    // moving focus to the new page tells screen readers that the page changed
    if (firstRender.current) firstRender.current = false;
    else mainRef.current?.focus({ preventScroll: true });
    setNavOpen(false);
    // only on real page changes, not on query-string updates
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [location.pathname]);

  let content;
  if (!match) content = <NotFound />;
  else if (match.route.requires && !can(...match.route.requires)) content = <Forbidden />;
  else {
    const Page = match.route.component;
    content = (
      <ParamsProvider params={match.params}>
        <Page />
      </ParamsProvider>
    );
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar navOpen={navOpen} onToggleNav={() => setNavOpen((open) => !open)} />
      <SideNav open={navOpen} onClose={closeNav} />
      <main id="main" ref={mainRef} tabIndex={-1} className="main">
        <div className="main-inner">
          <ErrorBoundary key={location.pathname}>
            <Suspense fallback={<LoadingBlock label="Loading page" />}>{content}</Suspense>
          </ErrorBoundary>
        </div>
      </main>
    </div>
  );
}
