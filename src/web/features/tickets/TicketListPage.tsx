import { useEffect, useState } from "react";
import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { EmptyState } from "../../components/EmptyState";
import { Select } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { Pagination } from "../../components/Pagination";
import { SearchInput } from "../../components/SearchInput";
import { Table, type Column } from "../../components/Table";
import { useRouter } from "../../router";
import { useClampPage, useListParams } from "../admin/useListParams";
import { BulkActionBar } from "./BulkActions";
import { ColumnChooser } from "./ColumnChooser";
import { NewTicketDialog } from "./NewTicketDialog";
import { CREATED_RANGES, FILTER_KEYS, thisWeek } from "./savedFilters";
import { SavedFiltersNav } from "./SavedFiltersNav";
import { LIST_FIELDS, TICKET_COLUMNS, useColumnChoice } from "./ticketColumns";
import { KIND_META, PRIORITY_META, ticketPath } from "./ticketMeta";
import { listTickets } from "./ticketsApi";
import { TICKET_KINDS, type Ticket, type TicketKind, type TicketQuery } from "./ticketTypes";
import { useAllGroups } from "./AssignmentFields";
import { useFlows } from "./useFlows";
import { useTicketAccess } from "./useTicketAccess";
import "./tickets.css";

const PAGE_SIZE = 25;
const LIVE_REFRESH_MS = 15_000;

/** Turns the URL's filters into the list API's query. */
function toQuery(get: (key: string) => string): TicketQuery {
  const status = get("status");
  const created = CREATED_RANGES[get("created")]?.range();
  const planned = get("planned") === "this_week" ? thisWeek() : undefined;
  const kind = get("kind");
  return {
    kind: (TICKET_KINDS as readonly string[]).includes(kind) ? kind : undefined,
    q: get("q") || undefined,
    state: get("state") || undefined,
    open: status === "open" ? true : status === "finished" ? false : undefined,
    priority: get("priority") || undefined,
    assignmentGroupId: get("assignmentGroupId") || undefined,
    assigneeId: get("assigneeId") || undefined,
    requesterId: get("requesterId") || undefined,
    ciId: get("ciId") || undefined,
    major: get("major") === "true" ? true : undefined,
    tag: get("tag") || undefined,
    createdFrom: created?.from,
    createdTo: created?.to,
    plannedFrom: planned?.from,
    plannedTo: planned?.to,
  };
}

