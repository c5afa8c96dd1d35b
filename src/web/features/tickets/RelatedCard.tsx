import { useState } from "react";
import { toApiError } from "../../api/client";
import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Button, IconButton } from "../../components/Button";
import { Card } from "../../components/Card";
import { Field, Input, Select } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useToast } from "../../components/Toast";
import { Link } from "../../router";
import { StateBadge } from "./TicketBadges";
import { createLink, deleteLink, listLinks } from "./ticketsApi";
import { KIND_META, LINK_LABELS, ticketPath } from "./ticketMeta";
import { LINK_TYPES, type LinkType, type Ref, type Ticket, type TicketLink } from "./ticketTypes";
import type { FlowsValue } from "./useFlows";

// the order groups appear in: what the ticket belongs to first, then what hangs off it
const GROUP_ORDER: LinkType[] = ["child_of", "caused_by", "duplicate_of", "parent_of", "causes", "duplicated_by", "related_to"];

function CiList({ label, items, linkCis }: { label: string; items: Ref[]; linkCis: boolean }) {
  if (items.length === 0) return null;
  return (
    <div className="related-group">
      <h3 className="related-title">{label}</h3>
      <ul className="related-list">
        {items.map((ci) => (
          <li key={ci.id}>{linkCis ? <Link to={`/cmdb/cis/${ci.id}`}>{ci.name}</Link> : ci.name}</li>
        ))}
      </ul>
    </div>
  );
}

/** Related records: the CI, impacted services, further CIs, and linked tickets (parent, children, problem, change). */
export function RelatedCard({ ticket, flows, canWrite, linkCis, version }: { ticket: Ticket; flows: FlowsValue; canWrite: boolean; linkCis: boolean; version: number }) {
  const toast = useToast();
  const links = useApi((signal) => listLinks(ticket.number, signal), [ticket.number, version]);
  const [adding, setAdding] = useState(false);
  const items = links.data?.items ?? [];
  const groups = GROUP_ORDER.map((type) => ({ type, items: items.filter((link) => link.type === type) })).filter((group) => group.items.length > 0);

  async function remove(link: TicketLink) {
    try {
      await deleteLink(ticket.number, link.id);
      toast.success("Link removed", `${LINK_LABELS[link.type]} ${link.ticket.number}`);
      links.reload();
    } catch (failure) {
      toast.error("The link could not be removed", toApiError(failure).message);
    }
  }

  return (
    <Card
      title="Related records"
      actions={
        canWrite ? (
          <Button size="sm" icon="plus" onClick={() => setAdding(true)}>
            Link
          </Button>
        ) : null
      }
    >
      <CiList label="Configuration item" items={ticket.ci ? [ticket.ci] : []} linkCis={linkCis} />
      <CiList label="Impacted services" items={ticket.services ?? []} linkCis={linkCis} />
      <CiList label="Affected CIs" items={ticket.affectedCis ?? []} linkCis={linkCis} />
      {links.error ? <Alert tone="danger">{links.error.message}</Alert> : null}
      {groups.map((group) => (
        <div key={group.type} className="related-group">
          <h3 className="related-title">{LINK_LABELS[group.type]}</h3>
          <ul className="related-list" aria-label={LINK_LABELS[group.type]}>
            {group.items.map((link) => (
              <li key={link.id} className="related-ticket">
                <Link to={ticketPath(link.ticket.number)} className="ticket-number">
                  {link.ticket.number}
                </Link>
                <span className="related-ticket-title" title={link.ticket.title}>
                  {link.ticket.title}
                </span>
                <StateBadge kind={link.ticket.kind} state={link.ticket.state} flows={flows} />
                {canWrite ? <IconButton icon="close" size="sm" label={`Remove link to ${link.ticket.number}`} onClick={() => void remove(link)} /> : null}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {!ticket.ci && !ticket.services?.length && !ticket.affectedCis?.length && groups.length === 0 && !links.loading ? <p className="subtle small">No related records.</p> : null}
      {adding ? (
        <AddLinkDialog
          ticket={ticket}
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            links.reload();
          }}
        />
      ) : null}
    </Card>
  );
}

function AddLinkDialog({ ticket, onClose, onAdded }: { ticket: Ticket; onClose: () => void; onAdded: () => void }) {
  const toast = useToast();
  const [type, setType] = useState<LinkType>(ticket.kind === "incident" ? "caused_by" : "related_to");
  const [target, setTarget] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  async function submit() {
    const ref = target.trim().toUpperCase();
    if (!/^[A-Z]{3,4}[0-9]{7,}$/.test(ref)) return setError("Enter a ticket number, e.g. PRB0001001");
    setBusy(true);
    try {
      await createLink(ticket.number, { type, target: ref });
      toast.success("Linked", `${ticket.number} ${LINK_LABELS[type].toLowerCase()} ${ref}`);
      onAdded();
    } catch (failure) {
      setError(toApiError(failure).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      onClose={onClose}
      title={`Link ${ticket.number}`}
      size="sm"
      dismissible={!busy}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" loading={busy}>
            Link
          </Button>
        </>
      }
    >
      <Field label={`${KIND_META[ticket.kind].label} ${ticket.number} is`}>
        <Select value={type} options={LINK_TYPES.map((value) => ({ value, label: LINK_LABELS[value].toLowerCase() }))} onChange={(event) => setType(event.target.value as LinkType)} />
      </Field>
      <Field label="Ticket number" required error={error}>
        <Input value={target} placeholder="PRB0001001" onChange={(event) => (setTarget(event.target.value), setError(undefined))} />
      </Field>
    </Modal>
  );
}
