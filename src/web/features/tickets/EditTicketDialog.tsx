import { useEffect, useState } from "react";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Checkbox, Field, Input, Textarea } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useApiForm } from "../../components/useApiForm";
import { AssignmentFields, type Assignment } from "./AssignmentFields";
import { updateTicket } from "./ticketsApi";
import { LevelSelect, TicketCiField, UserSelect } from "./TicketFormFields";
import type { Ref, Ticket, TicketInput } from "./ticketTypes";

/** The sections of the ticket form an agent edits, each in its own dialog. */
export type EditSection = "summary" | "classification" | "assignment";

const TITLES: Record<EditSection, string> = { summary: "Edit title and description", classification: "Edit classification", assignment: "Edit assignment" };
const FIELDS = ["title", "description", "category", "subcategory", "tags", "ciId", "impact", "urgency", "requesterId", "callerContact", "assignmentGroupId", "assigneeId"] as const;

/** Edits one section of a ticket; sends the version it started from, so a concurrent edit answers 409. */
export function EditTicketDialog({ ticket, section, onClose, onSaved }: { ticket: Ticket; section: EditSection | null; onClose: () => void; onSaved: (ticket: Ticket) => void }) {
  const form = useApiForm(FIELDS);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [category, setCategory] = useState("");
  const [subcategory, setSubcategory] = useState("");
  const [tags, setTags] = useState("");
  const [ci, setCi] = useState<Ref | null>(null);
  const [impact, setImpact] = useState(3);
  const [urgency, setUrgency] = useState(3);
  const [major, setMajor] = useState(false);
  const [requesterId, setRequesterId] = useState<string | null>(null);
  const [callerContact, setCallerContact] = useState("");
  const [assignment, setAssignment] = useState<Assignment>({ assignmentGroupId: null, assigneeId: null });
  const [stale, setStale] = useState(false);

  useEffect(() => {
    if (!section) return;
    setTitle(ticket.title);
    setDescription(ticket.description);
    setCategory(ticket.category ?? "");
    setSubcategory(ticket.subcategory ?? "");
    setTags(ticket.tags.join(", "));
    setCi(ticket.ci);
    setImpact(ticket.impact);
    setUrgency(ticket.urgency);
    setMajor(ticket.major);
    setRequesterId(ticket.requester?.id ?? null);
    setCallerContact(ticket.callerContact ?? "");
    setAssignment({ assignmentGroupId: ticket.assignmentGroup?.id ?? null, assigneeId: ticket.assignee?.id ?? null });
    setStale(false);
    form.reset();
    // fill the form once per opening, from the ticket as it was then
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [section]);

  function body(): TicketInput {
    if (section === "summary") return { title: title.trim(), description };
    if (section === "assignment") return { ...assignment, requesterId, callerContact: callerContact.trim() || null };
    return {
      category: category.trim() || null,
      subcategory: subcategory.trim() || null,
      tags: [...new Set(tags.split(",").map((tag) => tag.trim()).filter(Boolean))],
      ciId: ci?.id ?? null,
      impact,
      urgency,
      ...(ticket.kind === "incident" ? { major } : {}),
    };
  }

  const submit = () =>
    form.submit(
      async () => {
        try {
          onSaved(await updateTicket(ticket.number, { ...body(), version: ticket.version }));
        } catch (failure) {
          if ((failure as { status?: number }).status === 409) setStale(true);
          throw failure;
        }
      },
      () => (section === "summary" && !title.trim() ? { title: "The title cannot be empty" } : {}),
    );

  return (
    <Modal
      open={section !== null}
      onClose={onClose}
      title={section ? TITLES[section] : ""}
      size={section === "summary" ? "lg" : "md"}
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
      {stale ? (
        <Alert tone="warning" title="Someone else changed this ticket">
          Close this dialog to see their change, then edit again.
        </Alert>
      ) : form.formError ? (
        <Alert tone="danger">{form.formError}</Alert>
      ) : null}
      {section === "summary" ? (
        <>
          <Field label="Title" required error={form.errors.title}>
            <Input value={title} maxLength={300} onChange={(event) => setTitle(event.target.value)} />
          </Field>
          <Field label="Description" hint="Markdown is supported." error={form.errors.description}>
            <Textarea value={description} rows={8} onChange={(event) => setDescription(event.target.value)} />
          </Field>
        </>
      ) : null}
      {section === "classification" ? (
        <div className="form-grid">
          <Field label="Category" error={form.errors.category}>
            <Input value={category} maxLength={120} onChange={(event) => setCategory(event.target.value)} />
          </Field>
          <Field label="Subcategory" error={form.errors.subcategory}>
            <Input value={subcategory} maxLength={120} onChange={(event) => setSubcategory(event.target.value)} />
          </Field>
          <LevelSelect label="Impact" value={impact} onChange={setImpact} />
          <LevelSelect label="Urgency" value={urgency} onChange={setUrgency} />
          <TicketCiField value={ci} onChange={setCi} error={form.errors.ciId} />
          <Field label="Tags" hint="Separated by commas." error={form.errors.tags}>
            <Input value={tags} onChange={(event) => setTags(event.target.value)} />
          </Field>
          {ticket.kind === "incident" ? <Checkbox label="Major incident" checked={major} onChange={(event) => setMajor(event.target.checked)} /> : null}
        </div>
      ) : null}
      {section === "assignment" ? (
        <>
          <AssignmentFields value={assignment} onChange={setAssignment} errors={form.errors} />
          <UserSelect label="Requester" value={requesterId} onChange={setRequesterId} error={form.errors.requesterId} />
          <Field label="Caller contact" hint="Phone or e-mail to reach the caller." error={form.errors.callerContact}>
            <Input value={callerContact} maxLength={300} onChange={(event) => setCallerContact(event.target.value)} />
          </Field>
        </>
      ) : null}
    </Modal>
  );
}
