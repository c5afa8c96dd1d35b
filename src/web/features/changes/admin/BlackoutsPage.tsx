import { useEffect, useState } from "react";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Badge } from "../../../components/Badge";
import { Button, IconButton } from "../../../components/Button";
import { Checkbox, Field, Input, Textarea } from "../../../components/Field";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { Modal } from "../../../components/Modal";
import { PageHeader } from "../../../components/PageHeader";
import { Table, type Column } from "../../../components/Table";
import { useToast } from "../../../components/Toast";
import { useApiForm } from "../../../components/useApiForm";
import { Link } from "../../../router";
import { TicketCiField } from "../../tickets/TicketFormFields";
import type { Ref } from "../../tickets/ticketTypes";
import { useTicketAccess } from "../../tickets/useTicketAccess";
import { calendarPath } from "../calendarModel";
import { formatWindow, fromLocalInput, toLocalInput } from "../changeMeta";
import { createBlackout, deleteBlackout, listBlackouts, updateBlackout } from "../changesApi";
import type { Blackout } from "../changeTypes";
import { ChangesLayout } from "../ChangesLayout";

/** Change management → blackout windows: periods in which changes should not be implemented. */
export function BlackoutsPage() {
  const { canAdmin } = useTicketAccess();
  const toast = useToast();
  const [past, setPast] = useState(false);
  const blackouts = useApi((signal) => listBlackouts(past ? {} : { from: new Date().toISOString() }, signal), [past]);
  const [editing, setEditing] = useState<Blackout | "new" | null>(null);
  const [deleting, setDeleting] = useState<Blackout | null>(null);

  const columns: Column<Blackout>[] = [
    {
      key: "name",
      header: "Blackout window",
      render: (b) => (
        <span className="chg-cell-stack">
          <strong>{b.name}</strong>
          {b.description ? <span className="subtle">{b.description}</span> : null}
        </span>
      ),
    },
    { key: "window", header: "When", render: (b) => <Link to={calendarPath("week", new Date(b.startsAt))}>{formatWindow(b.startsAt, b.endsAt)}</Link> },
    { key: "scope", header: "Applies to", render: (b) => (b.cis.length ? b.cis.map((ci) => ci.name).join(", ") : <Badge tone="danger">Every change</Badge>) },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      align: "right",
      render: (b) =>
        canAdmin ? (
          <span className="chg-row-actions">
            <IconButton icon="pencil" size="sm" label={`Edit ${b.name}`} onClick={() => setEditing(b)} />
            <IconButton icon="trash" size="sm" label={`Delete ${b.name}`} onClick={() => setDeleting(b)} />
          </span>
        ) : null,
    },
  ];

  return (
    <ChangesLayout>
      <PageHeader
        title="Blackout windows"
        description="Change freezes: a change planned inside one (for every change, or for the listed CIs and services) is flagged as a conflict when scheduled and on the calendar."
        actions={
          canAdmin ? (
            <Button variant="primary" icon="plus" onClick={() => setEditing("new")}>
              New blackout window
            </Button>
          ) : null
        }
      />
      <div className="toolbar">
        <Checkbox label="Show past windows" checked={past} onChange={(event) => setPast(event.target.checked)} />
      </div>
      {blackouts.error ? (
        <Alert tone="danger" title="Blackout windows could not be loaded">
          {blackouts.error.message}
        </Alert>
      ) : (
        <Table caption="Blackout windows" columns={columns} rows={blackouts.data?.items ?? []} rowKey={(b) => b.id} loading={blackouts.loading && !blackouts.data} empty={<p className="subtle chg-empty">No blackout window ahead.</p>} />
      )}
      <BlackoutFormDialog
        blackout={editing}
        onClose={() => setEditing(null)}
        onSaved={(b) => {
          toast.success(editing === "new" ? "Blackout window added" : "Blackout window saved", b.name);
          setEditing(null);
          blackouts.reload();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete blackout window"
        confirmLabel="Delete"
        onConfirm={async () => {
          await deleteBlackout(deleting!.id);
          toast.success("Blackout window deleted", deleting!.name);
          blackouts.reload();
        }}
      >
        Changes planned inside “{deleting?.name}” no longer show it as a conflict.
      </ConfirmDialog>
    </ChangesLayout>
  );
}

const FIELDS = ["name", "description", "startsAt", "endsAt", "ciIds"] as const;

function BlackoutFormDialog({ blackout, onClose, onSaved }: { blackout: Blackout | "new" | null; onClose: () => void; onSaved: (b: Blackout) => void }) {
  const form = useApiForm(FIELDS);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [startsAt, setStartsAt] = useState("");
  const [endsAt, setEndsAt] = useState("");
  const [cis, setCis] = useState<Ref[]>([]);
  const [picker, setPicker] = useState(0);

  useEffect(() => {
    if (!blackout) return;
    form.reset();
    const existing = blackout === "new" ? null : blackout;
    setName(existing?.name ?? "");
    setDescription(existing?.description ?? "");
    setStartsAt(toLocalInput(existing?.startsAt));
    setEndsAt(toLocalInput(existing?.endsAt));
    setCis(existing?.cis ?? []);
    // fill once per opening
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [blackout]);

  const submit = () =>
    form.submit(
      async () => {
        const body = { name: name.trim(), description: description.trim(), startsAt: fromLocalInput(startsAt)!, endsAt: fromLocalInput(endsAt)!, ciIds: cis.map((ci) => ci.id) };
        onSaved(blackout === "new" ? await createBlackout(body) : await updateBlackout(blackout!.id, body));
      },
      () => ({
        name: name.trim() ? undefined : "Give the window a name",
        startsAt: fromLocalInput(startsAt) ? undefined : "Choose when the freeze starts",
        endsAt: !fromLocalInput(endsAt) ? "Choose when the freeze ends" : endsAt <= startsAt ? "The end must be after the start" : undefined,
      }),
    );

  return (
    <Modal
      open={blackout !== null}
      onClose={onClose}
      title={blackout === "new" ? "New blackout window" : "Edit blackout window"}
      dismissible={!form.busy}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={form.busy}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" loading={form.busy}>
            Save
          </Button>
        </>
      }
    >
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <Field label="Name" required hint="e.g. Year-end freeze" error={form.errors.name}>
        <Input value={name} maxLength={200} onChange={(event) => (setName(event.target.value), form.clearError("name"))} />
      </Field>
      <Field label="Why changes are frozen" error={form.errors.description}>
        <Textarea value={description} rows={2} onChange={(event) => setDescription(event.target.value)} />
      </Field>
      <div className="form-grid">
        <Field label="Starts" required error={form.errors.startsAt}>
          <Input type="datetime-local" value={startsAt} onChange={(event) => (setStartsAt(event.target.value), form.clearError("startsAt"))} />
        </Field>
        <Field label="Ends" required error={form.errors.endsAt}>
          <Input type="datetime-local" value={endsAt} onChange={(event) => (setEndsAt(event.target.value), form.clearError("endsAt"))} />
        </Field>
      </div>
      <div className="chg-fieldset">
        <p className="field-label">Applies to {cis.length ? "" : "(no CI chosen: every change)"}</p>
        {cis.length ? (
          <ul className="change-ci-list" aria-label="CIs and services of the window">
            {cis.map((ci) => (
              <li key={ci.id}>
                {ci.name}
                <IconButton icon="close" size="sm" label={`Remove ${ci.name}`} onClick={() => setCis(cis.filter((c) => c.id !== ci.id))} />
              </li>
            ))}
          </ul>
        ) : null}
        <TicketCiField
          key={picker}
          value={null}
          error={form.errors.ciIds}
          onChange={(ci) => {
            if (ci && !cis.some((c) => c.id === ci.id)) setCis([...cis, ci]);
            setPicker((n) => n + 1);
          }}
        />
      </div>
    </Modal>
  );
}
