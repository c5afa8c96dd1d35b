/**
 * CSV import and export of CIs. Import streams the body through csv-parse, turns each row into
 * an identification input (csv.columns.ts) and reconciles batches of rows through the bulk
 * path (bulk.cis.ts), one transaction per batch: rows no rule can match are created with
 * multi-row inserts, the others are identified one by one in savepoints, so a bad row leaves
 * nothing behind and the batch goes on. Between batches other requests get the database, which
 * matters on SQLite's single connection. A dry run does the same work and rolls every batch back.
 */
import { Readable, pipeline } from "node:stream";
import { parse, CsvError, type Info } from "csv-parse";
import { stringify } from "csv-stringify";
import { sql } from "kysely";
import type { Ci, CsvExportQuery, CsvImportResult } from "../../../contract/index.js";
import { CreateCiBody as CreateCiSchema } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { AppError, ValidationError } from "../../platform/errors.js";
import { checkBody } from "../../platform/http/validation.js";
import { containsAny } from "../../platform/list.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { ClassCatalog, loadCatalog, requireClass } from "./classes.service.js";
import { flattenCi, hydrateCis, sameValue } from "./cis.records.js";
import type { Outcome } from "./cmdb.identify.js";
import { lockIdentification, lockKeys } from "./cmdb.locks.js";
import { reconcileCis, type CiBatchOutcome, type ReconcileItem } from "./bulk.cis.js";
import { bulkThreadFor } from "./bulk.thread.js";
import { describe, type ItemError } from "./bulk.write.js";
import { EXPORT_COLUMNS, fieldOf, IDENTIFIER_COLUMN, parseMatchKeys, resolveHeader, toRecord, type Column, type RowContext, type RowRecord } from "./csv.columns.js";

/** 100,000 rows are 10-20 MB; leave room for wide files. */
export const IMPORT_BODY_LIMIT = 200 * 1024 * 1024;
const BATCH_SIZE = 1_000;
const MAX_ERRORS = 1_000;
const MAX_CHANGES = 10_000;
const MAX_WARNINGS = 50;
const SOURCE_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;

export interface ImportProgress {
  rows: number;
  bytes: number;
  counts: CsvImportResult["counts"];
}

export interface ImportOptions {
  dryRun?: boolean;
  /** Class for rows without one. */
  defaultClass?: string;
  /** Data source the rows are recorded under (default `import`). */
  source?: string;
  /** Declared match keys, e.g. `serial_number,hostname+ip_addresses`. */
  match?: string;
  batchSize?: number;
  maxBytes?: number;
  /** Called after every batch. */
  onProgress?: (p: ImportProgress) => void;
}

interface Item {
  row: number;
  line: number;
  record: RowRecord;
}

const ROLLBACK = Symbol("rollback");

