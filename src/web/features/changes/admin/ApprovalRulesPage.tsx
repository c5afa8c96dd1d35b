import { useEffect, useState } from "react";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Badge } from "../../../components/Badge";
import { Button, IconButton } from "../../../components/Button";
import { Checkbox, Field, Input, Select } from "../../../components/Field";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { Modal } from "../../../components/Modal";
import { PageHeader } from "../../../components/PageHeader";
import { Table, type Column } from "../../../components/Table";
import { useToast } from "../../../components/Toast";
import { useApiForm } from "../../../components/useApiForm";
import { useAllGroups } from "../../tickets/AssignmentFields";
import { useTicketAccess } from "../../tickets/useTicketAccess";
import { RISK_META, ruleWording, TYPE_META } from "../changeMeta";
import { createRule, deleteRule, listRules, updateRule } from "../changesApi";
import { CHANGE_RISKS, type ApprovalRule, type ApprovalRuleKind, type ChangeRisk } from "../changeTypes";
import { ChangesLayout } from "../ChangesLayout";

const RULE_TYPES = ["normal", "emergency"] as const;

/** Change management → approval rules: which approver group (CAB) must approve which changes, and how many of its members. */
export function ApprovalRulesPage() {
  const { canAdmin } = useTicketAccess();
  const toast = useToast();
  const rules = useApi((signal) => listRules({}, signal), []);
  const [editing, setEditing] = useState<ApprovalRule | "new" | null>(null);
  const [deleting, setDeleting] = useState<ApprovalRule | null>(null);

  const columns: Column<ApprovalRule>[] = [
    { key: "name", header: "Rule", render: (r) => <strong>{r.name}</strong> },
    { key: "applies", header: "Applies to", render: (r) => `${r.changeTypes.length ? r.changeTypes.map((t) => TYPE_META[t].label).join(", ") : "Normal, Emergency"} changes, ${r.risks.length ? r.risks.map((k) => RISK_META[k].label.toLowerCase()).join(", ") : "any"} risk` },
    { key: "approvers", header: "Approvers", render: (r) => ruleWording(r.rule, r.required, r.group.name) },
    { key: "active", header: "Status", render: (r) => (r.active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>) },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      align: "right",
      render: (r) =>
        canAdmin ? (
          <span className="chg-row-actions">
            <IconButton icon="pencil" size="sm" label={`Edit ${r.name}`} onClick={() => setEditing(r)} />
            <IconButton icon="trash" size="sm" label={`Delete ${r.name}`} onClick={() => setDeleting(r)} />
          </span>
        ) : null,
    },
  ];

  return (
    <ChangesLayout>
      <PageHeader
        title="Approval rules"
        description="When a normal or emergency change enters Authorize, every active rule matching its type and risk asks its approver group. Scheduling waits until each rule is met; one rejection sends the change back to New."
        actions={
          canAdmin ? (
            <Button variant="primary" icon="plus" onClick={() => setEditing("new")}>
              New rule
            </Button>
          ) : null
        }
      />
      {rules.error ? (
        <Alert tone="danger" title="Approval rules could not be loaded">
          {rules.error.message}
        </Alert>
      ) : (
        <Table caption="Approval rules" columns={columns} rows={rules.data?.items ?? []} rowKey={(r) => r.id} loading={rules.loading && !rules.data} empty={<p className="subtle chg-empty">No rules: changes need no approval.</p>} />
      )}
      <RuleFormDialog
        rule={editing}
        onClose={() => setEditing(null)}
        onSaved={(r) => {
          toast.success(editing === "new" ? "Rule added" : "Rule saved", r.name);
          setEditing(null);
          rules.reload();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete approval rule"
        confirmLabel="Delete"
        onConfirm={async () => {
          await deleteRule(deleting!.id);
          toast.success("Rule deleted", deleting!.name);
          rules.reload();
        }}
      >
        Approvals already requested by “{deleting?.name}” stay on their changes; new rounds no longer ask its group.
      </ConfirmDialog>
    </ChangesLayout>
  );
}

const FIELDS = ["name", "changeTypes", "risks", "groupId", "rule", "required"] as const;

function toggle<T>(list: T[], value: T, on: boolean): T[] {
  return on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value);
}

