import { useEffect, useState } from "react";
import { toApiError } from "../../api/client";
import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Field, Textarea } from "../../components/Field";
import { Icon } from "../../components/Icon";
import { Time } from "../../components/Time";
import { useToast } from "../../components/Toast";
import { useSession } from "../auth/session";
import type { Ticket } from "../tickets/ticketTypes";
import { APPROVAL_STATUS_META, DECISION_META, ruleWording } from "./changeMeta";
import { approve, getApprovals, reject } from "./changesApi";
import type { ChangeApproval, ChangeApprovals } from "./changeTypes";

function ApprovalRows({ items }: { items: ChangeApproval[] }) {
  return (
    <ul className="approval-list">
      {items.map((item) => (
        <li key={item.id} className="approval-item">
          <div className="approval-who">
            <strong>{item.approver.name}</strong>
            <span className="subtle"> · {item.group.name}</span>
          </div>
          <Badge tone={DECISION_META[item.decision].tone} dot>
            {DECISION_META[item.decision].label}
          </Badge>
          {item.decidedAt ? (
            <span className="subtle approval-when">
              <Time value={item.decidedAt} />
            </span>
          ) : null}
          {item.comment ? <p className="approval-comment">{item.comment}</p> : null}
        </li>
      ))}
    </ul>
  );
}

/** Approve or reject with a comment: shown to approvers with a pending request in the current round. */
function DecisionForm({ ticket, onDecided }: { ticket: Ticket; onDecided: (answer: ChangeApprovals) => void }) {
  const toast = useToast();
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<"approve" | "reject" | null>(null);

  async function decide(decision: "approve" | "reject") {
    if (decision === "reject" && !comment.trim()) return setError("Say why you reject the change");
    setError(null);
    setBusy(decision);
    try {
      const answer = decision === "approve" ? await approve(ticket.number, comment.trim() || undefined) : await reject(ticket.number, comment.trim());
      toast.success(decision === "approve" ? `${ticket.number} approved` : `${ticket.number} rejected`);
      setComment("");
      onDecided(answer);
    } catch (failure) {
      setError(toApiError(failure).message);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="approval-decision">
      <Field label="Your decision" hint="The comment is required to reject and goes on the timeline." error={error ?? undefined}>
        <Textarea value={comment} rows={2} placeholder="Comment for the change owner" onChange={(event) => setComment(event.target.value)} />
      </Field>
      <div className="approval-buttons">
        <Button variant="primary" icon="check" loading={busy === "approve"} disabled={busy !== null} onClick={() => void decide("approve")}>
          Approve
        </Button>
        <Button variant="danger-subtle" loading={busy === "reject"} disabled={busy !== null} onClick={() => void decide("reject")}>
          Reject
        </Button>
      </div>
    </div>
  );
}

/**
 * Who must approve the change (rules of the current round, with progress), each approver's
 * decision and comment, earlier rounds, and the decision form for the caller when asked.
 */
export function ApprovalsPanel({ ticket, canWrite, onDecided }: { ticket: Ticket; canWrite: boolean; onDecided: () => void }) {
  const { user } = useSession();
  // the ticket page reloads the ticket when its timeline grows (a decision adds an entry): follow it
  const approvals = useApi((signal) => getApprovals(ticket.number, signal), [ticket]);
  const [answer, setAnswer] = useState<ChangeApprovals | null>(null);
  // the decision's answer shows at once; the next load (the ticket changed) replaces it
  useEffect(() => setAnswer(null), [approvals.data]);
  const data = answer ?? approvals.data;

  if (approvals.error && !data) {
    return (
      <Card title="Approvals">
        <Alert tone="danger">{approvals.error.message}</Alert>
      </Card>
    );
  }
  if (!data) return <Card title="Approvals"><p className="subtle">Loading approvals…</p></Card>;
  if (data.status === "not_required" && data.round === 0) {
    return (
      <Card title="Approvals">
        <p className="subtle">{ticket.change?.type === "standard" ? "Standard changes are pre-approved by their template." : "No approval is needed."}</p>
      </Card>
    );
  }

  const current = data.items.filter((item) => item.round === data.round);
  const earlier = data.items.filter((item) => item.round !== data.round);
  const asked = canWrite && ticket.state === "authorize" && current.some((item) => item.approver.id === user.id && item.decision === "pending");
  const meta = APPROVAL_STATUS_META[data.status];

  return (
    <Card
      title="Approvals"
      description={data.round > 0 ? `Round ${data.round}` : "Requested when the change enters Authorize."}
      actions={
        <Badge tone={meta.tone} dot>
          {meta.label}
        </Badge>
      }
      className="approvals-panel"
    >
      {data.rules.length ? (
        <ul className="approval-rules" aria-label="Approval rules">
          {data.rules.map((rule) => (
            <li key={`${rule.ruleId}-${rule.group.id}`} className={rule.met ? "approval-rule approval-rule-met" : "approval-rule"}>
              <Icon name={rule.met ? "checkCircle" : "clock"} size={15} />
              <span>
                <strong>{rule.ruleName}</strong>: {ruleWording(rule.rule, rule.required, rule.group.name)}
              </span>
              <span className="approval-count">
                {rule.approved} / {rule.required} approved
              </span>
            </li>
          ))}
        </ul>
      ) : data.round > 0 ? (
        <p className="subtle">No approval rule applied in this round: the change may be scheduled.</p>
      ) : (
        <p className="subtle">Approval has not been requested yet.</p>
      )}
      {current.length ? <ApprovalRows items={current} /> : null}
      {asked ? (
        <DecisionForm
          ticket={ticket}
          onDecided={(next) => {
            setAnswer(next);
            onDecided();
          }}
        />
      ) : null}
      {earlier.length ? (
        <details className="approval-history">
          <summary>Earlier rounds ({earlier.length} requests)</summary>
          <ApprovalRows items={earlier} />
        </details>
      ) : null}
    </Card>
  );
}
