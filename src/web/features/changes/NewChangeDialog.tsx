import { useEffect, useState } from "react";
import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Field, Input, Select, Textarea } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useToast } from "../../components/Toast";
import { useApiForm } from "../../components/useApiForm";
import { AssignmentFields, type Assignment } from "../tickets/AssignmentFields";
import { TicketCiField } from "../tickets/TicketFormFields";
import { createTicket } from "../tickets/ticketsApi";
import type { Ref, Ticket } from "../tickets/ticketTypes";
import { fromLocalInput, RISK_META, TYPE_META } from "./changeMeta";
import { listTemplates } from "./changesApi";
import type { ChangeInput, ChangeTemplate } from "./changeTypes";
import "../tickets/tickets.css";

const FIELDS = ["title", "description", "ciId", "templateId", "type", "plannedStart", "plannedEnd", "justification", "implementationPlan", "backoutPlan", "assignmentGroupId", "assigneeId"] as const;
type Kind = "template" | "normal" | "emergency";

/**
 * Opens a change: from a standard change template (title, plans and risk pre-filled, the end
 * from its usual duration) or as a normal or emergency change with its plans.
 */
export function NewChangeDialog({ open, onClose, onCreated, initialTemplateId }: { open: boolean; onClose: () => void; onCreated: (ticket: Ticket) => void; initialTemplateId?: string }) {
  const toast = useToast();
  const form = useApiForm(FIELDS);
  const templates = useApi((signal) => (open ? listTemplates({ active: true }, signal) : Promise.resolve(null)), [open]);
  const [kind, setKind] = useState<Kind>("normal");
  const [templateId, setTemplateId] = useState("");
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [ci, setCi] = useState<Ref | null>(null);
  const [plannedStart, setPlannedStart] = useState("");
  const [plannedEnd, setPlannedEnd] = useState("");
  const [justification, setJustification] = useState("");
  const [implementationPlan, setImplementationPlan] = useState("");
  const [backoutPlan, setBackoutPlan] = useState("");
  const [assignment, setAssignment] = useState<Assignment>({ assignmentGroupId: null, assigneeId: null });
  const template: ChangeTemplate | undefined = templates.data?.items.find((t) => t.id === templateId);

  useEffect(() => {
    if (!open) return;
    setKind(initialTemplateId ? "template" : "normal");
    setTemplateId(initialTemplateId ?? "");
    for (const reset of [setTitle, setDescription, setPlannedStart, setPlannedEnd, setJustification, setImplementationPlan, setBackoutPlan]) reset("");
    setCi(null);
    setAssignment({ assignmentGroupId: null, assigneeId: null });
    form.reset();
    // reset on each opening only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  // choosing a template fills the title (the plans come from the template on the server)
  useEffect(() => {
    if (template) setTitle(template.title);
  }, [template]);

  function changeInput(): ChangeInput {
    const window = { plannedStart: fromLocalInput(plannedStart), ...(kind === "template" && !plannedEnd ? {} : { plannedEnd: fromLocalInput(plannedEnd) }) };
    if (kind === "template") return { type: "standard", templateId, ...window };
    const text = (value: string) => value.trim() || null;
    return { type: kind, justification: text(justification), implementationPlan: text(implementationPlan), backoutPlan: text(backoutPlan), ...window };
  }

  function validate() {
    const errors: Partial<Record<(typeof FIELDS)[number], string>> = {};
    if (!title.trim()) errors.title = "Give the change a short title";
    if (kind === "template" && !templateId) errors.templateId = "Choose a standard change template";
    if (plannedStart && plannedEnd && plannedEnd <= plannedStart) errors.plannedEnd = "The planned end must be after the planned start";
    return errors;
  }

  const submit = () =>
    form.submit(async () => {
      const created = await createTicket("change", {
        title: title.trim(),
        description,
        ciId: ci?.id ?? null,
        category: template?.category ?? null,
        channel: "phone",
        ...assignment,
        change: changeInput() as Record<string, unknown>,
      });
      toast.success(`${created.number} opened`, created.title);
      onClose();
      onCreated(created);
    }, validate);

  const templateOptions = (templates.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }));
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="New change"
      size="lg"
      dismissible={!form.busy}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={form.busy}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" loading={form.busy}>
            Create change
          </Button>
        </>
      }
    >
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <div className="form-grid">
        <Field label="Type" hint={kind === "template" ? TYPE_META.standard.hint : TYPE_META[kind].hint} error={form.errors.type}>
          <Select
            value={kind}
            options={[
              { value: "normal", label: "Normal change" },
              { value: "emergency", label: "Emergency change" },
              { value: "template", label: `Standard change from a template${templateOptions.length ? "" : " (none yet)"}` },
            ]}
            onChange={(event) => setKind(event.target.value as Kind)}
          />
        </Field>
        {kind === "template" ? (
          <Field label="Template" required error={form.errors.templateId} hint={template ? `${template.description || "Pre-approved."} Risk ${RISK_META[template.risk].label.toLowerCase()}${template.durationMinutes ? `, usually ${template.durationMinutes} min` : ""}.` : undefined}>
            <Select value={templateId} placeholder="Choose a template" options={templateOptions} onChange={(event) => (setTemplateId(event.target.value), form.clearError("templateId"))} />
          </Field>
        ) : null}
      </div>
      <Field label="Title" required error={form.errors.title}>
        <Input value={title} maxLength={300} onChange={(event) => (setTitle(event.target.value), form.clearError("title"))} />
      </Field>
      <Field label="Description" hint="Markdown is supported." error={form.errors.description}>
        <Textarea value={description} rows={3} onChange={(event) => setDescription(event.target.value)} />
      </Field>
      <div className="form-grid">
        <TicketCiField value={ci} onChange={setCi} error={form.errors.ciId} />
        <div />
        <Field label="Planned start" error={form.errors.plannedStart}>
          <Input type="datetime-local" value={plannedStart} onChange={(event) => setPlannedStart(event.target.value)} />
        </Field>
        <Field label="Planned end" hint={kind === "template" && template?.durationMinutes ? "Empty: start plus the template's usual duration." : undefined} error={form.errors.plannedEnd}>
          <Input type="datetime-local" value={plannedEnd} onChange={(event) => setPlannedEnd(event.target.value)} />
        </Field>
        <AssignmentFields value={assignment} onChange={setAssignment} errors={form.errors} />
      </div>
      {kind !== "template" ? (
        <>
          <Field label="Justification" hint="Why the change is needed." error={form.errors.justification}>
            <Textarea value={justification} rows={2} onChange={(event) => setJustification(event.target.value)} />
          </Field>
          <Field label="Implementation plan" error={form.errors.implementationPlan}>
            <Textarea value={implementationPlan} rows={3} onChange={(event) => setImplementationPlan(event.target.value)} />
          </Field>
          <Field label="Backout plan" error={form.errors.backoutPlan}>
            <Textarea value={backoutPlan} rows={2} onChange={(event) => setBackoutPlan(event.target.value)} />
          </Field>
        </>
      ) : null}
    </Modal>
  );
}
