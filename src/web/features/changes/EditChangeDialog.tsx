import { useEffect, useState } from "react";
import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Field, Input, Select, Textarea } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useApiForm } from "../../components/useApiForm";
import { updateTicket } from "../tickets/ticketsApi";
import type { Ticket } from "../tickets/ticketTypes";
import { fromLocalInput, OUTCOME_META, RISK_META, toLocalInput, TYPE_META } from "./changeMeta";
import { listTemplates } from "./changesApi";
import { CHANGE_OUTCOMES, CHANGE_RISKS, CHANGE_TYPES, type ChangeInput } from "./changeTypes";

/** The parts of the change an agent edits, each in its own dialog. */
export type ChangeEditSection = "plans" | "risk" | "window" | "outcome";

const TITLES: Record<ChangeEditSection, string> = { plans: "Edit type and plans", risk: "Edit risk", window: "Edit planned and actual window", outcome: "Edit outcome and review" };
const FIELDS = ["type", "templateId", "justification", "implementationPlan", "backoutPlan", "testPlan", "risk", "riskOverrideReason", "plannedStart", "plannedEnd", "actualStart", "actualEnd", "outcome", "review"] as const;
type Values = Record<(typeof FIELDS)[number], string>;
const IMPLEMENTED = new Set(["implement", "review", "closed"]);

function initialValues(ticket: Ticket): Values {
  const c = ticket.change!;
  return {
    type: c.type,
    templateId: c.templateId ?? "",
    justification: c.justification ?? "",
    implementationPlan: c.implementationPlan ?? "",
    backoutPlan: c.backoutPlan ?? "",
    testPlan: c.testPlan ?? "",
    risk: c.risk,
    riskOverrideReason: c.riskOverrideReason ?? "",
    plannedStart: toLocalInput(c.plannedStart),
    plannedEnd: toLocalInput(c.plannedEnd),
    actualStart: toLocalInput(c.actualStart),
    actualEnd: toLocalInput(c.actualEnd),
    outcome: c.outcome ?? "",
    review: c.review ?? "",
  };
}

/** The change input of one section; only what the section shows is sent. */
function bodyOf(section: ChangeEditSection, v: Values, computedRisk: string): ChangeInput {
  const text = (value: string) => value.trim() || null;
  if (section === "plans") {
    return {
      type: v.type as ChangeInput["type"],
      templateId: v.type === "standard" ? v.templateId || null : null,
      justification: text(v.justification),
      implementationPlan: text(v.implementationPlan),
      backoutPlan: text(v.backoutPlan),
      testPlan: text(v.testPlan),
    };
  }
  if (section === "risk") return { risk: v.risk as ChangeInput["risk"], ...(v.risk !== computedRisk ? { riskOverrideReason: text(v.riskOverrideReason) } : {}) };
  if (section === "window") return { plannedStart: fromLocalInput(v.plannedStart), plannedEnd: fromLocalInput(v.plannedEnd), actualStart: fromLocalInput(v.actualStart), actualEnd: fromLocalInput(v.actualEnd) };
  return { outcome: (v.outcome || null) as ChangeInput["outcome"], review: text(v.review) };
}

