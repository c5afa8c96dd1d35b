import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { EmptyState } from "../../components/EmptyState";
import { Select } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { Pagination } from "../../components/Pagination";
import { Table, type Column } from "../../components/Table";
import { Time } from "../../components/Time";
import { Link, useRouter } from "../../router";
import { useListParams } from "../admin/useListParams";
import { StateBadge } from "../tickets/TicketBadges";
import { KIND_META, portalTicketPath } from "../tickets/ticketMeta";
import { listTickets } from "../tickets/ticketsApi";
import type { Ticket } from "../tickets/ticketTypes";
import { useFlows } from "../tickets/useFlows";
import "../tickets/tickets.css";
import "./portal.css";

const PAGE_SIZE = 20;

/** The requester's portal: their own tickets, and the way to report a problem or ask for something. */
export function PortalPage() {
  const flows = useFlows();
  const { navigate } = useRouter();
  const list = useListParams({ sort: "-updatedAt", limit: PAGE_SIZE });
  const status = list.get("status") || "open";
  const tickets = useApi(
    (signal) =>
      listTickets(
        // The fields the table shows: no descriptions or resolution notes in a list page.
        { requesterId: "me", open: status === "open" ? true : status === "finished" ? false : undefined, sort: list.sort, limit: list.limit, offset: list.offset, fields: "number,title,kind,state,updatedAt" },
        signal,
      ),
    [status, list.sort, list.offset],
  );
  const columns: Column<Ticket>[] = [
    {
      key: "number",
      header: "Number",
      render: (t) => (
        <Link to={portalTicketPath(t.number)} className="ticket-number">
          {t.number}
        </Link>
      ),
    },
    { key: "title", header: "Subject", render: (t) => t.title },
    { key: "kind", header: "Type", render: (t) => <span className="muted">{KIND_META[t.kind]?.label ?? t.kind}</span> },
    { key: "state", header: "Status", render: (t) => <StateBadge kind={t.kind} state={t.state} flows={flows} /> },
    { key: "updatedAt", header: "Last update", sortKey: "updatedAt", firstSort: "desc", render: (t) => <Time value={t.updatedAt} /> },
  ];
  const actions = (
    <>
      <Button variant="primary" icon="alert" onClick={() => navigate("/portal/new?kind=incident")}>
        Report a problem
      </Button>
      <Button icon="mail" onClick={() => navigate("/portal/new?kind=request")}>
        Request something
      </Button>
    </>
  );

  return (
    <div className="portal">
      <PageHeader title="My tickets" documentTitle="My tickets" description="What you reported or asked for, and where each one stands." actions={actions} />
      <div className="toolbar">
        <Select
          aria-label="Show"
          value={status}
          options={[
            { value: "open", label: "Open" },
            { value: "finished", label: "Resolved and closed" },
            { value: "all", label: "All" },
          ]}
          onChange={(event) => list.setFilters({ status: event.target.value === "open" ? null : event.target.value })}
        />
      </div>
      {tickets.error ? (
        <Alert tone="danger" title="Your tickets could not be loaded">
          {tickets.error.message}
        </Alert>
      ) : (
        <>
          <Table
            caption="My tickets"
            columns={columns}
            rows={tickets.data?.items ?? []}
            rowKey={(t) => t.id}
            sort={list.sort}
            onSortChange={list.setSort}
            onRowClick={(t) => navigate(portalTicketPath(t.number))}
            loading={tickets.loading}
            empty={<EmptyState compact icon="lifebuoy" title={status === "open" ? "Nothing open" : "No tickets"} description="When something is broken or you need something, tell us here." action={actions} />}
          />
          {tickets.data ? <Pagination total={tickets.data.total} limit={list.limit} offset={list.offset} onChange={list.setOffset} noun="tickets" /> : null}
        </>
      )}
    </div>
  );
}
