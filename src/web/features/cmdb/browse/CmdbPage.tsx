import { useState } from "react";
import { listCis } from "../../../api/cmdb";
import type { Ci } from "../../../api/types";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { EmptyState } from "../../../components/EmptyState";
import { Select } from "../../../components/Field";
import { PageHeader } from "../../../components/PageHeader";
import { Pagination } from "../../../components/Pagination";
import { SearchInput } from "../../../components/SearchInput";
import { Table, type Column } from "../../../components/Table";
import { Time } from "../../../components/Time";
import { useToast } from "../../../components/Toast";
import { Link, useRouter } from "../../../router";
import { useClampPage, useListParams } from "../../admin/useListParams";
import { CmdbLayout } from "../CmdbLayout";
import { COMMON_ENVIRONMENTS, LIFECYCLE_STATUSES, OPERATIONAL_STATUSES, optionsOf } from "../ciMeta";
import { CiFormDialog } from "../form/CiFormDialog";
import { LifecycleBadge, OperationalBadge } from "../StatusBadges";
import { useCatalog, useCmdbAccess, useGroups } from "../useCmdb";
import { ClassTree } from "./ClassTree";

const PAGE_SIZE = 25;
const FILTERS = ["q", "class", "operationalStatus", "lifecycleStatus", "environment", "supportGroupId"];

