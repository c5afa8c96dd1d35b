/**
 * The changes module: the change kind of the ticket core (flow, fields, risk, approvals),
 * standard change templates, approval rules, blackout windows and the change calendar.
 */
import type { App, AppContext } from "../../platform/context.js";
import { registerKind, type KindDef } from "../tickets/index.js";
import { changeAdminRoutes } from "./changes.admin.routes.js";
import { CHANGE_FLOW } from "./changes.flow.js";
import { changeRoutes } from "./changes.routes.js";
import { changeHooks } from "./changes.service.js";

export { CHANGE_FLOW, CHANGE_STATES } from "./changes.flow.js";
export { conflictsFor } from "./changes.calendar.js";

/** The change kind: CHG numbers, the change flow and its hooks. */
export const CHANGE_KIND: KindDef = { kind: "change", prefix: "CHG", label: "Change", flow: CHANGE_FLOW, hooks: changeHooks };

// Replaces the core's default flow for changes as soon as the module is loaded.
registerKind(CHANGE_KIND);

/** Registers the change kind again (whatever loaded since) and mounts the module's routes. */
export function registerChangesModule(app: App, ctx: AppContext): void {
  registerKind(CHANGE_KIND);
  changeRoutes(app, ctx);
  changeAdminRoutes(app, ctx);
}