/** Imports CIs from CSV text (any async source of chunks: a request, a file stream). */
export async function importCisCsv(db: Db, actor: Actor, body: AsyncIterable<Buffer | string>, options: ImportOptions = {}): Promise<CsvImportResult> {
  requirePermission(actor, "cmdb.write");
  const source = options.source ?? "import";
  if (!SOURCE_PATTERN.test(source)) throw new ValidationError("request.invalid", "source must be a lower-case name such as import or snipeit", { field: "source" });
  const dryRun = options.dryRun ?? false;
  const base = await loadCatalog(db);
  if (options.defaultClass) requireClass(base, options.defaultClass, "class");
  const matchKeys = options.match ? parseMatchKeys(options.match) : null;
  const catalog = matchKeys ? await catalogMatchingOn(db, matchKeys) : base;
  const warnings = new Set<string>();
  const ctx: RowContext = {
    catalog,
    defaultClass: options.defaultClass ?? null,
    groups: await groupLookup(db),
    warn: (m) => void (warnings.size < MAX_WARNINGS && warnings.add(m)),
  };
  const result: CsvImportResult = {
    dryRun,
    source,
    matchKeys,
    columns: {},
    ignoredColumns: [],
    counts: { rows: 0, created: 0, updated: 0, unchanged: 0, errors: 0 },
    errors: [],
    ...(dryRun ? { changes: [] } : {}),
    truncated: false,
    warnings: [],
  };
  let columns: Column[] | null = null;
  let width = 0;
  const fieldHeaders = new Map<string, string>();
  const meter = { bytes: 0 };
  const addError = (row: number, line: number, err: ItemError) => {
    result.counts.errors++;
    if (result.errors.length >= MAX_ERRORS) return void (result.truncated = true);
    const field = err.field === undefined ? null : (fieldHeaders.get(err.field) ?? err.field);
    result.errors.push({ row, line, field, error: err.error, message: err.message });
  };
  const w: BatchContext = { db, actor, source, matchKeys, dryRun, result, addError };
  let batch: Item[] = [];
  let analysedAt = 0;
  // One batch is reconciled while the next one's rows are read and converted (on the bulk
  // thread the two run side by side); a batch starts only once the one before it has committed,
  // so rows still match rows of earlier batches.
  let running: Promise<void> | null = null;
  let runningRows = 0;
  const settle = async () => {
    if (running) {
      const done = running;
      running = null;
      await done;
      if (!dryRun && result.counts.created > Math.max(analysedAt * 4, 400)) {
        analysedAt = result.counts.created;
        await refreshStatistics(db);
      }
    }
    options.onProgress?.({ rows: result.counts.rows, bytes: meter.bytes, counts: { ...result.counts } });
  };
  const flush = async () => {
    await settle();
    if (batch.length) {
      running = runBatch(w, batch);
      runningRows = batch.length;
      // Its failure is taken when it is awaited (settle); until then it must not count as unhandled.
      running.catch(() => {});
    }
    batch = [];
  };
  try {
    for await (const { record: cells, info } of await openCsv(body, options.maxBytes ?? IMPORT_BODY_LIMIT, meter)) {
      if (!columns) {
        const header = resolveHeader(cells, catalog);
        columns = header.columns;
        width = cells.length;
        result.ignoredColumns = header.ignored;
        for (const c of columns) {
          result.columns[c.header] = fieldOf(c.target);
          fieldHeaders.set(fieldOf(c.target), c.header);
        }
        if (!columns.some((c) => c.target.kind === "name" || c.target.kind === "identifier")) {
          throw new ValidationError("cmdb.csv_no_columns", "The header names no name or identifier column OpsDesk knows (e.g. name, serial_number, hostname)", { field: "body", header: cells });
        }
        continue;
      }
      const row = ++result.counts.rows;
      const line = info.lines;
      if (cells.length > width && cells.slice(width).some((c) => c.trim())) {
        addError(row, line, { error: "cmdb.csv_extra_fields", message: `The row has ${cells.length} fields; the header has ${width}` });
        continue;
      }
      try {
        const record = toRecord(ctx, columns, cells);
        const problem = checkBody(CreateCiSchema, record.input);
        if (problem) throw new ValidationError("request.invalid", problem.message, { field: problem.field });
        batch.push({ row, line, record });
      } catch (err) {
        addError(row, line, describe(err));
      }
      if (batch.length >= (options.batchSize ?? BATCH_SIZE)) await flush();
    }
    await flush();
    if (running) await settle();
  } catch (err) {
    // A batch still running finishes (or fails) before the answer: nothing goes on behind it.
    const pending = running as Promise<void> | null;
    const lostRunning = pending ? await pending.then(() => false, () => true) : false;
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      // Rows read but never written: the batch being gathered, and a running one that failed.
      const unwritten = batch.length + (lostRunning ? runningRows : 0);
      throw new ValidationError("cmdb.csv_malformed", `The CSV is malformed${line ? ` at line ${line}` : ""}: ${err.message}`, { field: "body", line, ...result.counts, committedRows: dryRun ? 0 : result.counts.rows - unwritten });
    }
    throw err;
  }
  if (!columns) throw new ValidationError("cmdb.csv_empty", "The CSV is empty; the first line must be a header", { field: "body" });
  result.warnings = [...warnings];
  // Rows failing conversion are reported at once, rows failing reconciliation with their batch.
  result.errors.sort((a, b) => a.row - b.row);
  return result;
}

/**
 * Identification looks CIs up by identifier; without fresh statistics SQLite's planner walks
 * every CI of the class instead (a load of 100,000 rows would take quadratic time). So a large
 * load refreshes them as the table grows (each time created rows quadruple): a sampled ANALYZE
 * takes milliseconds. PostgreSQL gets the same refresh.
 */
async function refreshStatistics(db: Db): Promise<void> {
  if (isPostgres(db)) {
    await sql`analyze cis, ci_identifiers`.execute(db);
    return;
  }
  await sql`pragma analysis_limit = 1000`.execute(db);
  await sql`analyze cis`.execute(db);
  await sql`analyze ci_identifiers`.execute(db);
}

