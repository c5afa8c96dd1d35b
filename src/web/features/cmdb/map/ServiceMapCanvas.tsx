import { useEffect, useRef, useState } from "react";
import type { Core, ElementDefinition, LayoutOptions } from "cytoscape";
import { Alert } from "../../../components/Alert";
import { Spinner } from "../../../components/Spinner";
import { useTheme } from "../../../theme";
import { familyOf } from "../ciMeta";
import type { CatalogValue } from "../useCmdb";
import type { MapModel } from "./graphModel";
import { FAMILY_SHAPES, mapStylesheet, readColours } from "./mapStyle";

/** Above this many elements the map switches to the fast rendering mode. */
const BIG = 300;
/** Below this zoom labels are unreadable; the first view zooms in to START_ZOOM instead. */
const MIN_READABLE_ZOOM = 0.35;
const START_ZOOM = 0.75;

export interface MapControls {
  fit: () => void;
  zoom: (factor: number) => void;
  center: (id: string) => void;
}

/** The worst open alert and how many there are, per CI id (from the event console's counts). */
export type MapAlerts = ReadonlyMap<string, { severity: string; count: number }>;

export interface ServiceMapCanvasProps {
  model: MapModel;
  /** Open alerts per CI: nodes with alerts get the severity's ring and a count. */
  alerts?: MapAlerts;
  catalog: CatalogValue;
  rankDir: "TB" | "LR";
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  onExpand: (id: string) => void;
  onReady: (controls: MapControls) => void;
}

type CytoscapeFactory = typeof import("cytoscape");
let loading: Promise<CytoscapeFactory> | null = null;

/** Loads cytoscape and the dagre layout on first use only: they are not in the main bundle. */
function loadCytoscape(): Promise<CytoscapeFactory> {
  loading ??= Promise.all([import("cytoscape"), import("cytoscape-dagre")]).then(([cy, dagre]) => {
    cy.default.use(dagre.default);
    return cy.default;
  });
  return loading;
}

function elementsOf(model: MapModel, catalog: CatalogValue, alerts?: MapAlerts): ElementDefinition[] {
  const nodes: ElementDefinition[] = [...model.nodes.values()].map(({ ci }) => {
    const open = alerts?.get(ci.id);
    return {
    group: "nodes",
    data: {
      id: ci.id,
      label: `${ci.name}\n${catalog.classLabel(ci.class)}${open ? `\n⚠ ${open.count} alert${open.count === 1 ? "" : "s"}` : ""}`,
      status: ci.operationalStatus,
      alert: open?.severity ?? "",
      shape: FAMILY_SHAPES[familyOf(catalog.byName.get(ci.class)?.path, ci.class)],
    },
    classes: [ci.id === model.rootId ? "root" : "", model.expanded.has(ci.id) ? "expanded" : ""].filter(Boolean).join(" "),
    };
  });
  const edges: ElementDefinition[] = [...model.edges.values()].map((edge) => ({
    group: "edges",
    data: { id: edge.key, source: edge.source, target: edge.target, label: edge.label, type: edge.type },
  }));
  return [...nodes, ...edges];
}

