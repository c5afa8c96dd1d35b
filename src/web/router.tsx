import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
} from "react";

/** A tiny client-side router on the History API: a location, navigate(), <Link> and path matching. */

export interface Location {
  pathname: string;
  search: string;
}

export interface NavigateOptions {
  replace?: boolean;
}

interface RouterValue {
  location: Location;
  navigate: (to: string, options?: NavigateOptions) => void;
}

const RouterContext = createContext<RouterValue | null>(null);

function currentLocation(): Location {
  return { pathname: window.location.pathname, search: window.location.search };
}

/** Provides the location to the tree and keeps it in sync with back/forward. */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState<Location>(currentLocation);

  useEffect(() => {
    const onPop = () => setLocation(currentLocation());
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  const navigate = useCallback((to: string, options: NavigateOptions = {}) => {
    const url = new URL(to, window.location.href);
    const target = url.pathname + url.search + url.hash;
    const here = window.location.pathname + window.location.search + window.location.hash;
    if (target === here) return;
    if (options.replace) window.history.replaceState(null, "", target);
    else window.history.pushState(null, "", target);
    const samePath = url.pathname === window.location.pathname;
    setLocation({ pathname: url.pathname, search: url.search });
    if (!options.replace && !samePath) window.scrollTo(0, 0);
  }, []);

  const value = useMemo(() => ({ location, navigate }), [location, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

/** The current location and navigate(). */
export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error("useRouter must be used inside <RouterProvider>");
  return value;
}

/** Query string of the current URL with an updater that merges, and drops empty values. */
export function useSearchParams(): [
  URLSearchParams,
  (patch: Record<string, string | number | boolean | null | undefined>, options?: NavigateOptions) => void,
] {
  const { location, navigate } = useRouter();
  const params = useMemo(() => new URLSearchParams(location.search), [location.search]);
  const update = useCallback(
    (patch: Record<string, string | number | boolean | null | undefined>, options: NavigateOptions = { replace: true }) => {
      const next = new URLSearchParams(window.location.search);
      for (const [key, value] of Object.entries(patch)) {
        if (value === null || value === undefined || value === "" || value === false) next.delete(key);
        else next.set(key, String(value));
      }
      const query = next.toString();
      navigate(window.location.pathname + (query ? `?${query}` : ""), options);
    },
    [navigate],
  );
  return [params, update];
}

/** Matches "/admin/users/:id" against a pathname; returns the params or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = pathname.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    const actual = have[i]!;
    if (segment.startsWith(":")) {
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (segment !== actual) {
      return null;
    }
  }
  return params;
}

const ParamsContext = createContext<Record<string, string>>({});

/** Makes the matched route's params available to useParams(). */
export function ParamsProvider({ params, children }: { params: Record<string, string>; children: ReactNode }) {
  return <ParamsContext.Provider value={params}>{children}</ParamsContext.Provider>;
}

/** Params of the route being rendered, e.g. { id } for "/admin/users/:id". */
export function useParams(): Record<string, string> {
  return useContext(ParamsContext);
}

function isPlainLeftClick(event: MouseEvent<HTMLAnchorElement>): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

export interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> {
  to: string;
  replace?: boolean;
  /** Mark the link as current (aria-current="page") when the path equals `to`, or starts with it when "prefix". */
  activeMatch?: "exact" | "prefix";
}

/** An <a> that navigates in-app on a plain click and behaves like a normal link otherwise. */
export function Link({ to, replace, activeMatch, onClick, children, ...rest }: LinkProps) {
  const { location, navigate } = useRouter();
  let current = false;
  if (activeMatch) {
    const path = to.split("?")[0]!;
    current =
      activeMatch === "exact"
        ? location.pathname === path
        : location.pathname === path || location.pathname.startsWith(path.endsWith("/") ? path : `${path}/`);
  }
  return (
    <a
      {...rest}
      href={to}
      aria-current={current ? "page" : undefined}
      onClick={(event) => {
        onClick?.(event);
        if (event.defaultPrevented || !isPlainLeftClick(event) || rest.target === "_blank") return;
        event.preventDefault();
        navigate(to, { replace });
      }}
    >
      {children}
    </a>
  );
}