/** CMDB → Configuration items: browse by class, search, filter and open a CI. */
export function CmdbPage() {
  const { canWrite, canSeeGroups } = useCmdbAccess();
  const catalog = useCatalog();
  const { groups, nameOf } = useGroups(canSeeGroups);
  const toast = useToast();
  const { navigate } = useRouter();
  const list = useListParams({ sort: "name", limit: PAGE_SIZE });
  const [formOpen, setFormOpen] = useState(false);
  const query = {
    q: list.get("q") || undefined,
    class: list.get("class") || undefined,
    operationalStatus: list.get("operationalStatus") || undefined,
    lifecycleStatus: list.get("lifecycleStatus") || undefined,
    environment: list.get("environment") || undefined,
    supportGroupId: list.get("supportGroupId") || undefined,
  };
  const cis = useApi(
    (signal) => listCis({ ...query, sort: list.sort, limit: list.limit, offset: list.offset }, signal),
    [...Object.values(query), list.sort, list.offset],
  );
  useClampPage(list, cis.data);
  const selectedClass = query.class ? catalog.byName.get(query.class) : undefined;
  const environment = list.get("environment");
  const environments = environment && !COMMON_ENVIRONMENTS.includes(environment) ? [...COMMON_ENVIRONMENTS, environment] : COMMON_ENVIRONMENTS;

  const columns: Column<Ci>[] = [
    {
      key: "name",
      header: "Name",
      sortKey: "name",
      render: (ci) => (
        <span className="ci-name-cell">
          <Link to={`/cmdb/cis/${ci.id}`} className="ci-name">
            {ci.name}
          </Link>
          {ci.identifiers.fqdn || ci.identifiers.hostname ? <span className="ci-sub">{ci.identifiers.fqdn ?? ci.identifiers.hostname}</span> : null}
        </span>
      ),
    },
    { key: "class", header: "Class", sortKey: "class", render: (ci) => <span className="muted">{catalog.classLabel(ci.class)}</span> },
    { key: "operationalStatus", header: "Status", render: (ci) => <OperationalBadge status={ci.operationalStatus} /> },
    { key: "lifecycleStatus", header: "Lifecycle", className: "hide-narrow", render: (ci) => <LifecycleBadge status={ci.lifecycleStatus} /> },
    { key: "environment", header: "Environment", className: "hide-narrow", render: (ci) => (ci.environment ? <span className="muted">{ci.environment}</span> : <span className="subtle">—</span>) },
  ];
  if (canSeeGroups) {
    columns.push({
      key: "supportGroup",
      header: "Support group",
      className: "hide-narrow",
      render: (ci) => <span className="muted">{nameOf(ci.supportGroupId) ?? <span className="subtle">—</span>}</span>,
    });
  }
  columns.push({ key: "updatedAt", header: "Updated", sortKey: "updatedAt", firstSort: "desc", render: (ci) => <Time value={ci.updatedAt} /> });

  const newButton = canWrite ? (
    <Button variant="primary" icon="plus" onClick={() => setFormOpen(true)}>
      New CI
    </Button>
  ) : null;

  return (
    <CmdbLayout>
      <PageHeader
        title={selectedClass ? selectedClass.label : "Configuration items"}
        documentTitle={selectedClass ? `${selectedClass.label} · CMDB` : "CMDB"}
        description={
          selectedClass
            ? selectedClass.description || `CIs of class ${selectedClass.label} and its subclasses.`
            : "Services, applications, servers, databases and network devices, and how they depend on each other."
        }
        actions={newButton}
      />
      <div className="cmdb-browse">
        <ClassTree classes={catalog.classes} value={query.class ?? ""} onChange={(name) => list.setFilters({ class: name || null })} />
        <div>
          <div className="toolbar">
            <SearchInput
              label="Search configuration items"
              placeholder="Search by name, hostname, IP or serial"
              value={list.get("q")}
              onChange={(value) => list.setFilters({ q: value })}
            />
            <Select
              aria-label="Operational status"
              placeholder="Any status"
              value={list.get("operationalStatus")}
              options={optionsOf(OPERATIONAL_STATUSES)}
              onChange={(event) => list.setFilters({ operationalStatus: event.target.value })}
            />
            <Select
              aria-label="Lifecycle status"
              placeholder="Any lifecycle"
              value={list.get("lifecycleStatus")}
              options={optionsOf(LIFECYCLE_STATUSES)}
              onChange={(event) => list.setFilters({ lifecycleStatus: event.target.value })}
            />
            <Select
              aria-label="Environment"
              placeholder="Any environment"
              value={environment}
              options={environments.map((value) => ({ value, label: value }))}
              onChange={(event) => list.setFilters({ environment: event.target.value })}
            />
            {canSeeGroups ? (
              <Select
                aria-label="Support group"
                placeholder="Any support group"
                value={list.get("supportGroupId")}
                options={groups.map((group) => ({ value: group.id, label: group.name }))}
                onChange={(event) => list.setFilters({ supportGroupId: event.target.value })}
              />
            ) : null}
            {list.filtered(...FILTERS) ? (
              <Button variant="ghost" size="sm" onClick={() => list.setFilters(Object.fromEntries(FILTERS.map((key) => [key, null])))}>
                Clear filters
              </Button>
            ) : null}
          </div>
          {cis.error ? (
            <Alert tone="danger" title="Configuration items could not be loaded">
              {cis.error.message}
            </Alert>
          ) : (
            <>
              <Table
                caption="Configuration items"
                columns={columns}
                rows={cis.data?.items ?? []}
                rowKey={(ci) => ci.id}
                sort={list.sort}
                onSortChange={list.setSort}
                onRowClick={(ci) => navigate(`/cmdb/cis/${ci.id}`)}
                loading={cis.loading}
                empty={
                  list.filtered(...FILTERS) ? (
                    <EmptyState compact icon="search" title="No configuration items match" description="Try another search, class or filter." />
                  ) : (
                    <EmptyState
                      compact
                      icon="graph"
                      title="No configuration items yet"
                      description="Add services, applications and servers by hand, import a CSV, or let discovery fill the CMDB."
                      action={newButton}
                    />
                  )
                }
              />
              {cis.data ? <Pagination total={cis.data.total} limit={list.limit} offset={list.offset} onChange={list.setOffset} noun="CIs" /> : null}
            </>
          )}
        </div>
      </div>
      <CiFormDialog
        open={formOpen}
        ci={null}
        defaultClass={query.class}
        onClose={() => setFormOpen(false)}
        onSaved={(saved) => {
          setFormOpen(false);
          toast.success("Configuration item created", saved.name);
          navigate(`/cmdb/cis/${saved.id}`);
        }}
      />
    </CmdbLayout>
  );
}
