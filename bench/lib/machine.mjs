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

/** A resident-set figure from /proc/<pid>/status (VmRSS, VmHWM) in MB; null when unavailable. */
export function residentMB(pid, field = "VmRSS") {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}
