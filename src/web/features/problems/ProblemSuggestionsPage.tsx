import { useState } from "react";
import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { EmptyState } from "../../components/EmptyState";
import { PageHeader } from "../../components/PageHeader";
import { Table, type Column } from "../../components/Table";
import { Time } from "../../components/Time";
import { Link } from "../../router";
import { useSession } from "../auth/session";
import { ticketPath } from "../tickets/ticketMeta";
import { useTicketAccess } from "../tickets/useTicketAccess";
import { NewProblemDialog } from "./NewProblemDialog";
import { suggestionKey } from "./problemMeta";
import { listSuggestions } from "./problemsApi";
import { ProblemsLayout } from "./ProblemsLayout";
import type { ProblemSuggestion } from "./problemTypes";

const SHOWN = 5;

/** Service desk → problem suggestions: CIs and categories whose recent incidents call for a problem. */
export function ProblemSuggestionsPage() {
  const { canWrite } = useTicketAccess();
  const { permissions } = useSession();
  const suggestions = useApi((signal) => listSuggestions(signal), []);
  const [creating, setCreating] = useState<ProblemSuggestion | null>(null);
  const data = suggestions.data;
  const linkCis = permissions.includes("cmdb.read");

  const columns: Column<ProblemSuggestion>[] = [
    {
      key: "subject",
      header: "Recurring on",
      render: (s) =>
        s.basis === "ci" ? (
          <span className="suggestion-subject">
            <Badge tone="info">CI</Badge> {linkCis && s.ci ? <Link to={`/cmdb/cis/${s.ci.id}`}>{s.ci.name}</Link> : s.ci?.name}
          </span>
        ) : (
          <span className="suggestion-subject">
            <Badge>Category</Badge> {s.category}
          </span>
        ),
    },
    { key: "incidents", header: "Incidents", align: "right", render: (s) => <strong>{s.incidents}</strong> },
    {
      key: "when",
      header: "Between",
      render: (s) => (
        <span className="subtle">
          <Time value={s.firstAt} format="datetime" /> – <Time value={s.lastAt} format="datetime" />
        </span>
      ),
    },
    {
      key: "numbers",
      header: "Latest incidents",
      render: (s) => (
        <span className="suggestion-numbers">
          {s.numbers.slice(0, SHOWN).map((n) => (
            <Link key={n} to={ticketPath(n)} className="ticket-number">
              {n}
            </Link>
          ))}
          {s.numbers.length > SHOWN ? <span className="subtle">+{s.incidents - SHOWN}</span> : null}
        </span>
      ),
    },
    {
      key: "action",
      header: <span className="sr-only">Action</span>,
      align: "right",
      render: (s) =>
        canWrite ? (
          <Button size="sm" variant="primary" onClick={() => setCreating(s)} aria-label={`Create problem for ${s.basis === "ci" ? s.ci?.name : s.category}`}>
            Create problem
          </Button>
        ) : null,
    },
  ];

  return (
    <ProblemsLayout>
      <PageHeader
        title="Problem suggestions"
        description={data ? `Where ${data.threshold} or more incidents hit the same CI or category within ${data.windowHours} hours and no problem is open for it yet.` : "Recurring incidents that call for a problem."}
        breadcrumbs={[{ label: "Service desk", to: "/service-desk" }, { label: "Problem suggestions" }]}
        actions={
          <Button icon="history" onClick={suggestions.reload} loading={suggestions.loading && Boolean(data)}>
            Refresh
          </Button>
        }
      />
      {suggestions.error ? <Alert tone="danger" title="The suggestions could not be loaded">{suggestions.error.message}</Alert> : null}
      <Table
        caption="Problem suggestions"
        columns={columns}
        rows={data?.items ?? []}
        rowKey={suggestionKey}
        loading={suggestions.loading && !data}
        empty={<EmptyState icon="sparkle" compact title="No recurring incidents" description="Nothing suggests a new problem right now. The threshold and window are in the ticket settings." />}
      />
      <NewProblemDialog suggestion={creating} onClose={() => setCreating(null)} />
    </ProblemsLayout>
  );
}
