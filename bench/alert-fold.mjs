// Alert fold, in process: CPU per alert of folding the alert log into `alerts` (SQLite), the fold thread's work without HTTP.
import { machineLines } from "./lib/machine.mjs";
import { parseOptions, print, reportFailure, UsageError } from "./lib/report.mjs";
import { codeVersion, ensureBuild, serverModule, withInProcessDb } from "./lib/server.mjs";
import { syntheticAlerts } from "./lib/alerts.mjs";

const USAGE = `usage: npm run bench -- alert-fold [options]
  --distinct N   distinct alerts (fingerprints) per phase (default 10000)
  --dup R        share of alerts that repeat a fingerprint (default 0.5)
  --record N     alerts per journal record, i.e. per group commit (default 200: batches of 100
                 from 4 clients; 4 is about what batches of 1 from 8 clients give)
  --phases N     measured phases, each with alerts on hosts of its own (default 5)
  --no-build     use the existing dist/ instead of running npm run build:server
The alerts are those of bench alert-ingest (each distinct alert on a host of its own, 50%
duplicates, shuffled), normalised by the Alertmanager receiver's own code, appended to an alert
log and folded as the fold thread folds them (batches of up to 2,000 alerts, repeats counted
and added to their rows). It prints the fold's CPU per alert for each phase: the figure the
batches-of-100 ingest rate depends on, without the machine's HTTP and load generator.`;

function options() {
  const v = parseOptions(
    {
      distinct: { type: "string", default: "10000" },
      dup: { type: "string", default: "0.5" },
      record: { type: "string", default: "200" },
      phases: { type: "string", default: "5" },
      "no-build": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  const o = { distinct: Number(v.distinct), dup: Number(v.dup), record: Number(v.record), phases: Number(v.phases), build: !v["no-build"] };
  if (!Number.isInteger(o.distinct) || o.distinct < 1) throw new UsageError(`--distinct must be a positive whole number\n${USAGE}`);
  if (!(o.dup >= 0 && o.dup < 1)) throw new UsageError(`--dup must be at least 0 and under 1\n${USAGE}`);
  if (!Number.isInteger(o.record) || o.record < 1) throw new UsageError(`--record must be a positive whole number\n${USAGE}`);
  if (!Number.isInteger(o.phases) || o.phases < 1) throw new UsageError(`--phases must be a positive whole number\n${USAGE}`);
  return o;
}

async function main() {
  const opts = options();
  print([...machineLines(), `code:    ${codeVersion()}`]);
  ensureBuild({ build: opts.build });
  const { SYSTEM_ACTOR } = await serverModule("platform/auth/permissions.js");
  const { bulkReconcile } = await serverModule("modules/cmdb/bulk.service.js");
  const { AlertLog, alertLogDirFor } = await serverModule("modules/events/events.alert-log.js");
  const { foldJournalFile } = await serverModule("modules/events/events.journal.js");
  const { fromPostable } = await serverModule("modules/events/am.receiver.js");
  const { getEventSettings } = await serverModule("modules/events/events.settings.js");
  const { Binder } = await serverModule("modules/events/events.binding.js");
  const { Suppressor } = await serverModule("modules/events/events.suppression.js");
  const { parseMatchers } = await serverModule("modules/events/events.matchers.js");
  const { DuplicateCounters, PERSIST_AT, persistRepeats } = await serverModule("modules/events/events.counters.js");

  await withInProcessDb("opsdesk-alert-fold", async ({ db, file }) => {
    let log = null;
    try {
      // As alert-ingest seeds its probe CIs: the CMDB identifies hosts by hostname and FQDN.
      const cis = Array.from({ length: 40 }, (_, i) => ({ class: "linux_server", name: `probe-${i}`, criticality: "high", identifiers: { hostname: `probe-${i}`, fqdn: `probe-${i}.bench.example` } }));
      await bulkReconcile(db, SYSTEM_ACTOR, { source: "bench", cis });
      log = AlertLog.open(alertLogDirFor(file), 0);
      const settings = await getEventSettings(db);
      const deps = { binder: new Binder(), suppressor: new Suppressor(), settings, groupRules: settings.groupByRules.map((r) => parseMatchers(r.matchers)) };
      const repeats = new DuplicateCounters();
      // The appends' own cost (the request thread's write per group commit), apart from building the records.
      const appended = { records: 0, us: 0 };
      const append = (alerts) => {
        const now = Date.now();
        const incoming = alerts.map((a, i) => fromPostable(a, i, now, settings.resolveTimeoutSeconds * 1000));
        const records = [];
        for (let i = 0; i < incoming.length; i += opts.record) {
          const part = incoming.slice(i, i + opts.record);
          records.push([part.length, JSON.stringify(part)]);
        }
        // Wall time of a synchronous loop on this thread: the process's CPU would count V8's helpers
        // and the checkpointer working at the same time.
        const t = performance.now();
        for (const [n, json] of records) log.append(n, json);
        appended.records += records.length;
        appended.us += (performance.now() - t) * 1000;
      };
      const foldAll = async () => {
        let n = 0;
        let folds = 0;
        for (;;) {
          await deps.suppressor.ensure(db);
          const r = await foldJournalFile(db, log, deps);
          if (!r.alerts) break;
          n += r.alerts;
          folds++;
          repeats.add(r.repeats);
          if (repeats.size >= PERSIST_AT) {
            const taken = repeats.take();
            await db.transaction().execute((trx) => persistRepeats(trx, taken));
          }
        }
        const taken = repeats.take();
        if (taken.length) await db.transaction().execute((trx) => persistRepeats(trx, taken));
        return { n, folds };
      };
      // Warm-up: hosts of their own, as alert-ingest's warm-up.
      append(syntheticAlerts({ distinct: 5000, dup: opts.dup, tag: "w", first: 1_000_000, seed: 1 }));
      await foldAll();
      const lines = [`folding ${opts.phases} phases of ${opts.distinct.toLocaleString("en")} distinct alerts (${opts.dup * 100}% duplicates), records of ${opts.record} alerts:`];
      const perAlert = [];
      for (let p = 0; p < opts.phases; p++) {
        append(syntheticAlerts({ distinct: opts.distinct, dup: opts.dup, tag: `p${p}`, first: (p + 1) * 2_000_000, seed: p + 2 }));
        const cpu = process.cpuUsage();
        const t = performance.now();
        const { n, folds } = await foldAll();
        const used = process.cpuUsage(cpu);
        const us = (used.user + used.system) / n;
        perAlert.push(us);
        lines.push(`  phase ${p + 1}: ${n.toLocaleString("en")} alerts in ${folds} folds, ${Math.round(n / ((performance.now() - t) / 1000)).toLocaleString("en")} alerts/s, ${us.toFixed(1)} µs CPU per alert (user ${(used.user / n).toFixed(1)}, system ${(used.system / n).toFixed(1)})`);
      }
      const sorted = [...perAlert].sort((a, b) => a - b);
      lines.push(`  median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} µs CPU per alert (the process's threads: the fold, V8's helpers, the checkpointer)`);
      lines.push(`appending: ${appended.records.toLocaleString("en")} records of ${opts.record} alerts, ${(appended.us / appended.records).toFixed(1)} µs per record (wall time of the appending thread: the request thread's write per group commit)`);
      print(lines);
    } finally {
      log?.close();
    }
  });
}

main().catch((err) => reportFailure("alert-fold", err));
