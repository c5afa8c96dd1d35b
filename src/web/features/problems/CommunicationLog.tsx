import { useState } from "react";
import { toApiError } from "../../api/client";
import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Field, Textarea } from "../../components/Field";
import { Time } from "../../components/Time";
import { useToast } from "../../components/Toast";
import { Markdown } from "../tickets/Markdown";
import { addComment, getTicket, getTimeline } from "../tickets/ticketsApi";
import type { Ticket, TimelineEntry } from "../tickets/ticketTypes";

/**
 * A major incident's communication log: the status updates sent to everyone affected (timeline
 * entries of type communication), newest first, and a composer for agents.
 */
export function CommunicationLog({ ticket, canWrite, onChanged }: { ticket: Ticket; canWrite: boolean; onChanged: (ticket: Ticket) => void }) {
  const toast = useToast();
  const timeline = useApi((signal) => getTimeline(ticket.number, undefined, signal), [ticket.number, ticket.updatedAt]);
  const [posted, setPosted] = useState<TimelineEntry[]>([]);
  const [body, setBody] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const loaded = timeline.data?.items ?? [];
  const known = new Set(loaded.map((entry) => entry.id));
  const entries = [...loaded, ...posted.filter((entry) => !known.has(entry.id))].filter((entry) => entry.type === "communication").reverse();

  async function post() {
    if (!body.trim()) return setError("Write the update first");
    setBusy(true);
    setError(undefined);
    try {
      const entry = await addComment(ticket.number, { body: body.trim(), type: "communication" });
      setPosted((current) => [...current, entry]);
      setBody("");
      toast.success("Communication posted", "It is on the timeline, visible to requesters and watchers.");
      // the page shows the ticket as it is now (and its timeline picks the entry up)
      getTicket(ticket.number).then(onChanged, () => undefined);
    } catch (failure) {
      setError(toApiError(failure).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Communication log" description="Status updates of this major incident for everyone affected, newest first." className="problem-communications">
      {timeline.error ? <Alert tone="danger">{timeline.error.message}</Alert> : null}
      {canWrite ? (
        <form
          className="communication-composer"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void post();
          }}
        >
          <Field label="New communication" error={error} hint="Public: requesters and watchers see it. Markdown is supported.">
            <Textarea value={body} rows={3} maxLength={20_000} placeholder="What is affected, what is being done, when the next update comes." onChange={(event) => (setBody(event.target.value), setError(undefined))} />
          </Field>
          <div className="communication-actions">
            <Button type="submit" variant="primary" size="sm" icon="mail" loading={busy}>
              Post communication
            </Button>
          </div>
        </form>
      ) : null}
      {!timeline.loading && entries.length === 0 ? <p className="subtle small">No communications yet.</p> : null}
      {entries.length ? (
        <ol className="communication-list" aria-label="Communications">
          {entries.map((entry) => (
            <li key={entry.id} className="communication">
              <div className="communication-meta">
                <strong>{entry.actor?.name ?? entry.actorName}</strong>
                <Time value={entry.at} format="datetime" />
              </div>
              {entry.body ? <Markdown source={entry.body} /> : null}
            </li>
          ))}
        </ol>
      ) : null}
    </Card>
  );
}
