import type { Command } from "commander";
import type { Db } from "../server/platform/db/schema.js";
import type { DemoSummary } from "../server/modules/cmdb/index.js";
import { cmdbModules, withCmdb } from "./cmdb.js";
import { withDatabaseOptions } from "./options.js";

/** The demo's own modules, loaded when it runs (the incident kind registers itself when its module loads; the demo opens incidents). */
async function demoModules() {
  const [base, , { loadTicketDemo }] = await Promise.all([cmdbModules(), import("../server/modules/incidents/index.js"), import("../server/modules/tickets/tickets.demo.js")]);
  return { ...base, loadTicketDemo };
}

/** Prints what a demo load did. */
export async function describeDemo(summary: DemoSummary): Promise<string[]> {
  const { DEMO_USERS } = (await cmdbModules()).cmdb;
  const { cis, relationships } = summary;
  const lines = [
    `demo data: ${cis.created} CIs created, ${cis.updated} updated, ${cis.unchanged} unchanged; ${relationships.created} relationships created, ${relationships.unchanged} unchanged`,
  ];
  if ("tickets" in summary && summary.tickets) lines.push(`demo tickets: ${summary.tickets} incidents and requests created`);
  if (summary.groupsCreated.length) lines.push(`groups created: ${summary.groupsCreated.join(", ")}`);
  for (const email of summary.usersCreated) {
    const u = DEMO_USERS.find((d) => d.email === email)!;
    lines.push(`user created: ${u.email} (${u.role}), password ${u.password}`);
  }
  return lines;
}

/** Loads the demo company when the CMDB is empty (for `serve --demo`); null when it was not. */
export async function loadDemoIfEmpty(db: Db): Promise<DemoSummary | null> {
  const { cmdb, SYSTEM_ACTOR } = await demoModules();
  if (!(await cmdb.cmdbIsEmpty(db))) return null;
  return withTickets(db, await cmdb.loadDemoData(db, SYSTEM_ACTOR));
}

/** Adds the demo service desk (incidents and requests on the demo CIs) when there are no tickets yet. */
async function withTickets(db: Db, summary: DemoSummary): Promise<DemoSummary & { tickets: number }> {
  const { loadTicketDemo, SYSTEM_ACTOR } = await demoModules();
  return { ...summary, tickets: await loadTicketDemo(db, SYSTEM_ACTOR) };
}

/** `opsdesk demo`: loads the demo company (idempotent: running it again changes nothing). */
export function demoCommand(program: Command): void {
  withDatabaseOptions(
    program.command("demo").description("load demo data: a small company with three business services, ~200 CIs, groups and demo users"),
  ).action(async (opts) => {
    const { cmdb, SYSTEM_ACTOR } = await demoModules();
    const summary = await withCmdb(opts, async (db) => withTickets(db, await cmdb.loadDemoData(db, SYSTEM_ACTOR)));
    for (const line of await describeDemo(summary)) console.log(line);
  });
}
