#!/usr/bin/env node
// `npm run bench -- <name> [args]` runs bench/<name>.mjs; without a name it lists the benchmarks.
// Each benchmark runs in its own Node process so one cannot warm up or slow down another.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = fileURLToPath(new URL("../bench/", import.meta.url));

/** Benchmarks are the .mjs files directly in bench/; the first line comment describes each. */
function benchmarks() {
  return fs
    .readdirSync(benchDir)
    .filter((f) => f.endsWith(".mjs"))
    .sort()
    .map((f) => {
      const first = fs.readFileSync(path.join(benchDir, f), "utf8").split("\n")[0];
      return { name: f.slice(0, -".mjs".length), about: first.startsWith("//") ? first.slice(2).trim() : "" };
    });
}

function list(out) {
  out.write("usage: npm run bench -- <name> [options]   (npm run bench -- <name> --help for its options)\n\nbenchmarks:\n");
  for (const b of benchmarks()) out.write(`  ${b.name.padEnd(10)} ${b.about}\n`);
  out.write("\nlatest results: bench/RESULTS.md\n");
}

const [name, ...args] = process.argv.slice(2);
if (!name || name === "--help" || name === "-h") {
  list(process.stdout);
} else if (!benchmarks().some((b) => b.name === name)) {
  process.stderr.write(`no benchmark "${name}"\n\n`);
  list(process.stderr);
  process.exitCode = 2;
} else {
  const child = spawn(process.execPath, [path.join(benchDir, `${name}.mjs`), ...args], { stdio: "inherit" });
  // Ctrl-C reaches the child through the terminal's process group; wait for it to clean up.
  process.on("SIGINT", () => {});
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}
