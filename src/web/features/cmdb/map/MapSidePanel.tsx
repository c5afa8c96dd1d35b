import { useMemo, useState } from "react";
import { getCi } from "../../../api/cmdb";
import { useApi } from "../../../api/useApi";
import { Button, IconButton } from "../../../components/Button";
import { DetailList } from "../../../components/Card";
import { Input } from "../../../components/Field";
import { LoadingBlock } from "../../../components/Spinner";
import { Link } from "../../../router";
import { CriticalityBadge, LifecycleBadge, OperationalBadge } from "../StatusBadges";
import type { CatalogValue } from "../useCmdb";
import { canCollapse, type MapModel, type MapNode } from "./graphModel";

export interface MapSidePanelProps {
  model: MapModel;
  selected: MapNode | null;
  catalog: CatalogValue;
  /** True while the selected node's neighbours load. */
  busy: boolean;
  onSelect: (id: string | null) => void;
  onExpand: (id: string) => void;
}

const LIST_LIMIT = 300;

/** Beside the map: the selected CI's summary and actions, or the list of every CI on the map. */
export function MapSidePanel({ model, selected, catalog, busy, onSelect, onExpand }: MapSidePanelProps) {
  return (
    <aside className="service-map-panel" aria-label={selected ? `Selected CI ${selected.ci.name}` : "CIs on this map"}>
      {selected ? (
        <SelectedCi model={model} node={selected} catalog={catalog} busy={busy} onClose={() => onSelect(null)} onExpand={onExpand} />
      ) : (
        <NodeList model={model} catalog={catalog} onSelect={onSelect} />
      )}
    </aside>
  );
}

function SelectedCi({ model, node, catalog, busy, onClose, onExpand }: { model: MapModel; node: MapNode; catalog: CatalogValue; busy: boolean; onClose: () => void; onExpand: (id: string) => void }) {
  const ci = useApi((signal) => getCi(node.ci.id, signal), [node.ci.id]);
  const links = [...model.edges.values()].filter((edge) => edge.source === node.ci.id || edge.target === node.ci.id);
  const expanded = model.expanded.has(node.ci.id) && canCollapse(model, node.ci.id);
  const name = (id: string) => model.nodes.get(id)?.ci.name ?? id;
  return (
    <div className="service-map-panel-body">
      <div className="service-map-panel-head">
        <div>
          <h2>{node.ci.name}</h2>
          <p className="subtle">{catalog.classLabel(node.ci.class)}</p>
        </div>
        <IconButton icon="close" size="sm" label="Close CI summary" onClick={onClose} />
      </div>
      {ci.data ? (
        <DetailList
          items={[
            { label: "Status", value: <OperationalBadge status={ci.data.operationalStatus} /> },
            { label: "Lifecycle", value: <LifecycleBadge status={ci.data.lifecycleStatus} /> },
            { label: "Environment", value: ci.data.environment ?? <span className="subtle">—</span> },
            { label: "Criticality", value: <CriticalityBadge value={ci.data.criticality} /> },
            ...(ci.data.identifiers.fqdn || ci.data.identifiers.hostname
              ? [{ label: "Host", value: <span className="code-tag">{ci.data.identifiers.fqdn ?? ci.data.identifiers.hostname}</span> }]
              : []),
            ...(node.depth !== null && node.depth > 0 ? [{ label: "Distance", value: node.depth === 1 ? "1 hop" : `${node.depth} hops` }] : []),
          ]}
        />
      ) : ci.error ? (
        <p className="subtle">{ci.error.message}</p>
      ) : (
        <LoadingBlock />
      )}
      <div className="service-map-panel-actions">
        <Link to={`/cmdb/cis/${node.ci.id}`} className="btn btn-primary btn-md">
          Open CI
        </Link>
        <Button icon={expanded ? "close" : "plus"} loading={busy} onClick={() => onExpand(node.ci.id)}>
          {expanded ? "Hide neighbours" : "Show neighbours"}
        </Button>
        {node.ci.id !== model.rootId ? (
          <Link to={`/cmdb/cis/${node.ci.id}/map`} className="btn btn-ghost btn-md">
            Map from this CI
          </Link>
        ) : null}
      </div>
      {links.length ? (
        <>
          <h3 className="rel-group-title" style={{ paddingInline: 0 }}>
            On this map
          </h3>
          <ul className="service-map-links">
            {links.map((edge) => (
              <li key={edge.key}>
                {edge.source === node.ci.id ? (
                  <>
                    <span className="subtle">{edge.label}</span> {name(edge.target)}
                  </>
                ) : (
                  <>
                    <span className="subtle">{catalog.typeByName.get(edge.type)?.reverseLabel ?? edge.type}</span> {name(edge.source)}
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function NodeList({ model, catalog, onSelect }: { model: MapModel; catalog: CatalogValue; onSelect: (id: string) => void }) {
  const [filter, setFilter] = useState("");
  const nodes = useMemo(
    () => [...model.nodes.values()].sort((a, b) => (a.depth ?? 99) - (b.depth ?? 99) || a.ci.name.localeCompare(b.ci.name)),
    [model],
  );
  const text = filter.trim().toLowerCase();
  const shown = (text ? nodes.filter((node) => node.ci.name.toLowerCase().includes(text)) : nodes).slice(0, LIST_LIMIT);
  return (
    <div className="service-map-panel-body">
      <h2>CIs on this map</h2>
      <p className="subtle">Click a CI here or on the map to see its summary.</p>
      <Input type="search" aria-label="Find a CI on the map" placeholder="Find a CI on the map" value={filter} onChange={(event) => setFilter(event.target.value)} />
      <ul className="service-map-nodes">
        {shown.map((node) => (
          <li key={node.ci.id}>
            <button type="button" className="service-map-node" onClick={() => onSelect(node.ci.id)}>
              <span className={`status-dot status-${node.ci.operationalStatus}`} aria-hidden="true" />
              <span className="ci-name-cell">
                <span className="ci-name">{node.ci.name}</span>
                <span className="ci-sub">{catalog.classLabel(node.ci.class)}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      {nodes.length > shown.length && !text ? <p className="subtle">Showing {shown.length} of {nodes.length}; type to find the others.</p> : null}
    </div>
  );
}
