import { useState } from "react";
import { toApiError } from "../../api/client";
import { Badge } from "../../components/Badge";
import { Button, IconButton } from "../../components/Button";
import { Card } from "../../components/Card";
import { useToast } from "../../components/Toast";
import { Link } from "../../router";
import { TicketCiField } from "../tickets/TicketFormFields";
import { getTicket, updateTicket } from "../tickets/ticketsApi";
import type { Ref, Ticket } from "../tickets/ticketTypes";
import { RISK_META } from "./changeMeta";
import { refreshImpact } from "./changesApi";
import type { ChangeRisk } from "./changeTypes";

const ciPath = (id: string) => `/cmdb/cis/${encodeURIComponent(id)}`;

function CiLinks({ items, linkCis, onRemove, label }: { items: Ref[]; linkCis: boolean; onRemove?: (ci: Ref) => void; label: string }) {
  if (!items.length) return <p className="subtle">None.</p>;
  return (
    <ul className="change-ci-list" aria-label={label}>
      {items.map((ci) => (
        <li key={ci.id}>
          {linkCis ? <Link to={ciPath(ci.id)}>{ci.name}</Link> : ci.name}
          {onRemove ? <IconButton icon="close" size="sm" label={`Remove ${ci.name}`} onClick={() => onRemove(ci)} /> : null}
        </li>
      ))}
    </ul>
  );
}

/**
 * The CIs the change touches (main and affected, editable) and the business services they
 * impact, from the CMDB; refreshing recomputes the services and the computed risk.
 */
export function ImpactCard({ ticket, canWrite, linkCis, onChanged }: { ticket: Ticket; canWrite: boolean; linkCis: boolean; onChanged: (ticket: Ticket) => void }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [adding, setAdding] = useState(false);
  const affected = ticket.affectedCis ?? [];
  const editable = canWrite && ticket.open;

  async function run(action: () => Promise<Ticket>, done: string) {
    setBusy(true);
    try {
      onChanged(await action());
      toast.success(done);
    } catch (failure) {
      toast.error("The change's CIs could not be updated", toApiError(failure).message);
    } finally {
      setBusy(false);
    }
  }

  const setAffected = (ids: string[], done: string) => run(() => updateTicket(ticket.number, { affectedCiIds: ids, version: ticket.version }), done);
  const refresh = () =>
    run(async () => {
      const impact = await refreshImpact(ticket.number);
      if (impact.risk !== ticket.change?.risk) toast.info(`Risk is now ${RISK_META[impact.risk as ChangeRisk]?.label ?? impact.risk}`);
      return getTicket(ticket.number);
    }, "Impact refreshed from the CMDB");

  return (
    <Card
      title="Affected CIs and impacted services"
      actions={
        editable ? (
          <Button size="sm" icon="history" loading={busy} onClick={() => void refresh()}>
            Refresh from CMDB
          </Button>
        ) : null
      }
    >
      <div className="change-impact">
        <div>
          <h3 className="change-subheading">Configuration items</h3>
          {ticket.ci ? (
            <p className="change-main-ci">
              {linkCis ? <Link to={ciPath(ticket.ci.id)}>{ticket.ci.name}</Link> : ticket.ci.name} <Badge>Main CI</Badge>
            </p>
          ) : null}
          <CiLinks
            items={affected}
            linkCis={linkCis}
            label="Affected CIs"
            onRemove={editable ? (ci) => void setAffected(affected.filter((a) => a.id !== ci.id).map((a) => a.id), `${ci.name} removed`) : undefined}
          />
          {editable ? (
            adding ? (
              <div className="change-add-ci">
                <TicketCiField
                  value={null}
                  onChange={(ci) => {
                    setAdding(false);
                    if (ci && !affected.some((a) => a.id === ci.id)) void setAffected([...affected.map((a) => a.id), ci.id], `${ci.name} added`);
                  }}
                />
                <Button size="sm" variant="ghost" onClick={() => setAdding(false)}>
                  Cancel
                </Button>
              </div>
            ) : (
              <Button size="sm" variant="ghost" icon="plus" onClick={() => setAdding(true)}>
                Add affected CI
              </Button>
            )
          ) : null}
        </div>
        <div>
          <h3 className="change-subheading">Impacted business services</h3>
          <CiLinks items={ticket.services ?? []} linkCis={linkCis} label="Impacted services" />
        </div>
      </div>
    </Card>
  );
}