/** A catalog whose every class identifies CIs by the declared match keys instead of its own rules. */
async function catalogMatchingOn(db: Db, rules: string[][]): Promise<ClassCatalog> {
  const rows = await db.selectFrom("ci_classes").selectAll().execute();
  return new ClassCatalog(rows.map((r) => ({ ...r, identification: JSON.stringify(rules) })));
}

async function groupLookup(db: DbOrTrx): Promise<Map<string, string>> {
  const rows = await db.selectFrom("groups").select(["id", "name"]).execute();
  return new Map(rows.flatMap((g) => [[g.name.trim().toLowerCase(), g.id] as const, [g.id.toLowerCase(), g.id] as const]));
}

interface BatchContext {
  db: Db;
  actor: Actor;
  source: string;
  matchKeys: string[][] | null;
  dryRun: boolean;
  result: CsvImportResult;
  addError(row: number, line: number, err: ItemError): void;
}

/** What reconciling one batch of rows answers (reconcileCsvRecords). */
export interface CsvBatchOutcome {
  results: CiBatchOutcome["results"];
  /** Dry runs: per row that succeeded, its CI after the write and before it. */
  details: CiBatchOutcome["details"];
}

/**
 * One transaction over a batch, through the bulk path: rows that can match nothing are
 * created with multi-row inserts, the others are identified one by one, each in a savepoint
 * (a bad row leaves nothing behind and the batch goes on). A dry run rolls the batch back.
 * Identification uses the declared match keys when there are some. On an SQLite file it runs
 * on the bulk thread (bulk.thread.ts), called from there.
 */
export async function reconcileCsvRecords(db: Db, actor: Actor, source: string, matchKeys: string[][] | null, records: ReconcileItem[], dryRun: boolean): Promise<CsvBatchOutcome> {
  const catalog = matchKeys ? await catalogMatchingOn(db, matchKeys) : await loadCatalog(db);
  let outcome: CsvBatchOutcome | null = null;
  try {
    await db.transaction().execute(async (trx) => {
      // Before any read: see cmdb.locks.ts.
      await lockIdentification(trx, () => records.flatMap((r) => lockKeys(r)));
      const out = await reconcileCis(trx, actor, source, catalog, records, { locked: true, details: dryRun });
      outcome = { results: out.results, details: out.details };
      if (dryRun) throw ROLLBACK;
    });
  } catch (err) {
    if (err !== ROLLBACK) throw err;
  }
  return outcome!;
}

/** Reconciles a batch (on the bulk thread when there is one) and adds its outcome to the result. */
async function runBatch(w: BatchContext, items: Item[]): Promise<void> {
  const records = items.map(({ record }) => ({ ...record.input, knownId: record.id }));
  const thread = bulkThreadFor(w.db);
  const out = thread ? await thread.csvBatch(w.actor, w.source, w.matchKeys, records, w.dryRun) : await reconcileCsvRecords(w.db, w.actor, w.source, w.matchKeys, records, w.dryRun);
  for (const [i, r] of out.results.entries()) {
    const item = items[i];
    if (r.outcome === "error") {
      w.addError(item.row, item.line, r.error!);
      continue;
    }
    const outcome = r.outcome as Outcome;
    w.result.counts[outcome]++;
    if (w.dryRun && outcome !== "unchanged") recordChange(w.result, item.row, outcome, out.details[i]!);
  }
}

function recordChange(result: CsvImportResult, row: number, outcome: "created" | "updated", done: { ci: Ci; before: Ci | null }): void {
  const changes = result.changes!;
  if (changes.length >= MAX_CHANGES) return void (result.truncated = true);
  const before = done.before ? flattenCi(done.before) : {};
  const after = flattenCi(done.ci);
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  changes.push({
    row,
    outcome,
    ciId: done.before?.id ?? null,
    name: done.ci.name,
    class: done.ci.class,
    changes: fields.filter((f) => !sameValue(before[f], after[f])).map((f) => ({ field: f, old: before[f] ?? null, new: after[f] ?? null })),
  });
}

/** Picks the delimiter of the header line: comma, semicolon (GLPI, European Excel) or tab. */
function detectDelimiter(line: string): string {
  const counts: Record<string, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  const [best, count] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return count > 0 ? best : ",";
}

