import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { EmptyState } from "../../components/EmptyState";
import { Select } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { Pagination } from "../../components/Pagination";
import { SearchInput } from "../../components/SearchInput";
import { LoadingBlock } from "../../components/Spinner";
import { Time } from "../../components/Time";
import { Link } from "../../router";
import { useClampPage, useListParams } from "../admin/useListParams";
import { useSession } from "../auth/session";
import { Markdown } from "../tickets/Markdown";
import { StateBadge } from "../tickets/TicketBadges";
import { ticketPath } from "../tickets/ticketMeta";
import { useFlows } from "../tickets/useFlows";
import { listKnownErrors } from "./problemsApi";
import { ProblemsLayout } from "./ProblemsLayout";
import type { KnownError } from "./problemTypes";

const PAGE_SIZE = 20;
const STATUS_OPTIONS = [
  { value: "open", label: "Not fixed yet" },
  { value: "fixed", label: "Fixed (problem resolved)" },
];

function KnownErrorEntry({ item, linkCis }: { item: KnownError; linkCis: boolean }) {
  const flows = useFlows();
  return (
    <li className="known-error-entry">
      <div className="known-error-head">
        <Link to={ticketPath(item.number)} className="ticket-number">
          {item.number}
        </Link>
        <Link to={ticketPath(item.number)} className="known-error-title">
          {item.title}
        </Link>
        <StateBadge kind="problem" state={item.state} flows={flows} />
      </div>
      <p className="known-error-facts subtle small">
        {item.ci ? <span>CI {linkCis ? <Link to={`/cmdb/cis/${item.ci.id}`}>{item.ci.name}</Link> : item.ci.name}</span> : null}
        {item.category ? <span>Category {item.category}</span> : null}
        <span>
          {item.incidents} linked incident{item.incidents === 1 ? "" : "s"}
        </span>
        {item.knownErrorAt ? (
          <span>
            Known error since <Time value={item.knownErrorAt} format="datetime" />
          </span>
        ) : null}
      </p>
      <div className="known-error-columns">
        <div className="known-error-text">
          <span className="known-error-label">Workaround</span>
          {item.workaround ? <Markdown source={item.workaround} /> : <span className="subtle">None recorded</span>}
        </div>
        <div className="known-error-text">
          <span className="known-error-label">Root cause</span>
          {item.rootCause ? <Markdown source={item.rootCause} /> : <span className="subtle">Not known yet</span>}
        </div>
      </div>
    </li>
  );
}

/** Service desk → known error database: search problems flagged as known errors, with their root cause and workaround. */
export function KnownErrorsPage() {
  const { permissions } = useSession();
  const list = useListParams({ sort: "-knownErrorAt", limit: PAGE_SIZE });
  const q = list.get("q");
  const status = list.get("status");
  const ciId = list.get("ciId");
  const category = list.get("category");
  const known = useApi(
    (signal) =>
      listKnownErrors(
        { q: q || undefined, ciId: ciId || undefined, category: category || undefined, open: status === "open" ? true : status === "fixed" ? false : undefined, limit: PAGE_SIZE, offset: list.offset },
        signal,
      ),
    [q, status, ciId, category, list.offset],
  );
  useClampPage(list, known.data);
  const items = known.data?.items ?? [];
  const filtered = list.filtered("q", "status", "ciId", "category");

  return (
    <ProblemsLayout>
      <PageHeader
        title="Known error database"
        description="Problems whose cause is known, with the workaround that restores service until the fix is in."
        breadcrumbs={[{ label: "Service desk", to: "/service-desk" }, { label: "Known errors" }]}
      />
      <div className="problems-toolbar">
        <SearchInput value={q} onChange={(value) => list.setFilters({ q: value || null })} label="Search known errors" placeholder="Search number, title, root cause or workaround" />
        <Select aria-label="Fixed or not" placeholder="Fixed or not" value={status} options={STATUS_OPTIONS} onChange={(event) => list.setFilters({ status: event.target.value || null })} />
        {ciId || category ? (
          <Button size="sm" variant="ghost" icon="close" onClick={() => list.setFilters({ ciId: null, category: null })}>
            {ciId ? "Any CI" : "Any category"}
          </Button>
        ) : null}
      </div>
      {ciId || category ? (
        <p className="subtle small">
          Only known errors {ciId ? "on one CI" : <>in category <Badge>{category}</Badge></>}.
        </p>
      ) : null}
      {known.error ? <Alert tone="danger" title="The known errors could not be loaded">{known.error.message}</Alert> : null}
      {known.loading && !known.data ? <LoadingBlock label="Loading known errors" /> : null}
      {known.data && items.length === 0 ? (
        <EmptyState
          icon="book"
          title={filtered ? "No known errors match" : "No known errors yet"}
          description={filtered ? "Try other words or clear the filters." : "A problem becomes a known error once its root cause or workaround is recorded and it is marked as one."}
        />
      ) : null}
      {items.length ? (
        <ul className="known-error-results" aria-label="Known errors" aria-busy={known.loading || undefined}>
          {items.map((item) => (
            <KnownErrorEntry key={item.id} item={item} linkCis={permissions.includes("cmdb.read")} />
          ))}
        </ul>
      ) : null}
      {known.data ? <Pagination total={known.data.total} limit={PAGE_SIZE} offset={list.offset} onChange={list.setOffset} noun="known errors" /> : null}
    </ProblemsLayout>
  );
}