/** The interactive graph: dagre layered layout, status colours, select, double-click to expand. */
export function ServiceMapCanvas({ model, alerts, catalog, rankDir, selectedId, onSelect, onExpand, onReady }: ServiceMapCanvasProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const { theme } = useTheme();
  const handlers = useRef({ onSelect, onExpand, onReady });
  handlers.current = { onSelect, onExpand, onReady };
  const size = model.nodes.size + model.edges.size;
  const big = size > BIG;
  const initiallyBig = useRef(big);

  // create once
  useEffect(() => {
    let cancelled = false;
    loadCytoscape().then(
      (cytoscape) => {
        if (cancelled || !containerRef.current) return;
        const cy = cytoscape({
          container: containerRef.current,
          elements: [],
          style: mapStylesheet(readColours(), false),
          minZoom: 0.05,
          maxZoom: 3,
          wheelSensitivity: 0.3,
          boxSelectionEnabled: false,
          selectionType: "single",
          // big maps: draw a cheap picture while panning and zooming
          hideEdgesOnViewport: initiallyBig.current,
          textureOnViewport: initiallyBig.current,
        });
        cy.on("tap", "node", (event) => handlers.current.onSelect(event.target.id()));
        cy.on("tap", (event) => {
          if (event.target === cy) handlers.current.onSelect(null);
        });
        cy.on("dbltap", "node", (event) => handlers.current.onExpand(event.target.id()));
        cyRef.current = cy;
        handlers.current.onReady({
          fit: () => cy.animate({ fit: { eles: cy.elements(), padding: 40 } }, { duration: 250 }),
          zoom: (factor) =>
            cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }),
          center: (id) => {
            const node = cy.getElementById(id);
            if (node.nonempty()) cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 0.9) }, { duration: 250 });
          },
        });
        setReady(true);
      },
      (error: unknown) => !cancelled && setFailed(error instanceof Error ? error.message : "The graph library could not be loaded"),
    );
    return () => {
      cancelled = true;
      cyRef.current?.destroy();
      cyRef.current = null;
    };
  }, []);

  // sync elements, then lay out again
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || !ready) return;
    const wanted = elementsOf(model, catalog, alerts);
    const wantedIds = new Set(wanted.map((element) => element.data.id!));
    const firstLayout = cy.elements().empty();
    cy.batch(() => {
      cy.elements().forEach((element) => {
        if (!wantedIds.has(element.id())) cy.remove(element);
      });
      const fresh = wanted.filter((element) => cy.getElementById(element.data.id!).empty());
      cy.add(fresh);
      for (const element of wanted) {
        const existing = cy.getElementById(element.data.id!);
        existing.data(element.data);
        existing.classes(element.classes as string);
      }
    });
    cy.style(mapStylesheet(readColours(), big));
    const layout = cy.layout({
      name: "dagre",
      rankDir,
      nodeSep: 24,
      rankSep: big ? 70 : 90,
      edgeSep: 8,
      fit: firstLayout || true,
      padding: 40,
      animate: !firstLayout && !big,
      animationDuration: 250,
    } as LayoutOptions);
    if (firstLayout) {
      // a wide map fitted whole is unreadable: start at a legible zoom on the root; "Fit" shows all
      layout.one("layoutstop", () => {
        if (cy.zoom() >= MIN_READABLE_ZOOM) return;
        const root = cy.getElementById(model.rootId);
        cy.zoom(START_ZOOM);
        cy.center(root);
        // root near the top (or the left edge), its dependencies spread out below it
        if (rankDir === "TB") cy.panBy({ x: 0, y: -(cy.height() / 2 - 70) });
        else cy.panBy({ x: -(cy.width() / 2 - 110), y: 0 });
      });
    }
    layout.run();
    // the catalog's labels may arrive after the first render
  }, [model, catalog, rankDir, ready, big, alerts]);

  // follow light/dark mode
  useEffect(() => {
    cyRef.current?.style(mapStylesheet(readColours(), big));
  }, [theme, big]);

  // selection and neighbourhood highlight
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || !ready) return;
    cy.batch(() => {
      cy.elements().removeClass("faded highlight").unselect();
      if (!selectedId) return;
      const node = cy.getElementById(selectedId);
      if (node.empty()) return;
      node.select();
      const hood = node.closedNeighborhood();
      cy.elements().not(hood).addClass("faded");
      hood.edges().addClass("highlight");
    });
  }, [selectedId, ready, model]);

  return (
    <div className="service-map-canvas-wrap">
      <div
        ref={containerRef}
        className="service-map-canvas"
        role="img"
        aria-label={`Service map with ${model.nodes.size} configuration items and ${model.edges.size} relationships. The list beside it offers the same items.`}
        data-ready={ready || undefined}
      />
      {!ready && !failed ? (
        <div className="service-map-loading">
          <Spinner size={20} label="Loading the map" />
        </div>
      ) : null}
      {failed ? (
        <div className="service-map-loading">
          <Alert tone="danger" title="The map could not be drawn">
            {failed}
          </Alert>
        </div>
      ) : null}
    </div>
  );
}
