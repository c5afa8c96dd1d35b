/** The users module: people, assignment groups and API tokens. */
import type { App, AppContext } from "../../platform/context.js";
import { groupRoutes } from "./groups.routes.js";
import { tokenRoutes } from "./tokens.routes.js";
import { userRoutes } from "./users.routes.js";
import { authRoutes } from "./auth.routes.js";

export { createUser, countUsers, findUserByEmail, getUser, normaliseEmail, toUser } from "./users.service.js";
export { createToken } from "./tokens.service.js";
export { ensureAdminFromEnv, setupNeeded } from "./auth.service.js";
export { createGroup, addMember } from "./groups.service.js";

/** Mounts the module's routes. */
export function registerUsersModule(app: App, ctx: AppContext): void {
  authRoutes(app, ctx);
  userRoutes(app, ctx);
  groupRoutes(app, ctx);
  tokenRoutes(app, ctx);
}
