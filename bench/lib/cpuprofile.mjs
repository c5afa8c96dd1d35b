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
 * was not idle. `root` shortens OpsDesk paths.
 */
export function summarizeProfile(file, { root, top = 15 } = {}) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map();
  const byArea = new Map();
  let busyUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const cf = byId.get(id).callFrame;
    if (IDLE.has(cf.functionName)) {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const name = frameName(cf, root);
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const area = areaOf(cf.url, cf.functionName, root);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  }
  const rank = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / (busyUs || 1) }));
  return { file, busyMs: busyUs / 1000, idleMs: idleUs / 1000, functions: rank(byFunction), areas: rank(byArea) };
}

/** The summary as printable lines. */
export function profileLines(summary) {
  const pct = (s) => `${(s * 100).toFixed(1).padStart(5)}%`;
  return [
    `server CPU profile: ${summary.file}`,
    `  busy ${(summary.busyMs / 1000).toFixed(1)} s, idle ${(summary.idleMs / 1000).toFixed(1)} s (whole server life, start-up included)`,
    "  self time by package/area (share of busy time):",
    ...summary.areas.map((a) => `    ${pct(a.share)}  ${a.name}`),
    "  top functions by self time:",
    ...summary.functions.map((f) => `    ${pct(f.share)}  ${f.name}`),
  ];
}
