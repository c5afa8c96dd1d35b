import { useState, type ReactNode } from "react";
import { deleteCi, getCi } from "../../../api/cmdb";
import type { Ci, CiClass } from "../../../api/types";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Badge } from "../../../components/Badge";
import { Button } from "../../../components/Button";
import { Card, DetailList } from "../../../components/Card";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { EmptyState } from "../../../components/EmptyState";
import { Icon } from "../../../components/Icon";
import { PageHeader } from "../../../components/PageHeader";
import { LoadingBlock } from "../../../components/Spinner";
import { Time } from "../../../components/Time";
import { useToast } from "../../../components/Toast";
import { useParams, useRouter } from "../../../router";
import { IDENTIFIER_FIELDS, SERVICE_ROOTS } from "../ciMeta";
import { CiFormDialog } from "../form/CiFormDialog";
import { CriticalityBadge, LifecycleBadge, OperationalBadge } from "../StatusBadges";
import { useCatalog, useCmdbAccess, useGroups } from "../useCmdb";
import { HistoryCard } from "./HistoryCard";
import { RelationshipsCard } from "./RelationshipsCard";
import { ServicesCard } from "./ServicesCard";
import { CiIncidentsPanel } from "../../tickets/CiIncidentsPanel";
import { CiAlertsCard } from "../../events/CiAlertsCard";
import "../cmdb.css";

const none = <span className="subtle">—</span>;

function attributeDisplay(value: unknown, type: string): ReactNode {
  if (value === null || value === undefined || value === "") return none;
  if (type === "boolean") return value ? "Yes" : "No";
  if (type === "date" && typeof value === "string") return <Time value={value} format="date" />;
  return String(value);
}

/** True for business, technical and application services and their subclasses. */
export function isService(cls: CiClass | undefined, className: string): boolean {
  const lineage = cls?.path.length ? cls.path : [className];
  return lineage.some((name) => SERVICE_ROOTS.includes(name));
}

