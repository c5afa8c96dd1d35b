import type { Command } from "commander";
import { CliError, withDatabase, withDatabaseOptions } from "./options.js";

/** Parses --expires: an ISO date/time or a duration such as 30d, 12h, 90m. */
export function parseExpiry(value: string | undefined, now = Date.now()): string | undefined {
  if (!value) return undefined;
  const m = /^(\d+)\s*([dhm])$/.exec(value.trim());
  if (m) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as "d" | "h" | "m"];
    return new Date(now + Number(m[1]) * unit).toISOString();
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new CliError(`--expires: "${value}" is neither a date nor a duration like 30d`);
  return new Date(t).toISOString();
}

/** `opsdesk token create`: makes an API token for a user and prints it once. */
export function tokenCommand(program: Command): void {
  const token = program.command("token").description("manage API tokens");
  withDatabaseOptions(
    token
      .command("create")
      .description("create an API token for a user; the secret is printed once")
      .requiredOption("--user <email>", "owner of the token")
      .option("--name <name>", "what the token is for", "cli")
      .option("--expires <when>", "expiry: ISO date/time or a duration (30d, 12h); default never"),
  ).action(async (opts) => {
    const expiresAt = parseExpiry(opts.expires);
    const [{ SYSTEM_ACTOR }, { findUserByEmail }, { createToken }] = await Promise.all([
      import("../server/platform/auth/permissions.js"),
      import("../server/modules/users/users.service.js"),
      import("../server/modules/users/tokens.service.js"),
    ]);
    await withDatabase(opts, async (db) => {
      const user = await findUserByEmail(db, opts.user);
      if (!user) throw new CliError(`no user with email ${opts.user}`);
      const { secret, token: created } = await createToken(db, SYSTEM_ACTOR, { name: opts.name, userId: user.id, ...(expiresAt ? { expiresAt } : {}) });
      console.error(`token "${created.name}" for ${user.email} (id ${created.id}); store it now, it is not shown again:`);
      console.log(secret);
    });
  });
}
