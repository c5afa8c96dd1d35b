import type { Command } from "commander";
import { CliError, withDatabase, withDatabaseOptions } from "./options.js";
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
    const [{ CreateUserBody }, { checkBody }, { SYSTEM_ACTOR }, { createUser }] = await Promise.all([
      import("../contract/index.js"),
      import("../server/platform/http/validation.js"),
      import("../server/platform/auth/permissions.js"),
      import("../server/modules/users/users.service.js"),
    ]);
    const input = { email: opts.email, name: opts.name, role: opts.role, ...(password ? { password } : {}) };
    const problem = checkBody(CreateUserBody, input);
    if (problem) throw new CliError(`invalid ${problem.field}: ${problem.message}`);
    const created = await withDatabase(opts, (db) => createUser(db, SYSTEM_ACTOR, input));
    console.log(`created ${created.role} ${created.email} (id ${created.id})`);
  });
}

