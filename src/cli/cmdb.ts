import fs from "node:fs";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import type { CsvImportResult } from "../contract/index.js";
import type { Db } from "../server/platform/db/schema.js";
import { CliError, withDatabase, withDatabaseOptions } from "./options.js";
import { Progress } from "./progress.js";

/** What the CMDB commands run on, loaded when one runs (so that --help and the other commands stay quick). */
export async function cmdbModules() {
  const [{ SYSTEM_ACTOR }, cmdb] = await Promise.all([import("../server/platform/auth/permissions.js"), import("../server/modules/cmdb/index.js")]);
  return { SYSTEM_ACTOR, cmdb };
}

/** Opens and prepares the database (migrated, the CMDB's default classes in place), runs `work`, and closes it. */
export async function withCmdb<T>(opts: { data?: string; databaseUrl?: string }, work: (db: Db) => Promise<T>): Promise<T> {
  const { cmdb } = await cmdbModules();
  return withDatabase(opts, async (db) => {
    await cmdb.ensureCmdbDefaults(db);
    return work(db);
  });
}

const MAX_PRINTED = 20;

function printSummary(result: CsvImportResult, seconds: number): void {
  const { counts } = result;
  const verb = result.dryRun ? "dry run (nothing written): would have" : "imported";
  console.log(`${verb} ${counts.rows} rows in ${seconds.toFixed(1)} s: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.errors} errors`);
  if (result.ignoredColumns.length) console.log(`ignored columns: ${result.ignoredColumns.join(", ")}`);
  for (const w of result.warnings) console.log(`warning: ${w}`);
  for (const change of (result.changes ?? []).slice(0, MAX_PRINTED)) {
    console.log(`row ${change.row}: would ${change.outcome === "created" ? "create" : "update"} ${change.class} "${change.name}"`);
    for (const c of change.changes) console.log(`    ${c.field}: ${JSON.stringify(c.old)} -> ${JSON.stringify(c.new)}`);
  }
  if ((result.changes?.length ?? 0) > MAX_PRINTED) console.log(`... and ${result.changes!.length - MAX_PRINTED} more changed rows`);
  for (const e of result.errors.slice(0, MAX_PRINTED)) console.log(`row ${e.row} (line ${e.line})${e.field ? ` ${e.field}` : ""}: ${e.message}`);
  if (counts.errors > MAX_PRINTED) console.log(`... and ${counts.errors - MAX_PRINTED} more errors`);
}

/** `opsdesk cmdb import|export`: CSV in and out of the CMDB, directly on the database. */
export function cmdbCommand(program: Command): void {
  const cmdb = program.command("cmdb").description("configuration management database: CSV import and export");
  withDatabaseOptions(
    cmdb
      .command("import")
      .description("import CIs from a CSV file (OpsDesk, Snipe-IT or GLPI columns); matches existing CIs, never duplicates them")
      .argument("<file>", "CSV file (use - for stdin)")
      .option("--dry-run", "show what would be created and changed; write nothing")
      .option("--class <class>", "class for rows without a class column or value, e.g. linux_server")
      .option("--source <source>", "data source recorded for the values (default import)")
      .option("--match <keys>", "declared match keys, e.g. serial_number,hostname+ip_addresses (default: each class's identification rules)")
      .option("--json", "print the full result as JSON instead of a summary"),
  ).action(async (file: string, opts) => {
    const total = file === "-" ? undefined : statSize(file);
    const input = file === "-" ? process.stdin : fs.createReadStream(file);
    const progress = new Progress({ label: opts.dryRun ? "checking" : "importing", total });
    const started = Date.now();
    const { SYSTEM_ACTOR, cmdb: modules } = await cmdbModules();
    const result = await withCmdb(opts, (db) =>
      modules.importCisCsv(db, SYSTEM_ACTOR, input, {
        dryRun: Boolean(opts.dryRun),
        defaultClass: opts.class,
        source: opts.source,
        match: opts.match,
        onProgress: (p) => progress.update(p.rows, p.bytes, p.counts.errors ? `${p.counts.errors} errors` : ""),
      }),
    );
    progress.finish(result.counts.errors ? `${result.counts.errors} errors` : "");
    if (opts.json) console.log(JSON.stringify(result, null, 2));
    else printSummary(result, (Date.now() - started) / 1000);
    if (result.counts.errors) throw new CliError(`${result.counts.errors} of ${result.counts.rows} rows were not imported`);
  });

  withDatabaseOptions(
    cmdb
      .command("export")
      .description("export CIs as CSV in the columns import reads")
      .option("--class <class>", "only this class and its subclasses")
      .option("--environment <environment>", "only CIs in this environment")
      .option("--out <file>", "write to a file instead of stdout"),
  ).action(async (opts) => {
    const { SYSTEM_ACTOR, cmdb: modules } = await cmdbModules();
    await withCmdb(opts, async (db) => {
      const csv = await modules.exportCisCsv(db, SYSTEM_ACTOR, { class: opts.class, environment: opts.environment });
      let rows = -1;
      const progress = opts.out ? new Progress({ label: "exporting" }) : null;
      csv.on("data", (chunk: Buffer) => {
        for (const b of chunk) if (b === 10) rows++;
        progress?.update(rows);
      });
      await pipeline(csv, opts.out ? fs.createWriteStream(opts.out) : process.stdout);
      progress?.finish(`to ${opts.out}`);
    });
  });
}

function statSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
}
