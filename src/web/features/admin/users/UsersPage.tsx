import { useState } from "react";
import { deleteUser, listUsers } from "../../../api/users";
import type { User } from "../../../api/types";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Avatar } from "../../../components/Avatar";
import { Badge } from "../../../components/Badge";
import { Button, IconButton } from "../../../components/Button";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { EmptyState } from "../../../components/EmptyState";
import { Select } from "../../../components/Field";
import { PageHeader } from "../../../components/PageHeader";
import { Pagination } from "../../../components/Pagination";
import { SearchInput } from "../../../components/SearchInput";
import { Table, type Column } from "../../../components/Table";
import { Time } from "../../../components/Time";
import { useToast } from "../../../components/Toast";
import { Link } from "../../../router";
import { useSession } from "../../auth/session";
import { AdminLayout } from "../AdminLayout";
import { useClampPage, useListParams } from "../useListParams";
import { UserFormDialog } from "./UserFormDialog";
import { useRoles } from "./useRoles";

const PAGE_SIZE = 25;

/** Admin → Users: search, filter, sort and page through users; create, edit and delete them. */
export function UsersPage() {
  const session = useSession();
  const canWrite = session.can("users.write");
  const toast = useToast();
  const list = useListParams({ sort: "name", limit: PAGE_SIZE });
  const { roles, labelOf } = useRoles();
  const q = list.get("q");
  const role = list.get("role");
  const active = list.get("active");

  const users = useApi(
    (signal) =>
      listUsers(
        {
          q: q || undefined,
          role: role || undefined,
          active: active === "true" ? true : active === "false" ? false : undefined,
          sort: list.sort,
          limit: list.limit,
          offset: list.offset,
        },
        signal,
      ),
    [q, role, active, list.sort, list.offset],
  );
  useClampPage(list, users.data);

  const [editing, setEditing] = useState<User | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [deleting, setDeleting] = useState<User | null>(null);

  const columns: Column<User>[] = [
    {
      key: "name",
      header: "Name",
      sortKey: "name",
      render: (user) => (
        <span className="person">
          <Avatar name={user.name} seed={user.id} />
          <span className="person-text">
            <Link to={`/admin/users/${user.id}`} className="person-name">
              {user.name}
            </Link>
            {user.id === session.user.id ? <span className="person-sub">You</span> : null}
          </span>
        </span>
      ),
    },
    { key: "email", header: "Email", sortKey: "email", render: (user) => <span className="muted">{user.email}</span> },
    { key: "role", header: "Role", render: (user) => <Badge tone={user.role === "admin" ? "accent" : "neutral"}>{labelOf(user.role)}</Badge> },
    {
      key: "active",
      header: "Status",
      render: (user) =>
        user.active ? (
          <Badge tone="success" dot>
            Active
          </Badge>
        ) : (
          <Badge tone="neutral" dot>
            Inactive
          </Badge>
        ),
    },
    { key: "lastLoginAt", header: "Last sign-in", className: "hide-narrow", render: (user) => <Time value={user.lastLoginAt} fallback="Never" /> },
    { key: "createdAt", header: "Created", sortKey: "createdAt", firstSort: "desc", className: "hide-narrow", render: (user) => <Time value={user.createdAt} format="date" /> },
  ];
  if (canWrite) {
    columns.push({
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      className: "cell-actions",
      render: (user) => (
        <>
          <IconButton
            icon="pencil"
            size="sm"
            label={`Edit ${user.name}`}
            onClick={() => {
              setEditing(user);
              setFormOpen(true);
            }}
          />
          <IconButton
            icon="trash"
            size="sm"
            className="btn-danger-ghost"
            label={user.id === session.user.id ? "You cannot delete yourself" : `Delete ${user.name}`}
            disabled={user.id === session.user.id}
            onClick={() => setDeleting(user)}
          />
        </>
      ),
    });
  }

  const anyFilter = list.filtered("q", "role", "active");
  const items = users.data?.items ?? [];

  return (
    <AdminLayout>
      <PageHeader
        title="Users"
        description="People who can sign in to OpsDesk, and what their role allows them to do."
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
              New user
            </Button>
          ) : null
        }
      />

      <div className="toolbar" role="group" aria-label="Filter users">
        <SearchInput label="Search users" placeholder="Search by name or email" value={q} onChange={(value) => list.setFilters({ q: value })} />
        <Select
          aria-label="Role"
          placeholder="All roles"
          options={roles.map((item) => ({ value: item.name, label: item.label }))}
          value={role}
          onChange={(event) => list.setFilters({ role: event.target.value })}
        />
        <Select
          aria-label="Status"
          placeholder="Any status"
          options={[
            { value: "true", label: "Active" },
            { value: "false", label: "Inactive" },
          ]}
          value={active}
          onChange={(event) => list.setFilters({ active: event.target.value })}
        />
        {anyFilter ? (
          <Button variant="ghost" icon="close" onClick={() => list.setFilters({ q: null, role: null, active: null })}>
            Clear filters
          </Button>
        ) : null}
      </div>

      {users.error ? (
        <Alert tone="danger" title="Users could not be loaded">
          {users.error.message}
        </Alert>
      ) : (
        <>
          <Table
            caption="Users"
            columns={columns}
            rows={items}
            rowKey={(user) => user.id}
            sort={list.sort}
            onSortChange={list.setSort}
            loading={users.loading}
            empty={
              anyFilter ? (
                <EmptyState
                  compact
                  icon="search"
                  title="No users match these filters"
                  description="Try another search term, or clear the filters to see everyone."
                  action={<Button onClick={() => list.setFilters({ q: null, role: null, active: null })}>Clear filters</Button>}
                />
              ) : (
                <EmptyState compact icon="users" title="No users yet" description="Create the first user to invite your team." />
              )
            }
          />
          {users.data ? (
            <Pagination total={users.data.total} limit={list.limit} offset={list.offset} onChange={list.setOffset} noun="users" />
          ) : null}
        </>
      )}

      <UserFormDialog
        open={formOpen}
        user={editing}
        roles={roles}
        isSelf={editing?.id === session.user.id}
        onClose={() => setFormOpen(false)}
        onSaved={(saved, created) => {
          setFormOpen(false);
          if (saved.id === session.user.id) session.updateUser({ ...session.user, ...saved });
          toast.success(created ? "User created" : "User updated", `${saved.name} (${saved.email})`);
          users.reload();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete user"
        confirmLabel="Delete user"
        onConfirm={async () => {
          if (!deleting) return;
          await deleteUser(deleting.id);
          toast.success("User deleted", deleting.email);
          users.reload();
        }}
      >
        <p>
          <strong>{deleting?.name}</strong> ({deleting?.email}) will no longer be able to sign in and is removed from all groups. Their
          past actions stay in the audit log. This cannot be undone.
        </p>
      </ConfirmDialog>
    </AdminLayout>
  );
}
