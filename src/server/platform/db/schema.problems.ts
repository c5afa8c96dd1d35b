/** Tables of the problems module (migration 0009-problems) as Kysely sees them. */
import type { Timestamp } from "./schema.js";

/** When a problem was last suggested for a CI or a category (one event per window). */
export interface ProblemSuggestionsTable {
  basis: string;
  key: string;
  suggested_at: Timestamp;
  incidents: number;
}

export interface ProblemsTables {
  problem_suggestions: ProblemSuggestionsTable;
}