/** Streams records out of the body, counting bytes against the limit. */
async function openCsv(body: AsyncIterable<Buffer | string>, maxBytes: number, meter: { bytes: number }): Promise<AsyncIterable<{ record: string[]; info: Info }>> {
  const it = body[Symbol.asyncIterator]();
  const next = async (): Promise<Buffer | null> => {
    const n = await it.next();
    if (n.done) return null;
    const chunk = typeof n.value === "string" ? Buffer.from(n.value) : n.value;
    meter.bytes += chunk.length;
    if (meter.bytes > maxBytes) throw new AppError(413, "request.too_large", `The CSV is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; split it`, { field: "body" });
    return chunk;
  };
  const head: Buffer[] = [];
  let text = "";
  while (!text.includes("\n") && text.length < 1 << 20) {
    const chunk = await next();
    if (!chunk) break;
    head.push(chunk);
    text += chunk.toString("utf8");
  }
  const delimiter = detectDelimiter(text.replace(/^\uFEFF/, "").split(/\r?\n/)[0]);
  async function* chunks() {
    yield* head;
    for (let c = await next(); c; c = await next()) yield c;
  }
  const parser = parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, info: true });
  const input = Readable.from(chunks());
  input.on("error", (err) => parser.destroy(err));
  input.pipe(parser);
  return parser as AsyncIterable<{ record: string[]; info: Info }>;
}

// ---------- export ----------

const PAGE = 1_000;

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(";");
  return String(value);
}

/** Streams the CIs matching the filters as CSV, in the column set import reads. */
export async function exportCisCsv(db: Db, actor: Actor, query: CsvExportQuery = {}): Promise<Readable> {
  requirePermission(actor, "cmdb.read");
  const catalog = await loadCatalog(db);
  let classes: string[] | null = null;
  if (query.class) {
    requireClass(catalog, query.class);
    classes = catalog.descendants(query.class);
  }
  const attributes = [...new Set((classes ?? catalog.names()).flatMap((c) => catalog.attributes(c).map((a) => a.name)))];
  const groupNames = new Map((await db.selectFrom("groups").select(["id", "name"]).execute()).map((g) => [g.id, g.name]));
  const header = [...EXPORT_COLUMNS, ...attributes.map((a) => `attr.${a}`)];
  const toRow = (ci: Ci): string[] => [
    ci.id,
    ci.name,
    ci.class,
    ci.lifecycleStatus,
    ci.operationalStatus,
    cell(ci.environment),
    cell(ci.criticality),
    cell(ci.supportGroupId && groupNames.get(ci.supportGroupId)),
    cell(ci.ownerGroupId && groupNames.get(ci.ownerGroupId)),
    ...(Object.keys(IDENTIFIER_COLUMN) as Array<keyof Ci["identifiers"]>).map((k) => cell(ci.identifiers[k])),
    ...attributes.map((a) => cell(ci.attributes[a])),
  ];
  async function* rows() {
    // In the order of the CI list (names ignoring case), page after page along the name index (0022).
    let after: { key: string; id: string } | null = null;
    for (;;) {
      let q = filtered(db, query, classes).selectAll("c").select(sql<string>`lower(c.name)`.as("name_key")).orderBy(sql`lower(c.name)`).orderBy("c.id").limit(PAGE);
      if (after) {
        const { key, id } = after;
        q = q.where((eb) => eb.or([eb(sql`lower(c.name)`, ">", key), eb.and([eb(sql`lower(c.name)`, "=", key), eb("c.id", ">", id)])]));
      }
      const found = await q.execute();
      for (const ci of await hydrateCis(db, found)) yield toRow(ci);
      if (found.length < PAGE) return;
      after = { key: found[found.length - 1].name_key, id: found[found.length - 1].id };
    }
  }
  const out = stringify({ header: true, columns: header });
  // Errors travel to `out` (pipeline destroys it), where the consumer sees them.
  pipeline(Readable.from(rows()), out, () => {});
  return out;
}

function filtered(db: Db, query: CsvExportQuery, classes: string[] | null) {
  let q = db.selectFrom("cis as c");
  if (classes) q = q.where("c.class", "in", classes);
  if (query.q) {
    const text = query.q.trim();
    q = q.where((eb) =>
      eb.or([
        containsAny(["c.name"], text),
        eb("c.id", "in", eb.selectFrom("ci_identifiers").select("ci_id").where("value", "in", [text, text.toLowerCase()])),
      ]),
    );
  }
  if (query.lifecycleStatus) q = q.where("c.lifecycle_status", "=", query.lifecycleStatus);
  if (query.operationalStatus) q = q.where("c.operational_status", "=", query.operationalStatus);
  if (query.environment) q = q.where("c.environment", "=", query.environment);
  if (query.supportGroupId) q = q.where("c.support_group_id", "=", query.supportGroupId);
  if (query.ownerGroupId) q = q.where("c.owner_group_id", "=", query.ownerGroupId);
  return q;
}
