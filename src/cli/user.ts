import type { Command } from "commander";
import { configFrom, withDatabaseOptions } from "./options.js";
import { promptSecret } from "./prompt.js";

/** `opsdesk user create`: adds a user from the command line (prompts for the password). */
export function userCommand(program: Command): void {
  const user = program.command("user").description("manage users");
  withDatabaseOptions(
    user
      .command("create")
      .description("create a user; prompts for the password when --password is not given")
      .requiredOption("--email <email>", "email address (used to sign in)")
      .requiredOption("--name <name>", "display name")
      .requiredOption("--role <role>", "admin, agent, requester or viewer")
      .option("--password <password>", "password (avoid on shared machines: it stays in shell history)")
      .option("--no-password-prompt", "create the user without a password (token or SSO only)"),
  ).action(async (opts) => {
    let password: string | undefined = opts.password;
    if (password === undefined && opts.passwordPrompt !== false) {
      password = await promptSecret("Password: ");
      if (process.stdin.isTTY && (await promptSecret("Repeat password: ")) !== password) {
        throw new CliError("passwords do not match");
      }
    }
    const [{ CreateUserBody }, { checkBody }, { openConfiguredDb }, { migrateToLatest }, { SYSTEM_ACTOR }, { createUser }, { AppError }] = await Promise.all([
      import("../contract/index.js"),
      import("../server/platform/http/validation.js"),
      import("../server/platform/db/db.js"),
      import("../server/platform/db/migrate.js"),
      import("../server/platform/auth/permissions.js"),
      import("../server/modules/users/users.service.js"),
      import("../server/platform/errors.js"),
    ]);
    const input = { email: opts.email, name: opts.name, role: opts.role, ...(password ? { password } : {}) };
    const problem = checkBody(CreateUserBody, input);
    if (problem) throw new CliError(`invalid ${problem.field}: ${problem.message}`);
    const db = openConfiguredDb(configFrom({ data: opts.data, databaseUrl: opts.databaseUrl }));
    try {
      await migrateToLatest(db);
      const created = await createUser(db, SYSTEM_ACTOR, input);
      console.log(`created ${created.role} ${created.email} (id ${created.id})`);
    } catch (err) {
      if (err instanceof AppError) throw new CliError(err.message);
      throw err;
    } finally {
      await db.destroy();
    }
  });
}

/** An error the CLI prints as one line and exits with status 1. */
export class CliError extends Error {}
