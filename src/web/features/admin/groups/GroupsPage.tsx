import { useState } from "react";
import { deleteGroup, listGroups } from "../../../api/groups";
import type { Group } from "../../../api/types";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Button, IconButton } from "../../../components/Button";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { EmptyState } from "../../../components/EmptyState";
import { PageHeader } from "../../../components/PageHeader";
import { Pagination } from "../../../components/Pagination";
import { SearchInput } from "../../../components/SearchInput";
import { Table, type Column } from "../../../components/Table";
import { Time } from "../../../components/Time";
import { useToast } from "../../../components/Toast";
import { Link, useRouter } from "../../../router";
import { useSession } from "../../auth/session";
import { AdminLayout } from "../AdminLayout";
import { useClampPage, useListParams } from "../useListParams";
import { GroupFormDialog } from "./GroupFormDialog";

const PAGE_SIZE = 25;

/** Admin → Groups: the teams that will own queues, CIs and on-call. */
export function GroupsPage() {
  const { can } = useSession();
  const canWrite = can("groups.write");
  const toast = useToast();
  const { navigate } = useRouter();
  const list = useListParams({ sort: "name", limit: PAGE_SIZE });
  const q = list.get("q");
  const groups = useApi(
    (signal) => listGroups({ q: q || undefined, sort: list.sort, limit: list.limit, offset: list.offset }, signal),
    [q, list.sort, list.offset],
  );
  useClampPage(list, groups.data);
  const [formOpen, setFormOpen] = useState(false);
  const [editing, setEditing] = useState<Group | null>(null);
  const [deleting, setDeleting] = useState<Group | null>(null);

  const columns: Column<Group>[] = [
    {
      key: "name",
      header: "Name",
      sortKey: "name",
      render: (group) => (
        <Link to={`/admin/groups/${group.id}`} className="person-name">
          {group.name}
        </Link>
      ),
    },
    {
      key: "description",
      header: "Description",
      className: "hide-narrow",
      render: (group) => (group.description ? <span className="muted">{group.description}</span> : <span className="subtle">—</span>),
    },
    { key: "email", header: "Email", render: (group) => (group.email ? <span className="muted">{group.email}</span> : <span className="subtle">—</span>) },
    { key: "members", header: "Members", align: "right", render: (group) => group.memberCount },
    { key: "createdAt", header: "Created", sortKey: "createdAt", firstSort: "desc", className: "hide-narrow", render: (group) => <Time value={group.createdAt} format="date" /> },
  ];
  if (canWrite) {
    columns.push({
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      className: "cell-actions",
      render: (group) => (
        <>
          <IconButton
            icon="pencil"
            size="sm"
            label={`Edit ${group.name}`}
            onClick={() => {
              setEditing(group);
              setFormOpen(true);
            }}
          />
          <IconButton icon="trash" size="sm" className="btn-danger-ghost" label={`Delete ${group.name}`} onClick={() => setDeleting(group)} />
        </>
      ),
    });
  }

  return (
    <AdminLayout>
      <PageHeader
        title="Groups"
        description="Teams of people. Groups will own ticket queues, configuration items and on-call rotations."
        actions={
          canWrite ? (
            <Button
              variant="primary"
              icon="plus"
              onClick={() => {
                setEditing(null);
                setFormOpen(true);
              }}
            >
              New group
            </Button>
          ) : null
        }
      />
      <div className="toolbar">
        <SearchInput label="Search groups" placeholder="Search by name" value={q} onChange={(value) => list.setFilters({ q: value })} />
      </div>
      {groups.error ? (
        <Alert tone="danger" title="Groups could not be loaded">
          {groups.error.message}
        </Alert>
      ) : (
        <>
          <Table
            caption="Groups"
            columns={columns}
            rows={groups.data?.items ?? []}
            rowKey={(group) => group.id}
            sort={list.sort}
            onSortChange={list.setSort}
            loading={groups.loading}
            empty={
              q ? (
                <EmptyState compact icon="search" title={`No groups match “${q}”`} description="Try another name." />
              ) : (
                <EmptyState
                  compact
                  icon="users"
                  title="No groups yet"
                  description="Create groups for your teams, for example Network Ops or Service Desk."
                  action={
                    canWrite ? (
                      <Button
                        icon="plus"
                        onClick={() => {
                          setEditing(null);
                          setFormOpen(true);
                        }}
                      >
                        Create a group
                      </Button>
                    ) : undefined
                  }
                />
              )
            }
          />
          {groups.data ? <Pagination total={groups.data.total} limit={list.limit} offset={list.offset} onChange={list.setOffset} noun="groups" /> : null}
        </>
      )}

      <GroupFormDialog
        open={formOpen}
        group={editing}
        onClose={() => setFormOpen(false)}
        onSaved={(saved, created) => {
          setFormOpen(false);
          toast.success(created ? "Group created" : "Group updated", saved.name);
          if (created) navigate(`/admin/groups/${saved.id}`);
          else groups.reload();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete group"
        confirmLabel="Delete group"
        onConfirm={async () => {
          if (!deleting) return;
          await deleteGroup(deleting.id);
          toast.success("Group deleted", deleting.name);
          groups.reload();
        }}
      >
        <p>
          Delete <strong>{deleting?.name}</strong>?{" "}
          {deleting?.memberCount === 1 ? "Its 1 member keeps their account" : `Its ${deleting?.memberCount ?? 0} members keep their accounts`}
          ; only the group and its memberships go away.
        </p>
      </ConfirmDialog>
    </AdminLayout>
  );
}
