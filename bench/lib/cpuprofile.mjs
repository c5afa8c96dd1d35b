// Reads a V8 .cpuprofile (written by `node --cpu-prof`) and says where the time went: the
// functions with the most self time, and the same time grouped by package, so a missed target
// comes with evidence rather than a guess.
import fs from "node:fs";
import path from "node:path";

// Pseudo-frames V8 uses for time not spent in JavaScript functions.
const IDLE = new Set(["(idle)"]);

function areaOf(url, functionName, root) {
  if (!url) return functionName.startsWith("(") ? functionName : "(native/V8)";
  if (url.startsWith("node:")) return "node: core";
  const file = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
  const nm = file.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const parts = file.slice(nm + "/node_modules/".length).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (file.startsWith(root)) return `opsdesk ${path.relative(root, file).split(path.sep).slice(0, 3).join("/")}`;
  return file;
}

function frameName(cf, root) {
  const fn = cf.functionName || "(anonymous)";
  if (!cf.url) return fn;
  const file = cf.url.startsWith("file://") ? decodeURIComponent(new URL(cf.url).pathname) : cf.url;
  const shown = file.includes("/node_modules/") ? file.slice(file.lastIndexOf("/node_modules/") + 14) : path.relative(root, file) || file;
  return `${fn}  ${shown}:${cf.lineNumber + 1}`;
}

/**
 * Self time per function and per package from a .cpuprofile, as shares of the time the process
 * was not idle, plus each package's inclusive share (samples with it anywhere on the stack).
 * `window` ({ fromUs, toUs } on the monotonic clock, as process.hrtime gives it in any process
 * on the machine) keeps only the samples taken inside it. `root` shortens OpsDesk paths.
 */
export function summarizeProfile(file, { root, top = 15, window = null } = {}) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const selfUs = new Map();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + delta);
  }
  const byFunction = new Map();
  const byArea = new Map();
  const inclusiveByArea = new Map();
  const add = (m, k, us) => m.set(k, (m.get(k) ?? 0) + us);
  let busyUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const cf = byId.get(id).callFrame;
    if (IDLE.has(cf.functionName)) {
      idleUs += us;
      continue;
    }
    busyUs += us;
    add(byFunction, frameName(cf, root), us);
    add(byArea, areaOf(cf.url, cf.functionName, root), us);
    const onStack = new Set();
    for (let n = id; n !== undefined; n = parentOf.get(n)) {
      const f = byId.get(n).callFrame;
      if (f.url) onStack.add(areaOf(f.url, f.functionName, root));
    }
    for (const area of onStack) add(inclusiveByArea, area, us);
  }
  const rank = (m, n = top) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / (busyUs || 1) }));
  return { file, window: Boolean(window), busyMs: busyUs / 1000, idleMs: idleUs / 1000, functions: rank(byFunction), areas: rank(byArea), inclusive: rank(inclusiveByArea, 10) };
}

/** The summary as printable lines. */
export function profileLines(summary) {
  const pct = (s) => `${(s * 100).toFixed(1).padStart(5)}%`;
  return [
    `server CPU profile: ${summary.file}`,
    `  busy ${(summary.busyMs / 1000).toFixed(1)} s, idle ${(summary.idleMs / 1000).toFixed(1)} s (${summary.window ? "measured window only" : "whole server life, start-up included"})`,
    "  self time by package/area (share of busy time):",
    ...summary.areas.map((a) => `    ${pct(a.share)}  ${a.name}`),
    "  inclusive: share of busy samples with the package anywhere on the stack (async continuations start a new stack):",
    ...summary.inclusive.map((a) => `    ${pct(a.share)}  ${a.name}`),
    "  top functions by self time:",
    ...summary.functions.map((f) => `    ${pct(f.share)}  ${f.name}`),
  ];
}
