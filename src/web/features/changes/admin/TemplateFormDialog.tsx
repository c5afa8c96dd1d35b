import { useEffect, useState } from "react";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { Checkbox, Field, Input, Select, Textarea } from "../../../components/Field";
import { Modal } from "../../../components/Modal";
import { useApiForm } from "../../../components/useApiForm";
import { RISK_META } from "../changeMeta";
import { createTemplate, updateTemplate } from "../changesApi";
import { CHANGE_RISKS, type ChangeRisk, type ChangeTemplate } from "../changeTypes";

const FIELDS = ["name", "description", "title", "category", "justification", "implementationPlan", "backoutPlan", "testPlan", "risk", "durationMinutes"] as const;
type Texts = Record<Exclude<(typeof FIELDS)[number], "risk">, string>;
const EMPTY: Texts = { name: "", description: "", title: "", category: "", justification: "", implementationPlan: "", backoutPlan: "", testPlan: "", durationMinutes: "" };

/** Adds or edits a standard change template. */
export function TemplateFormDialog({ template, onClose, onSaved }: { template: ChangeTemplate | "new" | null; onClose: () => void; onSaved: (t: ChangeTemplate) => void }) {
  const form = useApiForm(FIELDS);
  const [texts, setTexts] = useState<Texts>(EMPTY);
  const [risk, setRisk] = useState<ChangeRisk>("low");
  const [active, setActive] = useState(true);

  useEffect(() => {
    if (!template) return;
    form.reset();
    if (template === "new") {
      setTexts(EMPTY);
      setRisk("low");
      setActive(true);
      return;
    }
    setTexts({
      name: template.name,
      description: template.description,
      title: template.title,
      category: template.category ?? "",
      justification: template.justification ?? "",
      implementationPlan: template.implementationPlan ?? "",
      backoutPlan: template.backoutPlan ?? "",
      testPlan: template.testPlan ?? "",
      durationMinutes: template.durationMinutes ? String(template.durationMinutes) : "",
    });
    setRisk(template.risk);
    setActive(template.active);
    // fill once per opening
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [template]);

  const set = (key: keyof Texts) => (event: { target: { value: string } }) => {
    setTexts((current) => ({ ...current, [key]: event.target.value }));
    form.clearError(key);
  };
  const text = (value: string) => value.trim() || null;

  const submit = () =>
    form.submit(
      async () => {
        const body = {
          name: texts.name.trim(),
          description: texts.description.trim(),
          title: texts.title.trim() || texts.name.trim(),
          category: text(texts.category),
          justification: text(texts.justification),
          implementationPlan: text(texts.implementationPlan),
          backoutPlan: text(texts.backoutPlan),
          testPlan: text(texts.testPlan),
          risk,
          durationMinutes: texts.durationMinutes.trim() ? Number(texts.durationMinutes) : null,
          active,
        };
        onSaved(template === "new" ? await createTemplate(body) : await updateTemplate(template!.id, body));
      },
      () => ({
        name: texts.name.trim() ? undefined : "Give the template a name",
        durationMinutes: texts.durationMinutes.trim() && !(Number.isInteger(Number(texts.durationMinutes)) && Number(texts.durationMinutes) > 0) ? "A whole number of minutes" : undefined,
      }),
    );

  return (
    <Modal
      open={template !== null}
      onClose={onClose}
      title={template === "new" ? "New standard change template" : "Edit template"}
      size="lg"
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
      <div className="form-grid">
        <Field label="Name" required error={form.errors.name}>
          <Input value={texts.name} maxLength={200} onChange={set("name")} />
        </Field>
        <Field label="Change title" hint="Pre-filled title; the name when empty." error={form.errors.title}>
          <Input value={texts.title} maxLength={300} onChange={set("title")} />
        </Field>
        <Field label="Risk" hint="Pre-assessed for every change from this template." error={form.errors.risk}>
          <Select value={risk} options={CHANGE_RISKS.map((r) => ({ value: r, label: RISK_META[r].label }))} onChange={(event) => setRisk(event.target.value as ChangeRisk)} />
        </Field>
        <Field label="Usual duration (minutes)" hint="Fills the planned end from the planned start." error={form.errors.durationMinutes}>
          <Input inputMode="numeric" value={texts.durationMinutes} onChange={set("durationMinutes")} />
        </Field>
        <Field label="Category" error={form.errors.category}>
          <Input value={texts.category} maxLength={120} onChange={set("category")} />
        </Field>
      </div>
      <Field label="When to use it" error={form.errors.description}>
        <Textarea value={texts.description} rows={2} onChange={set("description")} />
      </Field>
      <Field label="Justification" error={form.errors.justification}>
        <Textarea value={texts.justification} rows={2} onChange={set("justification")} />
      </Field>
      <Field label="Implementation plan" error={form.errors.implementationPlan}>
        <Textarea value={texts.implementationPlan} rows={3} onChange={set("implementationPlan")} />
      </Field>
      <Field label="Backout plan" error={form.errors.backoutPlan}>
        <Textarea value={texts.backoutPlan} rows={2} onChange={set("backoutPlan")} />
      </Field>
      <Field label="Test plan" error={form.errors.testPlan}>
        <Textarea value={texts.testPlan} rows={2} onChange={set("testPlan")} />
      </Field>
      <Checkbox label="Active" description="Only active templates can be used." checked={active} onChange={(event) => setActive(event.target.checked)} />
    </Modal>
  );
}
