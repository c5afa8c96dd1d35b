import { FAMILY_LABELS, OPERATIONAL_STATUSES, type ClassFamily } from "../ciMeta";

const SHAPES: { family: ClassFamily; path: string }[] = [
  { family: "service", path: "M3 4h14a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2Z" },
  { family: "application", path: "M1 4h18v12H1Z" },
  { family: "database", path: "M3 3h14l2 3v8l-2 3H3l-2-3V6Z" },
  { family: "host", path: "M4 4h12l3 3v6l-3 3H4l-3-3V7Z" },
  { family: "network", path: "M10 2l8 8-8 8-8-8Z" },
  { family: "storage", path: "M7 2h6l5 5v6l-5 5H7l-5-5V7Z" },
];

/** What the colours, shapes and edges of the map mean. */
export function MapLegend({ big }: { big: boolean }) {
  return (
    <div className="service-map-legend" aria-label="Legend" role="group">
      <ul>
        {Object.entries(OPERATIONAL_STATUSES).map(([key, meta]) => (
          <li key={key}>
            <span className="legend-swatch" style={{ background: `var(${meta.cssVar})` }} aria-hidden="true" />
            {meta.label}
          </li>
        ))}
      </ul>
      <ul>
        {SHAPES.map(({ family, path }) => (
          <li key={family}>
            <svg width="18" height="14" viewBox="0 0 20 20" aria-hidden="true">
              <path d={path} fill="none" stroke="currentColor" strokeWidth="1.6" />
            </svg>
            {FAMILY_LABELS[family]}
          </li>
        ))}
      </ul>
      <p className="subtle">
        {big ? "Large map: arrows and edge labels are hidden; layers run from dependent to dependency." : "Arrows read source → target (“depends on”)."}{" "}
        Double-click a CI to show or hide its neighbours. A thick coloured ring and a count mark CIs with open alerts (the ring takes the worst severity&apos;s colour).
      </p>
    </div>
  );
}
