/** What every route can declare and what every request carries. */
import type { Actor, Permission } from "../auth/permissions.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated caller, or null on public routes without credentials. */
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** "public": no credentials needed; default: credentials required. */
    auth?: "public";
    /** Permission the route needs (also enforced again in the service). */
    permission?: Permission;
  }
}

export {};
