import { useState } from "react";
import { deleteRelationship, listCiRelationships } from "../../../api/cmdb";
import type { Ci, CiRelationship, RelationshipType } from "../../../api/types";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Button, IconButton } from "../../../components/Button";
import { Card } from "../../../components/Card";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { EmptyState } from "../../../components/EmptyState";
import { LoadingBlock } from "../../../components/Spinner";
import { useToast } from "../../../components/Toast";
import { Link } from "../../../router";
import { OperationalBadge } from "../StatusBadges";
import { AddRelationshipDialog } from "./AddRelationshipDialog";

export interface RelationshipsCardProps {
  ci: Ci;
  types: RelationshipType[];
  classLabel: (name: string) => string;
  canWrite: boolean;
  /** Called after a relationship was added or removed (impact may have changed). */
  onChanged: () => void;
}

/** A CI's relationships in both directions, grouped by how they read from this CI. */
export function RelationshipsCard({ ci, types, classLabel, canWrite, onChanged }: RelationshipsCardProps) {
  const toast = useToast();
  const relationships = useApi((signal) => listCiRelationships(ci.id, signal), [ci.id]);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<CiRelationship | null>(null);
  const items = relationships.data?.items ?? [];
  const groups = new Map<string, CiRelationship[]>();
  for (const item of items) groups.set(item.label, [...(groups.get(item.label) ?? []), item]);

  return (
    <Card
      title="Relationships"
      description={relationships.data ? (items.length === 1 ? "1 relationship" : `${items.length} relationships`) : undefined}
      flush
      actions={
        canWrite ? (
          <Button size="sm" variant="primary" icon="plus" onClick={() => setAdding(true)}>
            Add relationship
          </Button>
        ) : null
      }
    >
      {relationships.error ? (
        <div className="card-pad">
          <Alert tone="danger">{relationships.error.message}</Alert>
        </div>
      ) : !relationships.data ? (
        <LoadingBlock label="Loading relationships" />
      ) : items.length === 0 ? (
        <EmptyState
          compact
          icon="graph"
          title="No relationships yet"
          description="Say what this CI depends on, runs on or hosts, so impact analysis and service maps can see it."
          action={canWrite ? <Button icon="plus" onClick={() => setAdding(true)}>Add relationship</Button> : undefined}
        />
      ) : (
        [...groups.entries()].map(([label, group]) => (
          <section key={label} className="rel-group" aria-label={`${ci.name} ${label}`}>
            <h3 className="rel-group-title">{label}</h3>
            <ul className="rel-list">
              {group.map((rel) => (
                <li key={rel.id} className="rel-item">
                  <span className="ci-name-cell">
                    <Link to={`/cmdb/cis/${rel.ci.id}`} className="ci-name">
                      {rel.ci.name}
                    </Link>
                    <span className="ci-sub">{classLabel(rel.ci.class)}</span>
                  </span>
                  <OperationalBadge status={rel.ci.operationalStatus} />
                  {canWrite ? (
                    <IconButton
                      icon="close"
                      size="sm"
                      className="btn-danger-ghost"
                      label={`Remove “${label} ${rel.ci.name}”`}
                      onClick={() => setRemoving(rel)}
                    />
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
      <AddRelationshipDialog
        open={adding}
        ci={ci}
        types={types}
        classLabel={classLabel}
        onClose={() => setAdding(false)}
        onAdded={(description) => {
          setAdding(false);
          toast.success("Relationship added", description);
          relationships.reload();
          onChanged();
        }}
      />
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title="Remove relationship"
        confirmLabel="Remove"
        onConfirm={async () => {
          if (!removing) return;
          await deleteRelationship(removing.id);
          toast.success("Relationship removed", `${ci.name} ${removing.label} ${removing.ci.name}`);
          relationships.reload();
          onChanged();
        }}
      >
        <p>
          Remove “{ci.name} {removing?.label} <strong>{removing?.ci.name}</strong>”? Both CIs stay; impact analysis will no longer follow this link.
        </p>
      </ConfirmDialog>
    </Card>
  );
}
