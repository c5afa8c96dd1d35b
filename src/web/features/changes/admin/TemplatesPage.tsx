import { useState } from "react";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Badge } from "../../../components/Badge";
import { Button, IconButton } from "../../../components/Button";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { PageHeader } from "../../../components/PageHeader";
import { Table, type Column } from "../../../components/Table";
import { useToast } from "../../../components/Toast";
import { useRouter } from "../../../router";
import { ticketPath } from "../../tickets/ticketMeta";
import { useTicketAccess } from "../../tickets/useTicketAccess";
import { RISK_META } from "../changeMeta";
import { deleteTemplate, listTemplates } from "../changesApi";
import type { ChangeTemplate } from "../changeTypes";
import { ChangesLayout } from "../ChangesLayout";
import { NewChangeDialog } from "../NewChangeDialog";
import { TemplateFormDialog } from "./TemplateFormDialog";

/** Change management → standard change templates: pre-approved changes agents open in one step. */
export function TemplatesPage() {
  const { canAdmin, canWrite } = useTicketAccess();
  const toast = useToast();
  const { navigate } = useRouter();
  const templates = useApi((signal) => listTemplates({}, signal), []);
  const [editing, setEditing] = useState<ChangeTemplate | "new" | null>(null);
  const [deleting, setDeleting] = useState<ChangeTemplate | null>(null);
  const [using, setUsing] = useState<string | null>(null);

  const columns: Column<ChangeTemplate>[] = [
    {
      key: "name",
      header: "Template",
      render: (t) => (
        <span className="chg-cell-stack">
          <strong>{t.name}</strong>
          <span className="subtle">{t.description || t.title}</span>
        </span>
      ),
    },
    { key: "risk", header: "Risk", render: (t) => <Badge tone={RISK_META[t.risk].tone}>{RISK_META[t.risk].label}</Badge> },
    { key: "duration", header: "Usual duration", render: (t) => (t.durationMinutes ? `${t.durationMinutes} min` : <span className="subtle">—</span>) },
    { key: "active", header: "Status", render: (t) => (t.active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>) },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      align: "right",
      render: (t) => (
        <span className="chg-row-actions">
          {canWrite && t.active ? (
            <Button size="sm" onClick={() => setUsing(t.id)}>
              Use
            </Button>
          ) : null}
          {canAdmin ? <IconButton icon="pencil" size="sm" label={`Edit ${t.name}`} onClick={() => setEditing(t)} /> : null}
          {canAdmin ? <IconButton icon="trash" size="sm" label={`Delete ${t.name}`} onClick={() => setDeleting(t)} /> : null}
        </span>
      ),
    },
  ];

  return (
    <ChangesLayout>
      <PageHeader
        title="Standard change templates"
        description="Pre-approved, low-risk changes with fixed plans. A change opened from a template is a standard change: it skips assessment and CAB approval."
        actions={
          canAdmin ? (
            <Button variant="primary" icon="plus" onClick={() => setEditing("new")}>
              New template
            </Button>
          ) : null
        }
      />
      {templates.error ? (
        <Alert tone="danger" title="Templates could not be loaded">
          {templates.error.message}
        </Alert>
      ) : (
        <Table caption="Standard change templates" columns={columns} rows={templates.data?.items ?? []} rowKey={(t) => t.id} loading={templates.loading && !templates.data} empty={<p className="subtle chg-empty">No templates yet.</p>} />
      )}
      <TemplateFormDialog
        template={editing}
        onClose={() => setEditing(null)}
        onSaved={(t) => {
          toast.success(editing === "new" ? "Template added" : "Template saved", t.name);
          setEditing(null);
          templates.reload();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete template"
        confirmLabel="Delete"
        onConfirm={async () => {
          await deleteTemplate(deleting!.id);
          toast.success("Template deleted", deleting!.name);
          templates.reload();
        }}
      >
        Changes already opened from “{deleting?.name}” keep their plans. New changes can no longer use it.
      </ConfirmDialog>
      <NewChangeDialog open={using !== null} initialTemplateId={using ?? undefined} onClose={() => setUsing(null)} onCreated={(t) => navigate(ticketPath(t.number))} />
    </ChangesLayout>
  );
}