function RuleFormDialog({ rule, onClose, onSaved }: { rule: ApprovalRule | "new" | null; onClose: () => void; onSaved: (r: ApprovalRule) => void }) {
  const form = useApiForm(FIELDS);
  const groups = useAllGroups(rule !== null);
  const [name, setName] = useState("");
  const [types, setTypes] = useState<Array<(typeof RULE_TYPES)[number]>>([]);
  const [risks, setRisks] = useState<ChangeRisk[]>([]);
  const [groupId, setGroupId] = useState("");
  const [kind, setKind] = useState<ApprovalRuleKind>("any");
  const [required, setRequired] = useState("2");
  const [active, setActive] = useState(true);

  useEffect(() => {
    if (!rule) return;
    form.reset();
    const existing = rule === "new" ? null : rule;
    setName(existing?.name ?? "");
    setTypes((existing?.changeTypes.filter((t) => t !== "standard") as Array<(typeof RULE_TYPES)[number]>) ?? []);
    setRisks(existing?.risks ?? []);
    setGroupId(existing?.group.id ?? "");
    setKind(existing?.rule ?? "any");
    setRequired(String(existing?.rule === "n_of" ? existing.required : 2));
    setActive(existing?.active ?? true);
    // fill once per opening
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rule]);

  const submit = () =>
    form.submit(
      async () => {
        const body = { name: name.trim(), changeTypes: types, risks, groupId, rule: kind, ...(kind === "n_of" ? { required: Number(required) } : {}), active };
        onSaved(rule === "new" ? await createRule(body) : await updateRule(rule!.id, body));
      },
      () => ({
        name: name.trim() ? undefined : "Give the rule a name",
        groupId: groupId ? undefined : "Choose the approver group",
        required: kind === "n_of" && !(Number.isInteger(Number(required)) && Number(required) >= 1) ? "At least one approval" : undefined,
      }),
    );

  return (
    <Modal
      open={rule !== null}
      onClose={onClose}
      title={rule === "new" ? "New approval rule" : "Edit approval rule"}
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
      <Field label="Name" required hint="e.g. CAB for high-risk changes" error={form.errors.name}>
        <Input value={name} maxLength={200} onChange={(event) => (setName(event.target.value), form.clearError("name"))} />
      </Field>
      <fieldset className="chg-fieldset">
        <legend>Change types (none ticked: normal and emergency)</legend>
        {RULE_TYPES.map((t) => (
          <Checkbox key={t} label={TYPE_META[t].label} checked={types.includes(t)} onChange={(event) => setTypes(toggle(types, t, event.target.checked))} />
        ))}
      </fieldset>
      <fieldset className="chg-fieldset">
        <legend>Risks (none ticked: every risk)</legend>
        {CHANGE_RISKS.map((r) => (
          <Checkbox key={r} label={RISK_META[r].label} checked={risks.includes(r)} onChange={(event) => setRisks(toggle(risks, r, event.target.checked))} />
        ))}
      </fieldset>
      <div className="form-grid">
        <Field label="Approver group" required error={form.errors.groupId}>
          <Select value={groupId} placeholder="Choose a group" options={groups.map((g) => ({ value: g.id, label: g.name }))} onChange={(event) => (setGroupId(event.target.value), form.clearError("groupId"))} />
        </Field>
        <Field label="Who must approve" error={form.errors.rule}>
          <Select
            value={kind}
            options={[
              { value: "any", label: "Any one member" },
              { value: "all", label: "Every member" },
              { value: "n_of", label: "A number of members" },
            ]}
            onChange={(event) => setKind(event.target.value as ApprovalRuleKind)}
          />
        </Field>
        {kind === "n_of" ? (
          <Field label="Approvals needed" required error={form.errors.required}>
            <Input inputMode="numeric" value={required} onChange={(event) => setRequired(event.target.value)} />
          </Field>
        ) : null}
      </div>
      <Checkbox label="Active" description="Inactive rules are kept but not applied to new approval rounds." checked={active} onChange={(event) => setActive(event.target.checked)} />
    </Modal>
  );
}
