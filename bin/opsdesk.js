#!/usr/bin/env node
// Runs the compiled CLI; falls back to the TypeScript sources (via tsx) in a dev checkout.
import { existsSync } from "node:fs";

const compiled = new URL("../dist/cli/index.js", import.meta.url);
let mod;
if (existsSync(compiled)) {
  mod = await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  mod = await import(new URL("../src/cli/index.ts", import.meta.url).href);
}
const code = await mod.main(process.argv.slice(2));
if (code !== 0 || !process.argv.slice(2).includes("serve")) process.exitCode = code;