/** CMDB → one CI: attributes, identifiers, relationships, impact, history and (later) linked records. */
export function CiDetailPage() {
  const { id = "" } = useParams();
  const { canWrite, canSeeGroups } = useCmdbAccess();
  const catalog = useCatalog();
  const { nameOf } = useGroups(canSeeGroups);
  const { navigate } = useRouter();
  const toast = useToast();
  const ci = useApi((signal) => getCi(id, signal), [id]);
  const [editOpen, setEditOpen] = useState(false);
  const [deleteOpen, setDeleteOpen] = useState(false);
  const [graphVersion, setGraphVersion] = useState(0);
  const crumbs = [{ label: "CMDB", to: "/cmdb" }];

  if (ci.error) {
    return (
      <>
        <PageHeader title="Configuration item" breadcrumbs={crumbs} />
        {ci.error.status === 404 ? (
          <EmptyState
            icon="graph"
            title="Configuration item not found"
            description="It was deleted, or the link is wrong."
            action={<Button onClick={() => navigate("/cmdb")}>Back to the CMDB</Button>}
          />
        ) : (
          <Alert tone="danger" title="The configuration item could not be loaded">
            {ci.error.message}
          </Alert>
        )}
      </>
    );
  }
  if (!ci.data) return <LoadingBlock label="Loading configuration item" />;
  const data: Ci = ci.data;
  const cls = catalog.byName.get(data.class);
  const service = isService(cls, data.class);
  const groupValue = (groupId: string | null) => (groupId ? (nameOf(groupId) ?? <span className="mono">{groupId}</span>) : none);
  const identifiers = IDENTIFIER_FIELDS.flatMap(({ key, label }) => {
    const value = data.identifiers[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) return [];
    const values = Array.isArray(value) ? value : [value];
    return [
      {
        label,
        value: (
          <span className="tag-list">
            {values.map((v) => (
              <span key={v} className="code-tag">
                {v}
              </span>
            ))}
          </span>
        ),
      },
    ];
  });
  const lineage = cls?.path.map((name) => catalog.classLabel(name)).join(" › ") ?? data.class;

  return (
    <>
      <PageHeader
        breadcrumbs={[...crumbs, ...(cls ? [{ label: cls.label, to: `/cmdb?class=${cls.name}` }] : []), { label: data.name }]}
        documentTitle={data.name}
        title={data.name}
        description={
          <span className="ci-header-badges">
            <Badge tone="accent">{cls?.label ?? data.class}</Badge>
            <OperationalBadge status={data.operationalStatus} />
            <LifecycleBadge status={data.lifecycleStatus} />
            {data.environment ? <Badge>{data.environment}</Badge> : null}
          </span>
        }
        actions={
          <>
            <Button icon="graph" variant={service ? "primary" : "secondary"} onClick={() => navigate(`/cmdb/cis/${data.id}/map`)}>
              {service ? "Service map" : "Dependency map"}
            </Button>
            {canWrite ? (
              <>
                <Button icon="pencil" onClick={() => setEditOpen(true)}>
                  Edit
                </Button>
                <Button icon="trash" variant="danger-subtle" onClick={() => setDeleteOpen(true)}>
                  Delete
                </Button>
              </>
            ) : null}
          </>
        }
      />
      <div className="grid-sidebar">
        <div className="cmdb-stack">
          <Card title="Attributes" description={cls ? `As declared by ${lineage}` : undefined}>
            {!cls ? (
              <LoadingBlock />
            ) : cls.allAttributes.length === 0 ? (
              <p className="subtle" style={{ margin: 0 }}>
                The class {cls.label} declares no attributes.
              </p>
            ) : (
              <DetailList
                items={cls.allAttributes.map((def) => ({
                  label: def.label ?? def.name,
                  value: attributeDisplay(data.attributes[def.name], def.type),
                }))}
              />
            )}
          </Card>
          <RelationshipsCard
            ci={data}
            types={catalog.types}
            classLabel={catalog.classLabel}
            canWrite={canWrite}
            onChanged={() => setGraphVersion((v) => v + 1)}
          />
          <HistoryCard ciId={data.id} cls={cls} version={data.updatedAt} groupName={nameOf} />
        </div>
        <div className="cmdb-stack">
          <Card title="Details">
            <DetailList
              items={[
                { label: "Class", value: lineage },
                { label: "Operational status", value: <OperationalBadge status={data.operationalStatus} /> },
                { label: "Lifecycle", value: <LifecycleBadge status={data.lifecycleStatus} /> },
                { label: "Environment", value: data.environment ?? none },
                { label: "Criticality", value: <CriticalityBadge value={data.criticality} /> },
                { label: "Owner group", value: groupValue(data.ownerGroupId) },
                { label: "Support group", value: groupValue(data.supportGroupId) },
                { label: "Created", value: <Time value={data.createdAt} format="datetime" /> },
                { label: "Updated", value: <Time value={data.updatedAt} format="datetime" /> },
              ]}
            />
          </Card>
          <Card title="Identifiers" description="How sources recognise this CI.">
            {identifiers.length ? <DetailList items={identifiers} /> : <p className="subtle" style={{ margin: 0 }}>No identifiers recorded.</p>}
          </Card>
          <ServicesCard ciId={data.id} version={graphVersion} />
          <CiIncidentsPanel ciId={data.id} />
          <CiAlertsCard ciId={data.id} />
          <Card title="Linked records">
            <div className="linked-records">
              <p className="muted" style={{ margin: 0 }}>
                <Icon name="info" size={14} /> Incidents, problems, changes and alerts on this CI will appear here.
              </p>
              <ul>
                <li>Open incidents and recent changes</li>
                <li>Firing alerts and monitors</li>
                <li>Problems and known errors</li>
              </ul>
            </div>
          </Card>
        </div>
      </div>

      <CiFormDialog
        open={editOpen}
        ci={data}
        onClose={() => setEditOpen(false)}
        onSaved={(saved) => {
          setEditOpen(false);
          toast.success("Configuration item updated", saved.name);
          ci.reload();
        }}
      />
      <ConfirmDialog
        open={deleteOpen}
        onClose={() => setDeleteOpen(false)}
        title="Delete configuration item"
        confirmLabel="Delete CI"
        onConfirm={async () => {
          await deleteCi(data.id);
          toast.success("Configuration item deleted", data.name);
          navigate("/cmdb");
        }}
      >
        <p>
          Delete <strong>{data.name}</strong> and its relationships? Its history stays readable for audits.
        </p>
      </ConfirmDialog>
    </>
  );
}
