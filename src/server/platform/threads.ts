/**
 * Starting a worker thread on one of this project's modules. From the compiled dist/ the entry
 * is a .js file; from the TypeScript sources (tests, `npm run dev`) the thread loads tsx first,
 * as the main thread did, and then the .ts entry.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker, type ResourceLimits } from "node:worker_threads";

const BOOT = `
const { workerData } = require("node:worker_threads");
(workerData.tsx ? import(workerData.tsx).then((t) => t.register()) : Promise.resolve())
  .then(() => import(workerData.entry))
  .catch((err) => { setImmediate(() => { throw err; }); });
`;

/** tsx's ESM API (sources only): package exports give require() the CommonJS build, which cannot register ESM hooks. */
function tsxApi(): string {
  const pkg = createRequire(import.meta.url).resolve("tsx/package.json");
  const exports = (JSON.parse(fs.readFileSync(pkg, "utf8")) as { exports: Record<string, { import: { default: string } }> }).exports;
  return pathToFileURL(path.join(path.dirname(pkg), exports["./esm/api"].import.default)).href;
}

/**
 * The URL of the module `name` (without extension) beside `from` (the caller's import.meta.url):
 * its .ts file when the caller runs from sources, its .js file from dist/.
 */
export function siblingModule(from: string, name: string): URL {
  return new URL(`./${name}${from.endsWith(".ts") ? ".ts" : ".js"}`, from);
}

/** A worker thread running `entry` (siblingModule), with `data` beside the boot fields in its workerData. */
export function startModuleWorker(entry: URL, data: object, resourceLimits?: ResourceLimits): Worker {
  const tsx = entry.pathname.endsWith(".ts") ? tsxApi() : null;
  return new Worker(BOOT, { eval: true, workerData: { ...data, entry: entry.href, tsx }, ...(resourceLimits ? { resourceLimits } : {}) });
}