/** Service desk → the agent's ticket lists: kinds, saved filters, columns, sort, search and bulk actions. */
export function TicketListPage() {
  const { canWrite } = useTicketAccess();
  const flows = useFlows();
  const groups = useAllGroups();
  const { navigate, location } = useRouter();
  const list = useListParams({ sort: "-updatedAt", limit: PAGE_SIZE });
  const params = new URLSearchParams(location.search);
  const [columnKeys, setColumnKeys] = useColumnChoice();
  const [selected, setSelected] = useState<Map<string, Ticket>>(new Map());
  const [creating, setCreating] = useState(false);
  const query = toQuery(list.get);
  const kind = query.kind as TicketKind | undefined;
  const tickets = useApi(
    (signal) => listTickets({ ...query, sort: list.sort, limit: list.limit, offset: list.offset, fields: LIST_FIELDS }, signal),
    [location.search, list.sort, list.offset],
  );
  useClampPage(list, tickets.data);

  // the list stays current while it is open: others take, resolve and open tickets
  const { reload } = tickets;
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") reload();
    }, LIVE_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  // a different filter is a different set of rows: forget the selection
  useEffect(() => setSelected(new Map()), [location.search]);

  const rows = tickets.data?.items ?? [];
  const allChecked = rows.length > 0 && rows.every((t) => selected.has(t.id));
  const toggle = (ticket: Ticket, on: boolean) =>
    setSelected((current) => {
      const next = new Map(current);
      if (on) next.set(ticket.id, ticket);
      else next.delete(ticket.id);
      return next;
    });

  const selectColumn: Column<Ticket> = {
    key: "select",
    width: "36px",
    header: (
      <input
        type="checkbox"
        aria-label="Select all tickets on this page"
        checked={allChecked}
        onChange={(event) => setSelected(event.target.checked ? new Map(rows.map((t) => [t.id, t])) : new Map())}
      />
    ),
    render: (ticket) => (
      <input type="checkbox" aria-label={`Select ${ticket.number}`} checked={selected.has(ticket.id)} onChange={(event) => toggle(ticket, event.target.checked)} />
    ),
  };
  const columns = [
    ...(canWrite ? [selectColumn] : []),
    ...TICKET_COLUMNS.filter((def) => columnKeys.includes(def.key) && !(def.key === "kind" && kind)).map((def) => def.column(flows)),
  ];
  const filtered = list.filtered(...FILTER_KEYS.filter((key) => key !== "kind"));
  const newButton = canWrite ? (
    <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
      New {kind ? KIND_META[kind].label.toLowerCase() : "ticket"}
    </Button>
  ) : null;

  return (
    <div className="tickets">
      <PageHeader
        title={kind ? KIND_META[kind].plural : "Service desk"}
        documentTitle={kind ? KIND_META[kind].plural : "Service desk"}
        description="Incidents, problems, changes, requests and tasks, in queues per assignment group."
        actions={newButton}
      />
      <nav className="ticket-kind-tabs" aria-label="Ticket kinds">
        {[undefined, ...TICKET_KINDS].map((k) => (
          <button key={k ?? "all"} type="button" className="ticket-kind-tab" aria-current={k === kind ? "page" : undefined} onClick={() => list.setFilters({ kind: k ?? null, state: null })}>
            {k ? KIND_META[k].plural : "All"}
          </button>
        ))}
      </nav>
      <div className="tickets-browse">
        <SavedFiltersNav params={params} onApply={(filter) => navigate(`/service-desk?${new URLSearchParams(filter.params).toString()}`)} />
        <div>
          <div className="toolbar">
            <SearchInput label="Search tickets" placeholder="Number or words" value={list.get("q")} onChange={(value) => list.setFilters({ q: value })} />
            <Select
              aria-label="Open or finished"
              placeholder="Open and finished"
              value={list.get("status")}
              options={[
                { value: "open", label: "Open" },
                { value: "finished", label: "Finished" },
              ]}
              onChange={(event) => list.setFilters({ status: event.target.value })}
            />
            <Select
              aria-label="State"
              placeholder="Any state"
              value={list.get("state")}
              options={flows.statesOf(kind).map((s) => ({ value: s.name, label: s.label }))}
              onChange={(event) => list.setFilters({ state: event.target.value })}
            />
            <Select
              aria-label="Priority"
              placeholder="Any priority"
              value={list.get("priority")}
              options={[{ value: "1,2", label: "P1 and P2" }, ...Object.entries(PRIORITY_META).map(([value, meta]) => ({ value, label: meta.label }))]}
              onChange={(event) => list.setFilters({ priority: event.target.value })}
            />
            <Select
              aria-label="Assignment group"
              placeholder="Any group"
              value={list.get("assignmentGroupId")}
              options={[{ value: "mine", label: "My groups" }, { value: "none", label: "No group" }, ...groups.map((g) => ({ value: g.id, label: g.name }))]}
              onChange={(event) => list.setFilters({ assignmentGroupId: event.target.value })}
            />
            <Select
              aria-label="Assignee"
              placeholder="Anyone"
              value={list.get("assigneeId")}
              options={[
                { value: "me", label: "Assigned to me" },
                { value: "none", label: "Unassigned" },
              ]}
              onChange={(event) => list.setFilters({ assigneeId: event.target.value })}
            />
            <Select
              aria-label="Created"
              placeholder="Any time"
              value={list.get("created")}
              options={Object.entries(CREATED_RANGES).map(([value, range]) => ({ value, label: range.label }))}
              onChange={(event) => list.setFilters({ created: event.target.value })}
            />
            <div className="toolbar-end">
              {filtered ? (
                <Button variant="ghost" size="sm" onClick={() => list.setFilters(Object.fromEntries(FILTER_KEYS.filter((k) => k !== "kind").map((k) => [k, null])))}>
                  Clear filters
                </Button>
              ) : null}
              <ColumnChooser value={columnKeys} onChange={setColumnKeys} />
            </div>
          </div>
          <BulkActionBar selected={[...selected.values()]} flows={flows} onClear={() => setSelected(new Map())} onDone={() => (setSelected(new Map()), tickets.reload())} />
          {tickets.error ? (
            <Alert tone="danger" title="Tickets could not be loaded">
              {tickets.error.message}
            </Alert>
          ) : (
            <>
              <Table
                caption="Tickets"
                columns={columns}
                rows={rows}
                rowKey={(t) => t.id}
                sort={list.sort}
                onSortChange={list.setSort}
                onRowClick={(t) => navigate(ticketPath(t.number))}
                loading={tickets.loading && !tickets.data}
                empty={
                  filtered ? (
                    <EmptyState compact icon="search" title="No tickets match" description="Try another search or filter." />
                  ) : (
                    <EmptyState compact icon="lifebuoy" title="Nothing here yet" description="Incidents, problems, changes and requests will be listed here as users report them, agents open them and alerts create them." action={newButton} />
                  )
                }
              />
              {tickets.data ? <Pagination total={tickets.data.total} limit={list.limit} offset={list.offset} onChange={list.setOffset} noun="tickets" /> : null}
            </>
          )}
        </div>
      </div>
      <NewTicketDialog open={creating} kind={kind ?? "incident"} onClose={() => setCreating(false)} onCreated={(t) => navigate(ticketPath(t.number))} />
    </div>
  );
}
