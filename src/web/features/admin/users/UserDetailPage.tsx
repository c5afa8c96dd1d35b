import { useState } from "react";
import { listAudit } from "../../../api/audit";
import { deleteUser, getUser } from "../../../api/users";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Avatar } from "../../../components/Avatar";
import { Badge } from "../../../components/Badge";
import { Button } from "../../../components/Button";
import { Card, DetailList } from "../../../components/Card";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { EmptyState } from "../../../components/EmptyState";
import { PageHeader } from "../../../components/PageHeader";
import { LoadingBlock } from "../../../components/Spinner";
import { Time } from "../../../components/Time";
import { useToast } from "../../../components/Toast";
import { Link, useParams, useRouter } from "../../../router";
import { useSession } from "../../auth/session";
import { AdminLayout } from "../AdminLayout";
import { UserFormDialog } from "./UserFormDialog";
import { useRoles } from "./useRoles";

/** Admin → Users → one user: profile, groups and recent changes, with edit and delete. */
export function UserDetailPage() {
  const { id = "" } = useParams();
  const session = useSession();
  const { navigate } = useRouter();
  const toast = useToast();
  const { roles, labelOf } = useRoles();
  const user = useApi((signal) => getUser(id, signal), [id]);
  const canAudit = session.can("audit.read");
  const activity = useApi(
    (signal) => (canAudit ? listAudit({ entity: "user", entityId: id, limit: 8 }, signal) : Promise.resolve(null)),
    [id, canAudit],
  );
  const [editOpen, setEditOpen] = useState(false);
  const [deleteOpen, setDeleteOpen] = useState(false);

  const crumbs = [{ label: "Users", to: "/admin/users" }];

  if (user.error) {
    return (
      <AdminLayout>
        <PageHeader title="User" breadcrumbs={crumbs} />
        {user.error.status === 404 ? (
          <EmptyState
            icon="user"
            title="User not found"
            description="This user does not exist any more, or the link is wrong."
            action={<Button onClick={() => navigate("/admin/users")}>Back to users</Button>}
          />
        ) : (
          <Alert tone="danger" title="The user could not be loaded">
            {user.error.message}
          </Alert>
        )}
      </AdminLayout>
    );
  }
  if (!user.data) {
    return (
      <AdminLayout>
        <LoadingBlock label="Loading user" />
      </AdminLayout>
    );
  }

  const data = user.data;
  const isSelf = data.id === session.user.id;
  const canWrite = session.can("users.write");
  const groups = data.groups ?? [];

  return (
    <AdminLayout>
      <PageHeader
        breadcrumbs={[...crumbs, { label: data.name }]}
        documentTitle={data.name}
        leading={<Avatar name={data.name} seed={data.id} size={48} />}
        title={data.name}
        description={data.email}
        actions={
          canWrite ? (
            <>
              <Button icon="pencil" onClick={() => setEditOpen(true)}>
                Edit
              </Button>
              <Button icon="trash" variant="danger-subtle" disabled={isSelf} title={isSelf ? "You cannot delete yourself" : undefined} onClick={() => setDeleteOpen(true)}>
                Delete
              </Button>
            </>
          ) : null
        }
      />
      <div className="grid-sidebar">
        <div className="stack">
          <Card title="Profile">
            <DetailList
              items={[
                { label: "Email", value: data.email },
                { label: "Role", value: <Badge tone={data.role === "admin" ? "accent" : "neutral"}>{labelOf(data.role)}</Badge> },
                {
                  label: "Status",
                  value: data.active ? (
                    <Badge tone="success" dot>
                      Active
                    </Badge>
                  ) : (
                    <Badge dot>Inactive</Badge>
                  ),
                },
                { label: "Last sign-in", value: <Time value={data.lastLoginAt} format="datetime" fallback="Never signed in" /> },
                { label: "Created", value: <Time value={data.createdAt} format="datetime" /> },
                { label: "Updated", value: <Time value={data.updatedAt} format="datetime" /> },
              ]}
            />
          </Card>
          {canAudit ? (
            <Card title="Recent changes" description="Changes made to this user, newest first.">
              {activity.data && activity.data.items.length > 0 ? (
                <ul className="activity-list">
                  {activity.data.items.map((entry) => (
                    <li key={entry.id} className="activity-item">
                      <span className="code-pill">{entry.action}</span>
                      <span className="muted truncate">by {entry.actorName ?? "system"}</span>
                      <Time value={entry.at} />
                    </li>
                  ))}
                </ul>
              ) : activity.loading ? (
                <LoadingBlock />
              ) : (
                <p className="subtle">No recorded changes.</p>
              )}
              <p className="card-footer-link">
                <Link to={`/admin/audit?entity=user&entityId=${encodeURIComponent(data.id)}`}>Open in audit log</Link>
              </p>
            </Card>
          ) : null}
        </div>
        <Card title="Groups" description={groups.length === 0 ? "No memberships" : groups.length === 1 ? "Member of 1 group" : `Member of ${groups.length} groups`}>
          {groups.length > 0 ? (
            <ul className="chip-list" aria-label={`Groups of ${data.name}`}>
              {groups.map((group) => (
                <li key={group.id}>
                  <Link to={`/admin/groups/${group.id}`} className="chip">
                    {group.name}
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="subtle">Not in any group yet. Add people to a group from the group's page.</p>
          )}
        </Card>
      </div>

      <UserFormDialog
        open={editOpen}
        user={data}
        roles={roles}
        isSelf={isSelf}
        onClose={() => setEditOpen(false)}
        onSaved={(saved) => {
          setEditOpen(false);
          if (isSelf) session.updateUser({ ...session.user, ...saved });
          toast.success("User updated", saved.name);
          user.reload();
          activity.reload();
        }}
      />
      <ConfirmDialog
        open={deleteOpen}
        onClose={() => setDeleteOpen(false)}
        title="Delete user"
        confirmLabel="Delete user"
        onConfirm={async () => {
          await deleteUser(data.id);
          toast.success("User deleted", data.email);
          navigate("/admin/users");
        }}
      >
        <p>
          <strong>{data.name}</strong> ({data.email}) will no longer be able to sign in and is removed from all groups. Their past actions
          stay in the audit log. This cannot be undone.
        </p>
      </ConfirmDialog>
    </AdminLayout>
  );
}
