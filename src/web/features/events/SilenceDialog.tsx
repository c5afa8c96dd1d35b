import { useState } from "react";
import { toApiError } from "../../api/client";
import { Alert as Notice } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Field, Input, Select, Textarea } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useSession } from "../auth/session";
import { createSilence, type Alert, type Matcher } from "./eventsApi";

const DURATIONS = [
  { value: "1", label: "1 hour" },
  { value: "4", label: "4 hours" },
  { value: "24", label: "1 day" },
  { value: "168", label: "1 week" },
];

/** Creates a silence; from an alert, its identifying labels become the matchers. */
export function SilenceDialog({ alert, open, onClose, onCreated }: { alert: Alert | null; open: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const { user } = useSession();
  const initial = alert ? Object.entries(alert.labels).filter(([k]) => k !== "severity").map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })) : [{ name: "alertname", value: "", isRegex: false, isEqual: true }];
  const [matchers, setMatchers] = useState<Matcher[]>(initial);
  const [hours, setHours] = useState("4");
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (i: number, patch: Partial<Matcher>) => setMatchers((m) => m.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  async function submit() {
    setSaving(true);
    setError(null);
    try {
      const now = Date.now();
      const res = await createSilence({ matchers, startsAt: new Date(now).toISOString(), endsAt: new Date(now + Number(hours) * 3600_000).toISOString(), createdBy: user.name, comment });
      onCreated(res.silenceID);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={open}
      onClose={onClose}
      title={alert ? `Silence ${alert.name}` : "New silence"}
      description="Matching alerts are still stored, as suppressed, and open no incidents while the silence lasts."
      size="lg"
      onSubmit={submit}
      footer={
        <>
          <Button variant="secondary" type="button" onClick={onClose}>Cancel</Button>
          <Button type="submit" disabled={saving || !comment.trim()}>Create silence</Button>
        </>
      }
    >
      {error && <Notice tone="danger">{error}</Notice>}
      <div className="ev-matchers">
        {matchers.map((m, i) => (
          <div className="ev-matcher" key={i}>
            <Input aria-label="Label" value={m.name} onChange={(e) => set(i, { name: e.target.value })} />
            <Select
              aria-label="Operator"
              value={`${m.isEqual === false ? "!" : "="}${m.isRegex ? "~" : "="}`}
              onChange={(e) => set(i, { isEqual: !e.target.value.startsWith("!"), isRegex: e.target.value.endsWith("~") })}
              options={[
                { value: "==", label: "=" },
                { value: "!=", label: "!=" },
                { value: "=~", label: "=~ (regex)" },
                { value: "!~", label: "!~ (regex)" },
              ]}
            />
            <Input aria-label="Value" value={m.value} onChange={(e) => set(i, { value: e.target.value })} />
            <Button variant="ghost" type="button" size="sm" onClick={() => setMatchers((x) => x.filter((_, j) => j !== i))} disabled={matchers.length === 1}>Remove</Button>
          </div>
        ))}
        <Button variant="ghost" type="button" size="sm" onClick={() => setMatchers((x) => [...x, { name: "", value: "", isRegex: false, isEqual: true }])}>Add matcher</Button>
      </div>
      <Field label="Duration">
        <Select value={hours} onChange={(e) => setHours(e.target.value)} options={DURATIONS} />
      </Field>
      <Field label="Comment" required>
        <Textarea value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Why, e.g. the change that causes it" />
      </Field>
    </Modal>
  );
}
