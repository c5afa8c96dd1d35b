import { useState } from "react";
import type { CiClass } from "../../../api/types";
import { Alert } from "../../../components/Alert";
import { Badge } from "../../../components/Badge";
import { Button } from "../../../components/Button";
import { Card } from "../../../components/Card";
import { PageHeader } from "../../../components/PageHeader";
import { LoadingBlock } from "../../../components/Spinner";
import { Table, type Column } from "../../../components/Table";
import { useToast } from "../../../components/Toast";
import { Link, useSearchParams } from "../../../router";
import { ClassTree } from "../browse/ClassTree";
import { CmdbLayout } from "../CmdbLayout";
import { invalidateCatalog, useCatalog, useCmdbAccess } from "../useCmdb";
import { AttributeFormDialog } from "./AttributeFormDialog";
import { ClassFormDialog } from "./ClassFormDialog";

type AttributeRow = CiClass["allAttributes"][number];

/** CMDB → Classes: the class hierarchy with own and inherited attributes; admins add classes and attributes. */
export function ClassesPage() {
  const catalog = useCatalog();
  const { canAdmin } = useCmdbAccess();
  const toast = useToast();
  const [params, update] = useSearchParams();
  const [classOpen, setClassOpen] = useState(false);
  const [attributeOpen, setAttributeOpen] = useState(false);
  const selectedName = params.get("class") || catalog.classes.find((c) => c.name === "business_service")?.name || catalog.classes[0]?.name || "";
  const selected = catalog.byName.get(selectedName);

  const columns: Column<AttributeRow>[] = [
    {
      key: "name",
      header: "Attribute",
      render: (attr) => (
        <span className="ci-name-cell">
          <span className="ci-name">{attr.label ?? attr.name}</span>
          <span className="ci-sub">
            <span className="code-tag">{attr.name}</span>
          </span>
        </span>
      ),
    },
    {
      key: "type",
      header: "Type",
      render: (attr) => (
        <span className="muted">
          {attr.type}
          {attr.allowedValues ? <span className="ci-sub"> · {attr.allowedValues.join(", ")}</span> : null}
        </span>
      ),
    },
    { key: "required", header: "Required", render: (attr) => (attr.required ? <Badge tone="warning">Required</Badge> : <span className="subtle">Optional</span>) },
    {
      key: "from",
      header: "Declared by",
      render: (attr) =>
        attr.inheritedFrom ? (
          <button type="button" className="link-button" onClick={() => update({ class: attr.inheritedFrom })}>
            {catalog.classLabel(attr.inheritedFrom)} (inherited)
          </button>
        ) : (
          <span className="muted">This class</span>
        ),
    },
  ];

  return (
    <CmdbLayout>
      <PageHeader
        title="CI classes"
        description="Classes decide which attributes a configuration item has and how sources identify it. Subclasses inherit their parent's attributes."
        actions={
          canAdmin ? (
            <Button variant="primary" icon="plus" onClick={() => setClassOpen(true)}>
              New class
            </Button>
          ) : null
        }
      />
      {catalog.error ? (
        <Alert tone="danger" title="Classes could not be loaded">
          {catalog.error.message}
        </Alert>
      ) : catalog.loading ? (
        <LoadingBlock label="Loading classes" />
      ) : (
        <div className="class-admin">
          <ClassTree classes={catalog.classes} value={selectedName} allowAll={false} onChange={(name) => update({ class: name })} />
          {selected ? (
            <div className="cmdb-stack">
              <Card
                title={
                  <>
                    {selected.label} <span className="code-tag">{selected.name}</span>
                  </>
                }
                description={selected.description || undefined}
                actions={
                  <>
                    <Link to={`/cmdb?class=${selected.name}`} className="btn btn-ghost btn-sm">
                      Browse CIs
                    </Link>
                    {canAdmin ? (
                      <Button size="sm" variant="primary" icon="plus" onClick={() => setAttributeOpen(true)}>
                        Add attribute
                      </Button>
                    ) : null}
                  </>
                }
                flush
              >
                <div className="card-pad">
                  <div className="ci-header-badges" style={{ marginTop: 0 }}>
                    {selected.builtin ? <Badge>Built in</Badge> : <Badge tone="accent">Custom</Badge>}
                    <Badge tone="info">{selected.path.map((name) => catalog.classLabel(name)).join(" › ")}</Badge>
                  </div>
                </div>
                <Table
                  caption={`Attributes of ${selected.label}`}
                  columns={columns}
                  rows={selected.allAttributes}
                  rowKey={(attr) => attr.name}
                  empty={<p className="subtle card-pad">No attributes yet.</p>}
                />
              </Card>
              <Card title="Identification rules" description="Tried in order; a rule matches when all its identifiers match an existing CI.">
                {selected.identificationRules.length ? (
                  <ol className="history-changes" style={{ paddingLeft: 18 }}>
                    {selected.identificationRules.map((rule, index) => (
                      <li key={index} style={{ padding: "2px 0" }}>
                        {rule.map((kind) => (
                          <span key={kind} className="code-tag" style={{ marginRight: 4 }}>
                            {kind}
                          </span>
                        ))}
                      </li>
                    ))}
                  </ol>
                ) : (
                  <p className="subtle" style={{ margin: 0 }}>
                    None: CIs of this class are never merged automatically.
                  </p>
                )}
              </Card>
            </div>
          ) : null}
        </div>
      )}
      <ClassFormDialog
        open={classOpen}
        classes={catalog.classes}
        defaultParent={selected?.name}
        onClose={() => setClassOpen(false)}
        onSaved={(created) => {
          setClassOpen(false);
          toast.success("Class created", created.label);
          invalidateCatalog();
          update({ class: created.name });
        }}
      />
      {selected ? (
        <AttributeFormDialog
          open={attributeOpen}
          cls={selected}
          onClose={() => setAttributeOpen(false)}
          onSaved={(cls, name) => {
            setAttributeOpen(false);
            toast.success("Attribute added", `${cls.label} and its subclasses now have “${name}”.`);
            invalidateCatalog();
          }}
        />
      ) : null}
    </CmdbLayout>
  );
}
