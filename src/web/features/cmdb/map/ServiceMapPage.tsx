import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { getCi, getDependencies, getImpact, listCiRelationships } from "../../../api/cmdb";
import { toApiError } from "../../../api/client";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Button, IconButton } from "../../../components/Button";
import { Select } from "../../../components/Field";
import { PageHeader } from "../../../components/PageHeader";
import { LoadingBlock } from "../../../components/Spinner";
import { useToast } from "../../../components/Toast";
import { useParams, useSearchParams } from "../../../router";
import { useCatalog } from "../useCmdb";
import { canCollapse, collapse, fromTraversal, withRelationships, type MapModel, type Traversal } from "./graphModel";
import { MapLegend } from "./MapLegend";
import { MapSidePanel } from "./MapSidePanel";
import { ServiceMapCanvas, type MapControls } from "./ServiceMapCanvas";
import { useOpenAlerts } from "./useOpenAlerts";
import "../cmdb.css";
import "./map.css";

const DEPTHS = [1, 2, 3, 4, 5, 6, 8, 10];

/**
 * CMDB → CI → Service map: everything a service depends on (or everything a CI's failure
 * impacts), laid out in layers; click a CI for its summary, double-click to expand it.
 */
export function ServiceMapPage() {
  const { id = "" } = useParams();
  const [params, update] = useSearchParams();
  const catalog = useCatalog();
  const toast = useToast();
  const view: Traversal = params.get("view") === "downstream" ? "downstream" : "upstream";
  const depth = Math.min(10, Math.max(1, Number.parseInt(params.get("depth") ?? "6", 10) || 6));
  const rankDir = params.get("layout") === "LR" ? "LR" : "TB";
  const root = useApi((signal) => getCi(id, signal), [id]);
  const [model, setModel] = useState<MapModel | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [busyNode, setBusyNode] = useState<string | null>(null);
  const controls = useRef<MapControls | null>(null);
  const mapAlerts = useOpenAlerts();
  const modelRef = useRef(model);
  modelRef.current = model;

  useEffect(() => {
    if (catalog.loading) return;
    const controller = new AbortController();
    setModel(null);
    setError(null);
    setSelectedId(null);
    (async () => {
      const result = view === "upstream" ? await getDependencies(id, depth, controller.signal) : await getImpact(id, "downstream", depth, controller.signal);
      setModel(fromTraversal(result, catalog.typeByName));
    })().catch((failure: unknown) => {
      if (!controller.signal.aborted) setError(toApiError(failure).message);
    });
    return () => controller.abort();
  }, [id, view, depth, catalog.loading, catalog.typeByName]);

  const expand = useCallback(
    async (ciId: string) => {
      const current = modelRef.current;
      if (!current || busyNode) return;
      if (current.expanded.has(ciId) && canCollapse(current, ciId)) {
        setModel(collapse(current, ciId));
        return;
      }
      setBusyNode(ciId);
      try {
        const { items } = await listCiRelationships(ciId);
        const before = modelRef.current ?? current;
        const next = withRelationships(before, ciId, items, catalog.typeByName, true);
        const added = next.nodes.size - before.nodes.size;
        setModel(next);
        if (added === 0) toast.info("No more neighbours", "Every CI related to this one is already on the map.");
      } catch (failure) {
        toast.error("Neighbours could not be loaded", toApiError(failure).message);
      } finally {
        setBusyNode(null);
      }
    },
    [busyNode, catalog.typeByName, toast],
  );

  const onReady = useCallback((value: MapControls) => {
    controls.current = value;
  }, []);

  const rootName = root.data?.name ?? "Configuration item";
  const selected = selectedId && model ? model.nodes.get(selectedId) : undefined;
  const stats = useMemo(() => (model ? `${model.nodes.size} CIs · ${model.edges.size} relationships` : ""), [model]);

  return (
    <>
      <PageHeader
        breadcrumbs={[{ label: "CMDB", to: "/cmdb" }, { label: rootName, to: `/cmdb/cis/${id}` }, { label: "Service map" }]}
        documentTitle={`${rootName} · Service map`}
        title={`Service map: ${rootName}`}
        description={view === "upstream" ? "Everything this CI depends on, layer by layer." : "Everything that an outage of this CI would impact."}
      />
      <div className="toolbar service-map-toolbar">
        <Select
          aria-label="What to show"
          value={view}
          options={[
            { value: "upstream", label: "What it depends on" },
            { value: "downstream", label: "What it impacts" },
          ]}
          onChange={(event) => update({ view: event.target.value === "downstream" ? "downstream" : null })}
        />
        <Select
          aria-label="Depth"
          value={String(depth)}
          options={DEPTHS.map((d) => ({ value: String(d), label: d === 1 ? "1 hop" : `${d} hops` }))}
          onChange={(event) => update({ depth: event.target.value === "6" ? null : event.target.value })}
        />
        <Select
          aria-label="Layout direction"
          value={rankDir}
          options={[
            { value: "TB", label: "Top to bottom" },
            { value: "LR", label: "Left to right" },
          ]}
          onChange={(event) => update({ layout: event.target.value === "LR" ? "LR" : null })}
        />
        <span className="subtle service-map-stats" aria-live="polite">
          {stats}
        </span>
        <div className="toolbar-end">
          <IconButton icon="plus" label="Zoom in" variant="secondary" onClick={() => controls.current?.zoom(1.25)} />
          <Button aria-label="Zoom out" title="Zoom out" className="btn-icon service-map-zoom-out" onClick={() => controls.current?.zoom(0.8)}>
            <span aria-hidden="true">−</span>
          </Button>
          <Button icon="search" onClick={() => controls.current?.fit()}>
            Fit
          </Button>
        </div>
      </div>
      {error || root.error ? (
        <Alert tone="danger" title="The map could not be loaded">
          {error ?? root.error?.message}
        </Alert>
      ) : !model ? (
        <LoadingBlock label="Loading the service map" />
      ) : (
        <div className="service-map">
          <div className="service-map-main">
            <ServiceMapCanvas
              model={model}
              alerts={mapAlerts}
              catalog={catalog}
              rankDir={rankDir}
              selectedId={selectedId}
              onSelect={setSelectedId}
              onExpand={(ciId) => void expand(ciId)}
              onReady={onReady}
            />
            <MapLegend big={model.nodes.size + model.edges.size > 300} />
          </div>
          <MapSidePanel
            model={model}
            selected={selected ?? null}
            catalog={catalog}
            busy={busyNode !== null && busyNode === selectedId}
            onSelect={(ciId) => {
              setSelectedId(ciId);
              if (ciId) controls.current?.center(ciId);
            }}
            onExpand={(ciId) => void expand(ciId)}
          />
        </div>
      )}
    </>
  );
}
