#!/usr/bin/env node
/** The `opsdesk` command line. */
import { Command, CommanderError } from "commander";
import { serveCommand } from "./serve.js";
import { migrateCommand } from "./migrate.js";
import { userCommand } from "./user.js";
import { CliError } from "./options.js";
import { tokenCommand } from "./token.js";
import { cmdbCommand } from "./cmdb.js";
import { demoCommand } from "./demo.js";

/** Builds the command tree (exported for tests). */
export function buildProgram(): Command {
  const program = new Command("opsdesk")
    .description("OpsDesk: IT service management and IT operations in one product")
    .showHelpAfterError()
    .exitOverride();
  serveCommand(program);
  migrateCommand(program);
  userCommand(program);
  tokenCommand(program);
  cmdbCommand(program);
  demoCommand(program);
  return program;
}

/** Runs the CLI with the given arguments; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof CliError) {
      console.error(`opsdesk: ${err.message}`);
      return 1;
    }
    console.error(`opsdesk: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

const isEntry = Boolean(process.argv[1] && /cli[/\\]index\.(ts|js)$/.test(process.argv[1]));
if (isEntry) {
  main(process.argv.slice(2)).then((code) => {
    // serve keeps running; every other command exits with its code.
    if (code !== 0 || !process.argv.slice(2).includes("serve")) process.exitCode = code;
  });
}
