import type { StylesheetJson } from "cytoscape";
import type { CiOperationalStatus } from "../../../api/types";
import { OPERATIONAL_STATUSES, type ClassFamily } from "../ciMeta";

/** Node shape per class family: the map's "icon", explained in the legend. */
export const FAMILY_SHAPES: Record<ClassFamily, string> = {
  service: "round-rectangle",
  application: "rectangle",
  database: "barrel",
  host: "cut-rectangle",
  container: "round-tag",
  network: "diamond",
  storage: "round-octagon",
  endpoint: "ellipse",
  cloud: "round-hexagon",
  other: "round-rectangle",
};

export interface MapColours {
  surface: string;
  text: string;
  muted: string;
  edge: string;
  accent: string;
  status: Record<CiOperationalStatus, { fill: string; border: string }>;
}

/** Parses #rgb, #rrggbb and rgb()/rgba() as the browser reports custom properties. */
function hex(value: string): [number, number, number] | null {
  const text = value.trim();
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(text);
  if (short) return [1, 2, 3].map((i) => Number.parseInt(short[i]!.repeat(2), 16)) as [number, number, number];
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text);
  if (long) return [1, 2, 3].map((i) => Number.parseInt(long[i]!, 16)) as [number, number, number];
  const rgb = /^rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/i.exec(text);
  if (rgb) return [1, 2, 3].map((i) => Number(rgb[i])) as [number, number, number];
  return null;
}

/** `amount` of colour a over colour b, as #rrggbb (cytoscape does not understand color-mix). */
function mix(a: string, b: string, amount: number): string {
  const x = hex(a);
  const y = hex(b);
  if (!x || !y) return a;
  const channel = (i: number) => Math.round(x[i]! * amount + y[i]! * (1 - amount)).toString(16).padStart(2, "0");
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}

/** Reads the theme's tokens, so the map follows light and dark mode. */
export function readColours(): MapColours {
  const css = getComputedStyle(document.documentElement);
  const token = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const surface = token("--surface", "#ffffff");
  const status = {} as MapColours["status"];
  for (const [key, meta] of Object.entries(OPERATIONAL_STATUSES) as [CiOperationalStatus, (typeof OPERATIONAL_STATUSES)[CiOperationalStatus]][]) {
    const colour = token(meta.cssVar, "#888888");
    status[key] = { fill: mix(colour, surface, 0.16), border: colour };
  }
  return {
    surface,
    text: token("--text", "#15171c"),
    muted: token("--text-muted", "#4d5462"),
    edge: token("--border-strong", "#cfd4dc"),
    accent: token("--accent", "#4f5bd5"),
    status,
  };
}

/** Ring colours of open alerts by severity (kept in step with the operations console's SEVERITY_META). */
const ALERT_RING: Record<string, string> = { critical: "#b3261e", major: "#e8590c", minor: "#f2a100", warning: "#c9b400", info: "#3b73b9" };

/** The stylesheet; big graphs get straight haystack edges without arrows for speed. */
export function mapStylesheet(colours: MapColours, big: boolean): StylesheetJson {
  const statusRules = (Object.keys(colours.status) as CiOperationalStatus[]).map((key) => ({
    selector: `node[status = "${key}"]`,
    style: { "background-color": colours.status[key].fill, "border-color": colours.status[key].border },
  }));
  return [
    {
      selector: "node",
      style: {
        shape: "data(shape)" as never,
        width: 168,
        height: 46,
        "border-width": 2,
        label: "data(label)",
        "text-wrap": "wrap",
        "text-max-width": "150px",
        "text-valign": "center",
        "text-halign": "center",
        "font-size": 11,
        "font-family": "Inter, -apple-system, Segoe UI, Roboto, sans-serif",
        color: colours.text,
        "min-zoomed-font-size": 7,
      },
    },
    ...statusRules,
    // Open alerts: a thick ring in the worst severity's colour (same colours as the operations console).
    ...Object.entries(ALERT_RING).map(([severity, colour]) => ({ selector: `node[alert = "${severity}"]`, style: { "border-color": colour, "border-width": 5 } })),
    { selector: "node.root", style: { "border-width": 4, "font-weight": "bold" } },
    { selector: "node.expanded", style: { "border-style": "double", "border-width": 5 } },
    { selector: "node:selected", style: { "underlay-color": colours.accent, "underlay-opacity": 0.28, "underlay-padding": 7, "underlay-shape": "round-rectangle" } as never },
    {
      selector: "edge",
      style: big
        ? { width: 1, "curve-style": "haystack", "haystack-radius": 0, "line-color": colours.edge, opacity: 0.8 }
        : {
            width: 1.5,
            "curve-style": "bezier",
            "line-color": colours.edge,
            "target-arrow-shape": "triangle",
            "target-arrow-color": colours.edge,
            "arrow-scale": 0.9,
            label: "data(label)",
            "font-size": 9,
            color: colours.muted,
            "text-background-color": colours.surface,
            "text-background-opacity": 0.9,
            "text-background-padding": "2px",
            "min-zoomed-font-size": 9,
          },
    },
    { selector: ".faded", style: { opacity: 0.18 } },
    { selector: "edge.highlight", style: { width: 2.5, "line-color": colours.accent, "target-arrow-color": colours.accent, opacity: 1 } },
  ];
}
