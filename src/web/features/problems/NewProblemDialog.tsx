import { useEffect, useState } from "react";
import { toApiError } from "../../api/client";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Checkbox, Field, Input, Textarea } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useToast } from "../../components/Toast";
import { useApiForm } from "../../components/useApiForm";
import { useRouter } from "../../router";
import { AssignmentFields, type Assignment } from "../tickets/AssignmentFields";
import { TicketCiField } from "../tickets/TicketFormFields";
import { ticketPath } from "../tickets/ticketMeta";
import { createTicket } from "../tickets/ticketsApi";
import type { Ref } from "../tickets/ticketTypes";
import { problemDraft, summarizeOutcomes } from "./problemMeta";
import { linkIncidents } from "./problemsApi";
import type { ProblemSuggestion } from "./problemTypes";

const FIELDS = ["title", "description", "ciId", "category", "assignmentGroupId", "assigneeId"] as const;

/**
 * Opens a problem from a suggestion: title, description, CI or category pre-filled, the
 * recurring incidents ticked to be linked; then shows the new problem.
 */
export function NewProblemDialog({ suggestion, onClose }: { suggestion: ProblemSuggestion | null; onClose: () => void }) {
  const toast = useToast();
  const { navigate } = useRouter();
  const form = useApiForm(FIELDS);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [ci, setCi] = useState<Ref | null>(null);
  const [category, setCategory] = useState("");
  const [assignment, setAssignment] = useState<Assignment>({ assignmentGroupId: null, assigneeId: null });
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const open = suggestion !== null;

  useEffect(() => {
    if (!suggestion) return;
    const draft = problemDraft(suggestion);
    setTitle(draft.title);
    setDescription(draft.description);
    setCi(draft.ci);
    setCategory(draft.category ?? "");
    setAssignment({ assignmentGroupId: null, assigneeId: null });
    setChosen(new Set(suggestion.numbers));
    form.reset();
    // reset on each opening only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [suggestion]);

  const submit = () =>
    form.submit(
      async () => {
        const created = await createTicket("problem", { title: title.trim(), description, ciId: ci?.id ?? null, category: category.trim() || null, ...assignment });
        const numbers = suggestion!.numbers.filter((n) => chosen.has(n));
        let linked = "";
        if (numbers.length) {
          try {
            const { done, failed } = summarizeOutcomes((await linkIncidents(created.number, numbers)).items);
            linked = `${done} incident${done === 1 ? "" : "s"} linked${failed.length ? `; ${failed.map((f) => f.ref).join(", ")} not (see the problem)` : ""}.`;
          } catch (failure) {
            linked = `The incidents could not be linked: ${toApiError(failure).message}`;
          }
        }
        toast.success(`${created.number} opened`, linked || created.title);
        onClose();
        navigate(ticketPath(created.number));
      },
      () => ({ title: title.trim() ? undefined : "Give the problem a short title" }),
    );

  const toggle = (number: string, on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(number);
      else next.delete(number);
      return next;
    });

  return (
    <Modal
      open={open}
      onClose={onClose}
      title="New problem from recurring incidents"
      size="lg"
      dismissible={!form.busy}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={form.busy}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" loading={form.busy}>
            Create problem
          </Button>
        </>
      }
    >
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <Field label="Title" required error={form.errors.title}>
        <Input value={title} maxLength={300} onChange={(event) => (setTitle(event.target.value), form.clearError("title"))} />
      </Field>
      <Field label="Description" hint="Markdown is supported." error={form.errors.description}>
        <Textarea value={description} rows={3} onChange={(event) => setDescription(event.target.value)} />
      </Field>
      <div className="form-grid">
        {/* keyed: the picker reads its text from the value when it mounts, and the draft arrives after */}
        <TicketCiField key={ci?.id ?? ""} value={ci} onChange={setCi} error={form.errors.ciId} />
        <Field label="Category" error={form.errors.category}>
          <Input value={category} maxLength={120} onChange={(event) => setCategory(event.target.value)} />
        </Field>
        <AssignmentFields value={assignment} onChange={setAssignment} errors={form.errors} />
      </div>
      {suggestion?.numbers.length ? (
        <fieldset className="problem-link-choice">
          <legend>Link these incidents to the problem</legend>
          {suggestion.numbers.map((number) => (
            <Checkbox key={number} label={number} checked={chosen.has(number)} onChange={(event) => toggle(number, event.target.checked)} />
          ))}
          {suggestion.incidents > suggestion.numbers.length ? <p className="subtle small">The {suggestion.numbers.length} most recent of {suggestion.incidents}; link the others from the problem.</p> : null}
        </fieldset>
      ) : null}
    </Modal>
  );
}
