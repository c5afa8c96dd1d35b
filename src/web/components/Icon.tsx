import type { SVGProps } from "react";

/**
 * OpsDesk's own line icons, drawn on a 20x20 grid with a 1.6 stroke. Each entry is the SVG
 * content; colour comes from currentColor.
 */
const shapes = {
  home: <path d="M3.5 9 10 3.5 16.5 9v7a1 1 0 0 1-1 1h-3.5v-5h-4v5H4.5a1 1 0 0 1-1-1Z" />,
  lifebuoy: (
    <>
      <circle cx="10" cy="10" r="6.75" />
      <circle cx="10" cy="10" r="2.75" />
      <path d="m5.2 5.2 2.85 2.85M11.95 11.95l2.85 2.85M14.8 5.2l-2.85 2.85M8.05 11.95 5.2 14.8" />
    </>
  ),
  pulse: <path d="M2.5 10.5h3.2l2-5.5 4 10 2-4.5h3.8" />,
  graph: (
    <>
      <circle cx="5" cy="5" r="2" />
      <circle cx="15" cy="7" r="2" />
      <circle cx="8" cy="15" r="2" />
      <path d="M6.95 5.4 13.05 6.6M13.7 8.55 9.3 13.45M5.6 6.9l1.8 6.2" />
    </>
  ),
  cube: (
    <>
      <path d="M10 2.75 16.5 6.4v7.2L10 17.25 3.5 13.6V6.4Z" />
      <path d="M3.5 6.4 10 10l6.5-3.6M10 10v7.25" />
    </>
  ),
  book: (
    <>
      <path d="M4 4.25A1.75 1.75 0 0 1 5.75 2.5H16v12.25H5.75A1.75 1.75 0 0 0 4 16.5Z" />
      <path d="M4 16.5a1 1 0 0 0 1 1h11v-2.75M7.25 6h5.5M7.25 9h3.5" />
    </>
  ),
  chart: <path d="M3 17h14M5.5 14V9.5M10 14V4.5M14.5 14V7.5" />,
  shield: (
    <>
      <path d="M10 2.5 16 5v4.6c0 3.7-2.6 6.5-6 7.9-3.4-1.4-6-4.2-6-7.9V5Z" />
      <path d="m7.4 10 1.9 1.9L12.8 8.4" />
    </>
  ),
  search: (
    <>
      <circle cx="8.75" cy="8.75" r="5.25" />
      <path d="m12.6 12.6 4.15 4.15" />
    </>
  ),
  sun: (
    <>
      <circle cx="10" cy="10" r="3.25" />
      <path d="M10 2.25v1.5M10 16.25v1.5M2.25 10h1.5M16.25 10h1.5M4.5 4.5l1.06 1.06M14.44 14.44l1.06 1.06M4.5 15.5l1.06-1.06M14.44 5.56 15.5 4.5" />
    </>
  ),
  moon: <path d="M16.25 12.1A6.75 6.75 0 0 1 7.9 3.75a6.75 6.75 0 1 0 8.35 8.35Z" />,
  menu: <path d="M3.5 5.5h13M3.5 10h13M3.5 14.5h13" />,
  close: <path d="m5 5 10 10M15 5 5 15" />,
  chevronDown: <path d="m5.5 8 4.5 4.5L14.5 8" />,
  chevronLeft: <path d="M12 5.5 7.5 10l4.5 4.5" />,
  chevronRight: <path d="m8 5.5 4.5 4.5L8 14.5" />,
  arrowUp: <path d="M10 15.5v-11M5.5 9 10 4.5 14.5 9" />,
  arrowDown: <path d="M10 4.5v11M5.5 11l4.5 4.5 4.5-4.5" />,
  arrowRight: <path d="M4.5 10h11M11 5.5l4.5 4.5-4.5 4.5" />,
  sort: <path d="m6.5 7.5 3.5-3.5 3.5 3.5M6.5 12.5l3.5 3.5 3.5-3.5" />,
  plus: <path d="M10 4v12M4 10h12" />,
  trash: (
    <>
      <path d="M3.5 5.5h13M8 5.5V3.75h4V5.5M5 5.5l.75 10.25a1 1 0 0 0 1 .95h6.5a1 1 0 0 0 1-.95L15 5.5" />
      <path d="M8.25 8.75v5M11.75 8.75v5" />
    </>
  ),
  pencil: <path d="M12.9 3.6a1.6 1.6 0 0 1 2.25 0l1.25 1.25a1.6 1.6 0 0 1 0 2.25L7.5 16H4v-3.5Z M11.5 5l3.5 3.5" />,
  copy: (
    <>
      <rect x="6.75" y="6.75" width="10" height="10" rx="1.5" />
      <path d="M13.25 6.75V4.5a1.25 1.25 0 0 0-1.25-1.25H4.5A1.25 1.25 0 0 0 3.25 4.5V12a1.25 1.25 0 0 0 1.25 1.25h2.25" />
    </>
  ),
  check: <path d="m4.5 10.5 3.5 3.5 7.5-8" />,
  key: (
    <>
      <circle cx="6.75" cy="13.25" r="3.25" />
      <path d="m9.1 10.9 7.15-7.15M13.5 6.5l2 2M11.75 8.25l1.5 1.5" />
    </>
  ),
  users: (
    <>
      <circle cx="7.5" cy="7" r="3" />
      <path d="M2.5 16.5c.4-2.9 2.4-4.5 5-4.5s4.6 1.6 5 4.5" />
      <path d="M12.75 4.2a3 3 0 0 1 0 5.6M14.5 12.3c1.6.5 2.7 1.9 3 4.2" />
    </>
  ),
  user: (
    <>
      <circle cx="10" cy="6.75" r="3.25" />
      <path d="M3.75 17c.5-3.3 3-5.25 6.25-5.25S15.75 13.7 16.25 17" />
    </>
  ),
  logOut: (
    <>
      <path d="M8 16.5H4.75a1.25 1.25 0 0 1-1.25-1.25V4.75A1.25 1.25 0 0 1 4.75 3.5H8" />
      <path d="M12.5 13.75 16.25 10 12.5 6.25M16.25 10H7.5" />
    </>
  ),
  lock: (
    <>
      <rect x="4" y="8.5" width="12" height="8.5" rx="1.5" />
      <path d="M6.75 8.5V6.25a3.25 3.25 0 0 1 6.5 0V8.5" />
    </>
  ),
  alert: (
    <>
      <path d="M8.7 3.3a1.5 1.5 0 0 1 2.6 0l6.3 11.2a1.5 1.5 0 0 1-1.3 2.25H3.7a1.5 1.5 0 0 1-1.3-2.25Z" />
      <path d="M10 7.75v3.5M10 14.1v.15" />
    </>
  ),
  info: (
    <>
      <circle cx="10" cy="10" r="7" />
      <path d="M10 9.25v4.5M10 6.4v.15" />
    </>
  ),
  checkCircle: (
    <>
      <circle cx="10" cy="10" r="7" />
      <path d="m7 10.25 2.1 2.1L13.25 8" />
    </>
  ),
  xCircle: (
    <>
      <circle cx="10" cy="10" r="7" />
      <path d="m7.6 7.6 4.8 4.8M12.4 7.6l-4.8 4.8" />
    </>
  ),
  clock: (
    <>
      <circle cx="10" cy="10" r="7" />
      <path d="M10 6v4.25l2.75 1.75" />
    </>
  ),
  mail: (
    <>
      <rect x="2.75" y="4.5" width="14.5" height="11" rx="1.5" />
      <path d="m3.25 5.5 6.75 5 6.75-5" />
    </>
  ),
  history: (
    <>
      <path d="M3.4 10a6.6 6.6 0 1 0 1.9-4.7M3.25 3.5v3.25H6.5" />
      <path d="M10 6.75v3.5l2.5 1.5" />
    </>
  ),
  filter: <path d="M3 4.5h14l-5.5 6.25v5L8.5 17v-6.25Z" />,
  monitor: (
    <>
      <rect x="2.75" y="3.5" width="14.5" height="10" rx="1.5" />
      <path d="M7 17h6M10 13.5V17" />
    </>
  ),
  bell: (
    <>
      <path d="M5 13.5V9a5 5 0 0 1 10 0v4.5l1.25 1.75H3.75Z" />
      <path d="M8.25 17.25a1.9 1.9 0 0 0 3.5 0" />
    </>
  ),
  sparkle: <path d="M10 2.5c.6 3.9 2.6 5.9 6.5 6.5v.1c-3.9.6-5.9 2.6-6.5 6.5h-.1c-.6-3.9-2.6-5.9-6.4-6.5V9c3.8-.6 5.8-2.6 6.5-6.5Z" />,
} as const;

export type IconName = keyof typeof shapes;

export interface IconProps extends Omit<SVGProps<SVGSVGElement>, "name"> {
  name: IconName;
  size?: number;
  /** Screen-reader text; without it the icon is decorative. */
  label?: string;
}

/** An inline SVG icon that inherits the text colour. */
export function Icon({ name, size = 16, label, ...rest }: IconProps) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.6}
      strokeLinecap="round"
      strokeLinejoin="round"
      role={label ? "img" : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      focusable="false"
      {...rest}
    >
      {shapes[name]}
    </svg>
  );
}

/** The OpsDesk mark: a pulse line in a rounded square. */
export function Logo({ size = 24 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="var(--accent)" />
      <path
        d="M6 17h5l3-7 4 12 3-5h5"
        fill="none"
        stroke="#fff"
        strokeWidth="2.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
