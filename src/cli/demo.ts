import type { Command } from "commander";
import { SYSTEM_ACTOR } from "../server/platform/auth/permissions.js";
import type { Db } from "../server/platform/db/schema.js";
import { cmdbIsEmpty, DEMO_USERS, loadDemoData, type DemoSummary } from "../server/modules/cmdb/index.js";
import { withCmdb } from "./cmdb.js";
import { withDatabaseOptions } from "./options.js";

/** Prints what a demo load did. */
export function describeDemo(summary: DemoSummary): string[] {
  const { cis, relationships } = summary;
  const lines = [
    `demo data: ${cis.created} CIs created, ${cis.updated} updated, ${cis.unchanged} unchanged; ${relationships.created} relationships created, ${relationships.unchanged} unchanged`,
  ];
  if (summary.groupsCreated.length) lines.push(`groups created: ${summary.groupsCreated.join(", ")}`);
  for (const email of summary.usersCreated) {
    const u = DEMO_USERS.find((d) => d.email === email)!;
    lines.push(`user created: ${u.email} (${u.role}), password ${u.password}`);
  }
  return lines;
}

/** Loads the demo company when the CMDB is empty (for `serve --demo`); null when it was not. */
export async function loadDemoIfEmpty(db: Db): Promise<DemoSummary | null> {
  if (!(await cmdbIsEmpty(db))) return null;
  return loadDemoData(db, SYSTEM_ACTOR);
}

/** `opsdesk demo`: loads the demo company (idempotent: running it again changes nothing). */
export function demoCommand(program: Command): void {
  withDatabaseOptions(
    program.command("demo").description("load demo data: a small company with three business services, ~200 CIs, groups and demo users"),
  ).action(async (opts) => {
    const summary = await withCmdb(opts, (db) => loadDemoData(db, SYSTEM_ACTOR));
    for (const line of describeDemo(summary)) console.log(line);
  });
}
