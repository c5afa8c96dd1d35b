import { useMemo, useState } from "react";
import { listAudit } from "../../../api/audit";
import { listUsers } from "../../../api/users";
import type { AuditEntry } from "../../../api/types";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { EmptyState } from "../../../components/EmptyState";
import { Select } from "../../../components/Field";
import { PageHeader } from "../../../components/PageHeader";
import { Pagination } from "../../../components/Pagination";
import { SearchInput } from "../../../components/SearchInput";
import { Table, type Column } from "../../../components/Table";
import { formatDateTime, Time } from "../../../components/Time";
import { useSession } from "../../auth/session";
import { AdminLayout } from "../AdminLayout";
import { useClampPage, useListParams } from "../useListParams";
import { AuditDetailDialog } from "./AuditDetailDialog";

const PAGE_SIZE = 30;
// offered as suggestions before the first page has loaded; more come from the entries themselves
const KNOWN_ENTITIES = ["user", "group", "api_token"];

/** Admin → Audit log: every change with actor and before/after, filterable and paged. */
export function AuditPage() {
  const { can } = useSession();
  const list = useListParams({ sort: "-at", limit: PAGE_SIZE });
  const entity = list.get("entity");
  const action = list.get("action");
  const actorId = list.get("actorId");
  const entityId = list.get("entityId");
  const [selected, setSelected] = useState<AuditEntry | null>(null);

  const audit = useApi(
    (signal) =>
      listAudit(
        {
          entity: entity || undefined,
          action: action || undefined,
          actorId: actorId || undefined,
          entityId: entityId || undefined,
          limit: list.limit,
          offset: list.offset,
        },
        signal,
      ),
    [entity, action, actorId, entityId, list.offset],
  );
  useClampPage(list, audit.data);
  const canListUsers = can("users.read");
  const actors = useApi((signal) => (canListUsers ? listUsers({ sort: "name", limit: 100 }, signal) : Promise.resolve(null)), [canListUsers]);

  const items = audit.data?.items ?? [];
  const entitySuggestions = useMemo(() => [...new Set([...KNOWN_ENTITIES, ...items.map((item) => item.entity)])].sort(), [items]);
  const actionSuggestions = useMemo(() => [...new Set(items.map((item) => item.action))].sort(), [items]);
  const anyFilter = list.filtered("entity", "action", "actorId", "entityId");
  const clearAll = () => list.setFilters({ entity: null, action: null, actorId: null, entityId: null });

  const columns: Column<AuditEntry>[] = [
    {
      key: "at",
      header: "Time",
      render: (entry) => (
        <button type="button" className="link-button" onClick={() => setSelected(entry)} title={formatDateTime(entry.at)}>
          <Time value={entry.at} format="datetime" />
          <span className="sr-only">, show details</span>
        </button>
      ),
    },
    { key: "actor", header: "Actor", render: (entry) => entry.actorName ?? <span className="subtle">System</span> },
    { key: "action", header: "Action", render: (entry) => <code className="code-pill">{entry.action}</code> },
    { key: "entity", header: "Entity", render: (entry) => entry.entity },
    {
      key: "entityId",
      header: "Entity ID",
      className: "hide-narrow",
      render: (entry) => (entry.entityId ? <span className="mono subtle" title={entry.entityId}>{entry.entityId.length > 14 ? `${entry.entityId.slice(0, 12)}…` : entry.entityId}</span> : <span className="subtle">—</span>),
    },
  ];

  return (
    <AdminLayout>
      <PageHeader title="Audit log" description="Who changed what and when, with the record before and after. Select an entry to compare." />
      <div className="toolbar" role="group" aria-label="Filter audit log">
        <SearchInput label="Entity" placeholder="Entity, e.g. user" value={entity} suggestions={entitySuggestions} onChange={(value) => list.setFilters({ entity: value })} />
        <SearchInput label="Action" placeholder="Action, e.g. update" value={action} suggestions={actionSuggestions} onChange={(value) => list.setFilters({ action: value })} />
        {canListUsers ? (
          <Select
            aria-label="Actor"
            placeholder="Any actor"
            options={(actors.data?.items ?? []).map((user) => ({ value: user.id, label: user.name }))}
            value={actorId}
            onChange={(event) => list.setFilters({ actorId: event.target.value })}
          />
        ) : (
          <SearchInput label="Actor ID" value={actorId} onChange={(value) => list.setFilters({ actorId: value })} />
        )}
        {entityId ? (
          <Button variant="ghost" size="sm" icon="close" onClick={() => list.setFilters({ entityId: null })} aria-label={`Remove filter entity ID ${entityId}`}>
            ID {entityId.length > 10 ? `${entityId.slice(0, 8)}…` : entityId}
          </Button>
        ) : null}
        {anyFilter ? (
          <Button variant="ghost" icon="close" onClick={clearAll}>
            Clear filters
          </Button>
        ) : null}
      </div>
      {audit.error ? (
        <Alert tone="danger" title="The audit log could not be loaded">
          {audit.error.message}
        </Alert>
      ) : (
        <>
          <Table
            caption="Audit log entries"
            columns={columns}
            rows={items}
            rowKey={(entry) => String(entry.id)}
            onRowClick={setSelected}
            loading={audit.loading}
            empty={
              anyFilter ? (
                <EmptyState compact icon="filter" title="No entries match these filters" action={<Button onClick={clearAll}>Clear filters</Button>} />
              ) : (
                <EmptyState compact icon="history" title="Nothing recorded yet" description="Changes to users, groups and tokens will be listed here." />
              )
            }
          />
          {audit.data ? <Pagination total={audit.data.total} limit={list.limit} offset={list.offset} onChange={list.setOffset} noun="entries" /> : null}
        </>
      )}
      <AuditDetailDialog entry={selected} onClose={() => setSelected(null)} />
    </AdminLayout>
  );
}
