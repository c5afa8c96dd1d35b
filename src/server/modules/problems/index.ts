/** The problems module: the problem kind (flow and fields), action items, linked incidents, suggestions and known errors. */
import type { App, AppContext } from "../../platform/context.js";
import { registerKind } from "../tickets/index.js";
import { PROBLEM_FLOW } from "./problems.flow.js";
import { problemHooks } from "./problems.service.js";
import { problemRoutes } from "./problems.routes.js";
import { registerProblemEvents } from "./problems.events.js";

export { PROBLEM_FLOW, PROBLEM_STATES, PROBLEM_RESOLUTION_CODES, type ProblemState } from "./problems.flow.js";
export { listKnownErrors } from "./problems.known-errors.js";
export { listSuggestions } from "./problems.suggest.js";

/** Registers the problem kind (replacing the core's default), its event handlers and its routes. */
export function registerProblemsModule(app: App, ctx: AppContext): void {
  registerKind({ kind: "problem", prefix: "PRB", label: "Problem", flow: PROBLEM_FLOW, hooks: problemHooks });
  registerProblemEvents(ctx);
  problemRoutes(app, ctx);
}
