/** Tables of the changes module (migration 0007-changes), as Kysely sees them. */
import type { Generated } from "kysely";
import type { Timestamp } from "./schema.js";

export interface ChangeDetailsTable {
  ticket_id: number | string;
  type: string;
  template_id: string | null;
  justification: string | null;
  implementation_plan: string | null;
  backout_plan: string | null;
  test_plan: string | null;
  risk: string;
  computed_risk: string;
  risk_override_reason: string | null;
  planned_start: Timestamp | null;
  planned_end: Timestamp | null;
  actual_start: Timestamp | null;
  actual_end: Timestamp | null;
  outcome: string | null;
  review: string | null;
  approval_round: Generated<number>;
}

export interface ChangeTemplatesTable {
  id: string;
  name: string;
  description: string;
  title: string;
  category: string | null;
  justification: string | null;
  implementation_plan: string | null;
  backout_plan: string | null;
  test_plan: string | null;
  risk: string;
  duration_minutes: number | null;
  active: boolean | number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ChangeApprovalRulesTable {
  id: string;
  name: string;
  change_types: string;
  risks: string;
  group_id: string;
  rule: string;
  required: number | null;
  active: boolean | number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ChangeApprovalsTable {
  id: Generated<number | string>;
  ticket_id: number | string;
  round: number;
  rule_id: string | null;
  rule_name: string;
  rule: string;
  required: number;
  group_id: string;
  group_name: string;
  approver_id: string;
  approver_name: string;
  decision: string;
  comment: string | null;
  decided_at: Timestamp | null;
  created_at: Timestamp;
}

export interface ChangeBlackoutsTable {
  id: string;
  name: string;
  description: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  ci_ids: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ChangesTables {
  change_details: ChangeDetailsTable;
  change_templates: ChangeTemplatesTable;
  change_approval_rules: ChangeApprovalRulesTable;
  change_approvals: ChangeApprovalsTable;
  change_blackouts: ChangeBlackoutsTable;
}
