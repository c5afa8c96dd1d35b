#!/usr/bin/env node
// Runs before `npm start`: builds the server and the web UI when their output is missing or
// older than the sources, so `npm install && npm start` works on a fresh clone.
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

function newest(dir, filter = () => true) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full, filter));
    else if (filter(full)) latest = Math.max(latest, fs.statSync(full).mtimeMs);
  }
  return latest;
}

function mtime(file) {
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
}

const webSrc = path.join(root, "src", "web");
const serverOut = mtime(path.join(root, "dist", "cli", "index.js"));
const serverSrc = newest(path.join(root, "src"), (f) => !f.startsWith(webSrc) && f.endsWith(".ts"));
if (serverOut < serverSrc) {
  console.log("opsdesk: building the server ...");
  execSync("npm run --silent build:server", { cwd: root, stdio: "inherit" });
}
const webOut = mtime(path.join(root, "dist", "web", "index.html"));
if (webOut < newest(webSrc)) {
  console.log("opsdesk: building the web UI ...");
  execSync("npm run --silent build:web", { cwd: root, stdio: "inherit" });
}
