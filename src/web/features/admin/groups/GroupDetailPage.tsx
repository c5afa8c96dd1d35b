import { useMemo, useState } from "react";
import { deleteGroup, getGroup, listMembers, removeMember } from "../../../api/groups";
import type { User } from "../../../api/types";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Avatar } from "../../../components/Avatar";
import { Badge } from "../../../components/Badge";
import { Button, IconButton } from "../../../components/Button";
import { Card, DetailList } from "../../../components/Card";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { EmptyState } from "../../../components/EmptyState";
import { PageHeader } from "../../../components/PageHeader";
import { LoadingBlock } from "../../../components/Spinner";
import { Table, type Column } from "../../../components/Table";
import { Time } from "../../../components/Time";
import { useToast } from "../../../components/Toast";
import { Link, useParams, useRouter } from "../../../router";
import { useSession } from "../../auth/session";
import { AdminLayout } from "../AdminLayout";
import { useRoles } from "../users/useRoles";
import { AddMemberDialog } from "./AddMemberDialog";
import { GroupFormDialog } from "./GroupFormDialog";

/** Admin → Groups → one group: its details and members, with add and remove. */
export function GroupDetailPage() {
  const { id = "" } = useParams();
  const { can } = useSession();
  const canWrite = can("groups.write");
  const canSeeUsers = can("users.read");
  const { navigate } = useRouter();
  const toast = useToast();
  const { labelOf } = useRoles();
  const group = useApi((signal) => getGroup(id, signal), [id]);
  const members = useApi((signal) => listMembers(id, signal), [id]);
  const [editOpen, setEditOpen] = useState(false);
  const [deleteOpen, setDeleteOpen] = useState(false);
  const [addOpen, setAddOpen] = useState(false);
  const [removing, setRemoving] = useState<User | null>(null);
  const memberIds = useMemo(() => new Set((members.data?.items ?? []).map((user) => user.id)), [members.data]);

  const crumbs = [{ label: "Groups", to: "/admin/groups" }];

  if (group.error) {
    return (
      <AdminLayout>
        <PageHeader title="Group" breadcrumbs={crumbs} />
        {group.error.status === 404 ? (
          <EmptyState
            icon="users"
            title="Group not found"
            description="This group does not exist any more, or the link is wrong."
            action={<Button onClick={() => navigate("/admin/groups")}>Back to groups</Button>}
          />
        ) : (
          <Alert tone="danger" title="The group could not be loaded">
            {group.error.message}
          </Alert>
        )}
      </AdminLayout>
    );
  }
  if (!group.data) {
    return (
      <AdminLayout>
        <LoadingBlock label="Loading group" />
      </AdminLayout>
    );
  }
  const data = group.data;
  const items = members.data?.items ?? [];

  const columns: Column<User>[] = [
    {
      key: "name",
      header: "Name",
      render: (user) => (
        <span className="person">
          <Avatar name={user.name} seed={user.id} />
          {canSeeUsers ? (
            <Link to={`/admin/users/${user.id}`} className="person-name">
              {user.name}
            </Link>
          ) : (
            <span className="person-name">{user.name}</span>
          )}
        </span>
      ),
    },
    { key: "email", header: "Email", render: (user) => <span className="muted">{user.email}</span> },
    { key: "role", header: "Role", className: "hide-narrow", render: (user) => <Badge>{labelOf(user.role)}</Badge> },
  ];
  if (canWrite) {
    columns.push({
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      className: "cell-actions",
      render: (user) => (
        <IconButton icon="close" size="sm" className="btn-danger-ghost" label={`Remove ${user.name} from ${data.name}`} onClick={() => setRemoving(user)} />
      ),
    });
  }

  return (
    <AdminLayout>
      <PageHeader
        breadcrumbs={[...crumbs, { label: data.name }]}
        documentTitle={data.name}
        title={data.name}
        description={data.description || undefined}
        actions={
          canWrite ? (
            <>
              <Button icon="pencil" onClick={() => setEditOpen(true)}>
                Edit
              </Button>
              <Button icon="trash" variant="danger-subtle" onClick={() => setDeleteOpen(true)}>
                Delete
              </Button>
            </>
          ) : null
        }
      />
      <div className="grid-sidebar">
        <Card
          title="Members"
          description={members.data ? (items.length === 1 ? "1 person" : `${items.length} people`) : undefined}
          flush
          actions={
            canWrite ? (
              <Button size="sm" variant="primary" icon="plus" onClick={() => setAddOpen(true)}>
                Add member
              </Button>
            ) : null
          }
        >
          {members.error ? (
            <div className="card-pad">
              <Alert tone="danger">{members.error.message}</Alert>
            </div>
          ) : (
            <Table
              caption={`Members of ${data.name}`}
              columns={columns}
              rows={items}
              rowKey={(user) => user.id}
              loading={members.loading}
              empty={
                <EmptyState
                  compact
                  icon="users"
                  title="No members yet"
                  description="Add the people who work in this team."
                  action={canWrite ? <Button icon="plus" onClick={() => setAddOpen(true)}>Add member</Button> : undefined}
                />
              }
            />
          )}
        </Card>
        <Card title="Details">
          <DetailList
            items={[
              { label: "Email", value: data.email ?? <span className="subtle">None</span> },
              { label: "Members", value: members.data ? items.length : data.memberCount },
              { label: "Created", value: <Time value={data.createdAt} format="datetime" /> },
              { label: "Updated", value: <Time value={data.updatedAt} format="datetime" /> },
            ]}
          />
        </Card>
      </div>

      <GroupFormDialog
        open={editOpen}
        group={data}
        onClose={() => setEditOpen(false)}
        onSaved={(saved) => {
          setEditOpen(false);
          toast.success("Group updated", saved.name);
          group.reload();
        }}
      />
      <AddMemberDialog
        open={addOpen}
        group={data}
        memberIds={memberIds}
        onClose={() => setAddOpen(false)}
        onAdded={(user) => {
          setAddOpen(false);
          toast.success("Member added", `${user.name} is now in ${data.name}.`);
          members.reload();
        }}
      />
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title="Remove member"
        confirmLabel="Remove"
        onConfirm={async () => {
          if (!removing) return;
          await removeMember(data.id, removing.id);
          toast.success("Member removed", `${removing.name} is no longer in ${data.name}.`);
          members.reload();
        }}
      >
        <p>
          Remove <strong>{removing?.name}</strong> from {data.name}? Their account is not changed.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={deleteOpen}
        onClose={() => setDeleteOpen(false)}
        title="Delete group"
        confirmLabel="Delete group"
        onConfirm={async () => {
          await deleteGroup(data.id);
          toast.success("Group deleted", data.name);
          navigate("/admin/groups");
        }}
      >
        <p>
          Delete <strong>{data.name}</strong>? Its members keep their accounts; only the group and its memberships go away.
        </p>
      </ConfirmDialog>
    </AdminLayout>
  );
}