/** Edits one section of a change's fields; sends the version it started from (409 when stale). */
export function EditChangeDialog({ ticket, section, onClose, onSaved }: { ticket: Ticket; section: ChangeEditSection | null; onClose: () => void; onSaved: (ticket: Ticket) => void }) {
  const form = useApiForm(FIELDS);
  const [values, setValues] = useState<Values>(() => initialValues(ticket));
  const templates = useApi((signal) => (section === "plans" ? listTemplates({ active: true }, signal) : Promise.resolve(null)), [section]);
  const change = ticket.change!;

  useEffect(() => {
    if (!section) return;
    setValues(initialValues(ticket));
    form.reset();
    // fill once per opening, from the ticket as it was then
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [section]);

  const set = (key: keyof Values) => (event: { target: { value: string } }) => {
    setValues((current) => ({ ...current, [key]: event.target.value }));
    form.clearError(key);
  };

  function validate() {
    if (section === "risk" && values.risk !== change.computedRisk && !values.riskOverrideReason.trim()) return { riskOverrideReason: "Say why the risk differs from the computed one" };
    if (section === "plans" && values.type === "standard" && !values.templateId) return { templateId: "A standard change comes from a template" };
    if (section === "window" && values.plannedStart && values.plannedEnd && values.plannedEnd <= values.plannedStart) return { plannedEnd: "The planned end must be after the planned start" };
    return {};
  }

  const submit = () => form.submit(async () => onSaved(await updateTicket(ticket.number, { change: bodyOf(section!, values, change.computedRisk), version: ticket.version })), validate);
  const typeLocked = ticket.state !== "new";

  return (
    <Modal
      open={section !== null}
      onClose={onClose}
      title={section ? TITLES[section] : ""}
      size={section === "plans" ? "lg" : "md"}
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
      {section === "plans" ? (
        <>
          <div className="form-grid">
            <Field label="Type" hint={typeLocked ? "Settled once the change leaves New." : TYPE_META[values.type as keyof typeof TYPE_META]?.hint} error={form.errors.type}>
              <Select value={values.type} disabled={typeLocked} options={CHANGE_TYPES.map((t) => ({ value: t, label: TYPE_META[t].label }))} onChange={set("type")} />
            </Field>
            {values.type === "standard" ? (
              <Field label="Template" required error={form.errors.templateId}>
                <Select value={values.templateId} disabled={typeLocked} placeholder="Choose a template" options={(templates.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }))} onChange={set("templateId")} />
              </Field>
            ) : null}
          </div>
          <Field label="Justification" hint="Why the change is needed." error={form.errors.justification}>
            <Textarea value={values.justification} rows={2} onChange={set("justification")} />
          </Field>
          <Field label="Implementation plan" hint="Markdown is supported." error={form.errors.implementationPlan}>
            <Textarea value={values.implementationPlan} rows={4} onChange={set("implementationPlan")} />
          </Field>
          <Field label="Backout plan" hint="How to undo it if it goes wrong." error={form.errors.backoutPlan}>
            <Textarea value={values.backoutPlan} rows={3} onChange={set("backoutPlan")} />
          </Field>
          <Field label="Test plan" hint="How success is verified." error={form.errors.testPlan}>
            <Textarea value={values.testPlan} rows={3} onChange={set("testPlan")} />
          </Field>
        </>
      ) : null}
      {section === "risk" ? (
        <>
          <p className="subtle">Computed from the CMDB (the CIs and the services they impact): {RISK_META[change.computedRisk as keyof typeof RISK_META]?.label ?? change.computedRisk}.</p>
          <Field label="Risk" error={form.errors.risk}>
            <Select value={values.risk} options={CHANGE_RISKS.map((r) => ({ value: r, label: `${RISK_META[r].label}${r === change.computedRisk ? " (computed)" : ""}` }))} onChange={set("risk")} />
          </Field>
          {values.risk !== change.computedRisk ? (
            <Field label="Override reason" required hint="Why the risk differs from the computed one." error={form.errors.riskOverrideReason}>
              <Textarea value={values.riskOverrideReason} rows={2} onChange={set("riskOverrideReason")} />
            </Field>
          ) : null}
        </>
      ) : null}
      {section === "window" ? (
        <div className="form-grid">
          <Field label="Planned start" error={form.errors.plannedStart}>
            <Input type="datetime-local" value={values.plannedStart} onChange={set("plannedStart")} />
          </Field>
          <Field label="Planned end" error={form.errors.plannedEnd}>
            <Input type="datetime-local" value={values.plannedEnd} onChange={set("plannedEnd")} />
          </Field>
          <Field label="Actual start" hint="Set when implementation starts." error={form.errors.actualStart}>
            <Input type="datetime-local" value={values.actualStart} onChange={set("actualStart")} />
          </Field>
          <Field label="Actual end" hint="Set when the change goes to review." error={form.errors.actualEnd}>
            <Input type="datetime-local" value={values.actualEnd} onChange={set("actualEnd")} />
          </Field>
        </div>
      ) : null}
      {section === "outcome" ? (
        <>
          <Field label="Outcome" hint={IMPLEMENTED.has(ticket.state) ? undefined : "Recorded once implementation has started."} error={form.errors.outcome}>
            <Select value={values.outcome} disabled={!IMPLEMENTED.has(ticket.state)} placeholder="Not yet known" options={CHANGE_OUTCOMES.map((o) => ({ value: o, label: OUTCOME_META[o].label }))} onChange={set("outcome")} />
          </Field>
          <Field label="Post-implementation review" hint="What went well, what did not, follow-ups. Markdown is supported." error={form.errors.review}>
            <Textarea value={values.review} rows={5} onChange={set("review")} />
          </Field>
        </>
      ) : null}
    </Modal>
  );
}
