import { useMemo, useState } from "react";
import { listTokens, revokeToken } from "../../../api/tokens";
import type { CreatedToken, Token } from "../../../api/types";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Badge } from "../../../components/Badge";
import { Button } from "../../../components/Button";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { EmptyState } from "../../../components/EmptyState";
import { Checkbox } from "../../../components/Field";
import { PageHeader } from "../../../components/PageHeader";
import { parseSort, Table, type Column } from "../../../components/Table";
import { Time } from "../../../components/Time";
import { useToast } from "../../../components/Toast";
import { useSearchParams } from "../../../router";
import { useSession } from "../../auth/session";
import { AdminLayout } from "../AdminLayout";
import { CreateTokenDialog } from "./CreateTokenDialog";
import { TokenSecretDialog } from "./TokenSecretDialog";

type TokenStatus = "active" | "expired" | "revoked";

function statusOf(token: Token, now: number): TokenStatus {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= now) return "expired";
  return "active";
}

const STATUS_BADGE: Record<TokenStatus, { tone: "success" | "warning" | "neutral"; label: string }> = {
  active: { tone: "success", label: "Active" },
  expired: { tone: "warning", label: "Expired" },
  revoked: { tone: "neutral", label: "Revoked" },
};

// the API returns all tokens at once, so sorting happens here
function sortTokens(tokens: Token[], sort: string): Token[] {
  const parsed = parseSort(sort) ?? { key: "createdAt", dir: "desc" as const };
  const value = (token: Token): string => {
    switch (parsed.key) {
      case "name":
        return token.name.toLowerCase();
      case "owner":
        return (token.userEmail ?? "").toLowerCase();
      case "expiresAt":
        return token.expiresAt ?? "9999";
      case "lastUsedAt":
        return token.lastUsedAt ?? "";
      default:
        return token.createdAt;
    }
  };
  const sorted = [...tokens].sort((a, b) => value(a).localeCompare(value(b)));
  return parsed.dir === "desc" ? sorted.reverse() : sorted;
}

/** Admin → API tokens: your tokens (or everyone's, for token admins); create and revoke. */
export function TokensPage() {
  const { can } = useSession();
  const toast = useToast();
  const isTokenAdmin = can("tokens.admin");
  const [params, update] = useSearchParams();
  const showAll = isTokenAdmin && params.get("all") === "true";
  const sort = params.get("sort") || "-createdAt";
  const tokens = useApi((signal) => listTokens(showAll, signal), [showAll]);
  const [createOpen, setCreateOpen] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const now = Date.now();
  const rows = useMemo(() => sortTokens(tokens.data?.items ?? [], sort), [tokens.data, sort]);

  const columns: Column<Token>[] = [
    { key: "name", header: "Name", sortKey: "name", render: (token) => <span className="person-name">{token.name}</span> },
  ];
  if (showAll) {
    columns.push({ key: "owner", header: "Owner", sortKey: "owner", render: (token) => <span className="muted">{token.userEmail ?? token.userId}</span> });
  }
  columns.push(
    { key: "prefix", header: "Prefix", render: (token) => <code className="code-pill">{token.prefix}…</code> },
    {
      key: "status",
      header: "Status",
      render: (token) => {
        const badge = STATUS_BADGE[statusOf(token, now)];
        return (
          <Badge tone={badge.tone} dot>
            {badge.label}
          </Badge>
        );
      },
    },
    { key: "createdAt", header: "Created", sortKey: "createdAt", firstSort: "desc", render: (token) => <Time value={token.createdAt} format="date" /> },
    { key: "expiresAt", header: "Expires", sortKey: "expiresAt", render: (token) => <Time value={token.expiresAt} format="date" fallback="Never" /> },
    { key: "lastUsedAt", header: "Last used", sortKey: "lastUsedAt", firstSort: "desc", className: "hide-narrow", render: (token) => <Time value={token.lastUsedAt} fallback="Never used" /> },
    {
      key: "revokedAt",
      header: "Revoked",
      className: "hide-narrow",
      render: (token) => <Time value={token.revokedAt} format="date" fallback="—" />,
    },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      className: "cell-actions",
      render: (token) =>
        token.revokedAt ? null : (
          <Button size="sm" variant="ghost" className="btn-danger-ghost" aria-label={`Revoke ${token.name}`} onClick={() => setRevoking(token)}>
            Revoke
          </Button>
        ),
    },
  );

  return (
    <AdminLayout>
      <PageHeader
        title="API tokens"
        description="Personal tokens for scripts and integrations. A token acts with the permissions of the user who owns it."
        actions={
          <Button variant="primary" icon="plus" onClick={() => setCreateOpen(true)}>
            New token
          </Button>
        }
      />
      {isTokenAdmin ? (
        <div className="toolbar">
          <Checkbox
            label="Show tokens of all users"
            checked={showAll}
            onChange={(event) => update({ all: event.target.checked ? "true" : null })}
          />
        </div>
      ) : null}
      {tokens.error ? (
        <Alert tone="danger" title="Tokens could not be loaded">
          {tokens.error.message}
        </Alert>
      ) : (
        <Table
          caption="API tokens"
          columns={columns}
          rows={rows}
          rowKey={(token) => token.id}
          sort={sort}
          onSortChange={(next) => update({ sort: next === "-createdAt" ? null : next })}
          loading={tokens.loading}
          empty={
            <EmptyState
              compact
              icon="key"
              title="No API tokens yet"
              description="Create a token to let a script, a CI pipeline or another tool use the OpsDesk API."
              action={
                <Button icon="plus" onClick={() => setCreateOpen(true)}>
                  Create a token
                </Button>
              }
            />
          }
        />
      )}

      <CreateTokenDialog
        open={createOpen}
        onClose={() => setCreateOpen(false)}
        onCreated={(result) => {
          setCreateOpen(false);
          setCreated(result);
          tokens.reload();
        }}
      />
      <TokenSecretDialog created={created} onClose={() => setCreated(null)} />
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title="Revoke token"
        confirmLabel="Revoke token"
        onConfirm={async () => {
          if (!revoking) return;
          await revokeToken(revoking.id);
          toast.success("Token revoked", revoking.name);
          tokens.reload();
        }}
      >
        <p>
          Requests that use <strong>{revoking?.name}</strong> (<code>{revoking?.prefix}…</code>) will be refused from now on. Anything
          that relies on it stops working until it gets a new token. This cannot be undone.
        </p>
      </ConfirmDialog>
    </AdminLayout>
  );
}
