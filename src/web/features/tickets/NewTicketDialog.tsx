import { useEffect, useState } from "react";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Checkbox, Field, Input, Select, Textarea } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useToast } from "../../components/Toast";
import { useApiForm } from "../../components/useApiForm";
import { AssignmentFields, type Assignment } from "./AssignmentFields";
import { createTicket } from "./ticketsApi";
import { KIND_META } from "./ticketMeta";
import { LevelSelect, TicketCiField, UserSelect } from "./TicketFormFields";
import { TICKET_KINDS, type Ref, type Ticket, type TicketKind } from "./ticketTypes";

const FIELDS = ["title", "description", "requesterId", "ciId", "category", "assignmentGroupId", "assigneeId", "impact", "urgency"] as const;

/** An agent opens a ticket of any kind: title, description, requester, CI, impact and urgency, assignment. */
export function NewTicketDialog({ open, kind: initialKind, onClose, onCreated }: { open: boolean; kind: TicketKind; onClose: () => void; onCreated: (ticket: Ticket) => void }) {
  const toast = useToast();
  const form = useApiForm(FIELDS);
  const [kind, setKind] = useState<TicketKind>(initialKind);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [requesterId, setRequesterId] = useState<string | null>(null);
  const [ci, setCi] = useState<Ref | null>(null);
  const [category, setCategory] = useState("");
  const [impact, setImpact] = useState(3);
  const [urgency, setUrgency] = useState(3);
  const [major, setMajor] = useState(false);
  const [assignment, setAssignment] = useState<Assignment>({ assignmentGroupId: null, assigneeId: null });

  useEffect(() => {
    if (!open) return;
    setKind(initialKind);
    setTitle("");
    setDescription("");
    setRequesterId(null);
    setCi(null);
    setCategory("");
    setImpact(3);
    setUrgency(3);
    setMajor(false);
    setAssignment({ assignmentGroupId: null, assigneeId: null });
    form.reset();
    // reset on each opening only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const submit = () =>
    form.submit(
      async () => {
        const created = await createTicket(kind, {
          title: title.trim(),
          description,
          requesterId,
          ciId: ci?.id ?? null,
          category: category.trim() || null,
          impact,
          urgency,
          channel: "phone",
          ...assignment,
          ...(kind === "incident" && major ? { major: true } : {}),
        });
        toast.success(`${created.number} opened`, created.title);
        onClose();
        onCreated(created);
      },
      () => ({ title: title.trim() ? undefined : "Give the ticket a short title" }),
    );

  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`New ${KIND_META[kind].label.toLowerCase()}`}
      size="lg"
      dismissible={!form.busy}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={form.busy}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" loading={form.busy}>
            Create
          </Button>
        </>
      }
    >
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <div className="form-grid">
        <Field label="Kind">
          <Select value={kind} options={TICKET_KINDS.map((k) => ({ value: k, label: KIND_META[k].label }))} onChange={(event) => setKind(event.target.value as TicketKind)} />
        </Field>
        <UserSelect label="Requester" value={requesterId} onChange={setRequesterId} placeholder="Nobody (internal)" error={form.errors.requesterId} />
      </div>
      <Field label="Title" required error={form.errors.title}>
        <Input value={title} maxLength={300} onChange={(event) => (setTitle(event.target.value), form.clearError("title"))} />
      </Field>
      <Field label="Description" hint="Markdown is supported." error={form.errors.description}>
        <Textarea value={description} rows={5} onChange={(event) => setDescription(event.target.value)} />
      </Field>
      <div className="form-grid">
        <TicketCiField value={ci} onChange={setCi} error={form.errors.ciId} />
        <Field label="Category" error={form.errors.category}>
          <Input value={category} maxLength={120} onChange={(event) => setCategory(event.target.value)} />
        </Field>
        <LevelSelect label="Impact" value={impact} onChange={setImpact} />
        <LevelSelect label="Urgency" value={urgency} onChange={setUrgency} />
        <AssignmentFields value={assignment} onChange={setAssignment} errors={form.errors} />
      </div>
      {kind === "incident" ? <Checkbox label="Major incident" description="Everyone affected hears about it; communications go on the timeline." checked={major} onChange={(event) => setMajor(event.target.checked)} /> : null}
    </Modal>
  );
}
