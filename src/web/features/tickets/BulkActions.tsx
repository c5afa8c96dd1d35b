import { useState } from "react";
import { toApiError } from "../../api/client";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Field, Input, Select } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useToast } from "../../components/Toast";
import { AssignmentFields, type Assignment } from "./AssignmentFields";
import { bulkTickets } from "./ticketsApi";
import { missingFields, transitionBody, TransitionFields, type TransitionValues } from "./TransitionFields";
import type { BulkInput, BulkResult, Ticket } from "./ticketTypes";
import type { FlowsValue } from "./useFlows";

type Action = "assign" | "transition" | "link";

const TITLES: Record<Action, string> = { assign: "Assign tickets", transition: "Change state", link: "Link to a problem" };

/** The bar above a list while tickets are selected: assign, change state or link them to a problem. */
export function BulkActionBar({ selected, flows, onDone, onClear }: { selected: Ticket[]; flows: FlowsValue; onDone: () => void; onClear: () => void }) {
  const [action, setAction] = useState<Action | null>(null);
  if (selected.length === 0) return null;
  return (
    <div className="bulk-bar" role="region" aria-label="Bulk actions">
      <strong>{selected.length} selected</strong>
      <Button size="sm" icon="users" onClick={() => setAction("assign")}>
        Assign…
      </Button>
      <Button size="sm" icon="arrowRight" onClick={() => setAction("transition")}>
        Change state…
      </Button>
      <Button size="sm" icon="search" onClick={() => setAction("link")}>
        Link to problem…
      </Button>
      <Button size="sm" variant="ghost" onClick={onClear}>
        Clear selection
      </Button>
      {action ? (
        <BulkDialog
          action={action}
          selected={selected}
          flows={flows}
          onClose={() => setAction(null)}
          onDone={() => {
            setAction(null);
            onDone();
          }}
        />
      ) : null}
    </div>
  );
}

function BulkDialog({ action, selected, flows, onClose, onDone }: { action: Action; selected: Ticket[]; flows: FlowsValue; onClose: () => void; onDone: () => void }) {
  const toast = useToast();
  const [assignment, setAssignment] = useState<Assignment>({ assignmentGroupId: null, assigneeId: null });
  const [transition, setTransition] = useState("");
  const [values, setValues] = useState<TransitionValues>({});
  const [problem, setProblem] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [result, setResult] = useState<BulkResult | null>(null);

  const kinds = [...new Set(selected.map((t) => t.kind))];
  const transitions = flows.transitionsOf(kinds).filter((t) => t.who.includes("agent"));
  const chosen = transitions.find((t) => t.name === transition);

  function body(): BulkInput | null {
    const refs = selected.map((t) => t.number);
    if (action === "assign") return { refs, assign: assignment };
    if (action === "transition") {
      if (!chosen) {
        setErrors({ transition: "Choose a transition" });
        return null;
      }
      const missing = missingFields(chosen.requires, values);
      if (Object.keys(missing).length) {
        setErrors(missing);
        return null;
      }
      return { refs, transition: transitionBody(chosen.name, values) };
    }
    if (!/^[A-Za-z]{3,4}[0-9]{7,}$/.test(problem.trim())) {
      setErrors({ problem: "Enter a problem number, e.g. PRB0001001" });
      return null;
    }
    return { refs, link: { type: "caused_by", target: problem.trim().toUpperCase() } };
  }

  async function submit() {
    const input = body();
    if (!input) return;
    setErrors({});
    setFailure(null);
    setBusy(true);
    try {
      const answer = await bulkTickets(input);
      const failed = answer.items.filter((item) => !item.ok);
      if (failed.length === 0) {
        toast.success(`${answer.items.length} tickets updated`);
        onDone();
      } else {
        setResult(answer);
      }
    } catch (error) {
      setFailure(toApiError(error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      onClose={() => (result ? onDone() : onClose())}
      title={TITLES[action]}
      description={`${selected.length} tickets: ${selected.map((t) => t.number).join(", ")}`}
      dismissible={!busy}
      onSubmit={() => (result ? onDone() : void submit())}
      footer={
        result ? (
          <Button variant="primary" type="submit">
            Done
          </Button>
        ) : (
          <>
            <Button onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button variant="primary" type="submit" loading={busy}>
              Apply to {selected.length}
            </Button>
          </>
        )
      }
    >
      {result ? (
        <>
          <Alert tone="warning" title={`${result.items.filter((i) => !i.ok).length} of ${result.items.length} tickets were not changed`} />
          <ul className="bulk-results">
            {result.items.map((item) => (
              <li key={item.ref}>
                <span className="mono">{item.ref}</span> {item.ok ? <span className="muted">done</span> : <span className="danger-text">{item.message ?? item.error}</span>}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <>
          {failure ? <Alert tone="danger">{failure}</Alert> : null}
          {action === "assign" ? <AssignmentFields value={assignment} onChange={setAssignment} /> : null}
          {action === "transition" ? (
            <>
              <Field label="Transition" required error={errors.transition}>
                <Select
                  placeholder="Choose a transition"
                  value={transition}
                  options={transitions.map((t) => ({ value: t.name, label: `${t.label} → ${flows.stateLabel(kinds[0], t.to)}` }))}
                  onChange={(event) => {
                    setTransition(event.target.value);
                    setErrors({});
                  }}
                />
              </Field>
              {chosen ? (
                <TransitionFields
                  fields={chosen.requires}
                  required={chosen.requires}
                  values={values}
                  errors={errors}
                  onChange={(path, value) => setValues((current) => ({ ...current, [path]: value }))}
                />
              ) : null}
              <p className="subtle small">Tickets whose state does not allow the transition are skipped and listed.</p>
            </>
          ) : null}
          {action === "link" ? (
            <Field label="Problem number" required error={errors.problem} hint="Each selected ticket is linked as caused by this problem.">
              <Input value={problem} placeholder="PRB0001001" onChange={(event) => setProblem(event.target.value)} />
            </Field>
          ) : null}
        </>
      )}
    </Modal>
  );
}
