// Describes the machine a benchmark ran on and what its CPUs were doing, so that a figure is
// never quoted without the hardware and the competition it had.
import fs from "node:fs";
import os from "node:os";

/** CPU model, logical cores, RAM, OS, Node version and the current date. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() || "unknown CPU",
    cores: cpus.length,
    ramGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    loadAvg: os.loadavg(),
  };
}

/** The machine as the header lines every benchmark prints. */
export function machineLines(m = machine()) {
  return [
    `machine: ${m.cpu}, ${m.cores} logical cores, ${m.ramGiB.toFixed(1)} GiB RAM, ${m.os}`,
    `node:    ${m.node}`,
    `date:    ${m.date}`,
    `load:    ${m.loadAvg.map((l) => l.toFixed(2)).join(" ")} (1/5/15 min averages before the run)`,
  ];
}

// Linux reports CPU time in clock ticks; 100 per second on every mainstream kernel build.
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; null where /proc is unavailable. */
export function processCpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces, so count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU seconds one thread of a process has used so far (the main thread's id is the pid); null where unavailable. */
export function threadCpuSeconds(pid, tid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU seconds of every thread of a process so far, by thread id, with the thread's name; empty where /proc is unavailable. */
export function threadsCpuSeconds(pid) {
  const out = new Map();
  let tids = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    const secs = threadCpuSeconds(pid, tid);
    if (secs === null) continue;
    let name = "?";
    try {
      name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
    } catch {
      // gone meanwhile
    }
    out.set(tid, { name, secs });
  }
  return out;
}

/** Per-thread CPU between two threadsCpuSeconds() readings, per unit of work (µs each), largest first, as "name tid: N µs". */
export function threadsCpuLines(before, after, units, { pid = null, min = 1 } = {}) {
  const rows = [];
  for (const [tid, a] of after) {
    const us = ((a.secs - (before.get(tid)?.secs ?? 0)) * 1e6) / units;
    if (us >= min) rows.push({ label: `${String(tid) === String(pid) ? "main" : a.name}`, us });
  }
  rows.sort((x, y) => y.us - x.us);
  return rows.map((r) => `${r.label} ${r.us.toFixed(0)}`).join(", ");
}

/** Busy CPU seconds of the whole machine so far (all cores); null where /proc is unavailable. */
export function machineBusySeconds() {
  try {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0];
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    void idle;
    void iowait;
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by every process named `name` (e.g. all PostgreSQL backends), keyed by
 * pid so a caller can subtract two readings even when backends come and go.
 */
export function cpuSecondsByName(name) {
  const out = new Map();
  let pids;
  try {
    pids = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const pid of pids) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== name) continue;
    } catch {
      continue; // the process ended while we looked
    }
    const s = processCpuSeconds(pid);
    if (s !== null) out.set(pid, s);
  }
  return out;
}

/** CPU seconds the processes of `end` used since `start` (both from cpuSecondsByName). */
export function cpuSecondsBetween(start, end) {
  if (!start || !end) return null;
  let total = 0;
  for (const [pid, s] of end) total += s - (start.get(pid) ?? 0);
  return total;
}

/** A resident-set figure from /proc/<pid>/status (VmRSS, VmHWM) in MB (10^6 bytes); null when unavailable. */
export function residentMB(pid, field = "VmRSS") {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    // The kernel's "kB" are KiB.
    return m ? (Number(m[1]) * 1024) / 1e6 : null;
  } catch {
    return null;
  }
}

/**
 * Waits until processes other than this one keep fewer than `maxCores` cores busy for
 * `quietSamples` one-second samples in a row, for at most `maxWaitMs`: on a shared machine
 * someone's test run would otherwise land in the measurement. Work there comes in bursts with
 * short pauses, hence several samples. Resolves with what it saw; `quiet` is false if it gave up.
 */
export async function waitForQuiet({ maxCores = 0.15, maxWaitMs = 120_000, sampleMs = 1000, quietSamples = 3 } = {}) {
  const started = performance.now();
  let streak = 0;
  for (;;) {
    const busy0 = machineBusySeconds();
    const own0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, sampleMs));
    if (busy0 === null) return { quiet: true, otherCores: null, waitedMs: 0 };
    const own = process.cpuUsage(own0);
    const otherCores = (machineBusySeconds() - busy0 - (own.user + own.system) / 1e6) / (sampleMs / 1000);
    const waitedMs = performance.now() - started;
    streak = otherCores < maxCores ? streak + 1 : 0;
    if (streak >= quietSamples) return { quiet: true, otherCores, waitedMs };
    if (waitedMs >= maxWaitMs) return { quiet: false, otherCores, waitedMs };
  }
}

/** One line about waiting for a quiet machine, or nothing when no wait was needed. */
export function quietLines(q) {
  if (!q.quiet) return [`WARNING: the machine stayed busy (${q.otherCores.toFixed(2)} cores used by other processes) for ${Math.round(q.waitedMs / 1000)} s; measuring anyway`];
  return q.waitedMs > 4000 ? [`(waited ${Math.round(q.waitedMs / 1000)} s for other processes on the machine to go quiet)`] : [];
}
