import fs from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../", import.meta.url);
const startScript = (JSON.parse(fs.readFileSync(new URL("package.json", root), "utf8")) as { scripts: Record<string, string> }).scripts.start;
const shebang = fs.readFileSync(new URL("bin/opsdesk.js", root), "utf8").split("\n")[0];

describe("the Node options the server starts with", () => {
  it("are the same for npm start, the opsdesk command (its shebang) and the benchmarks", async () => {
    const fromStart = /^node((?:\s+--\S+)*)\s+bin\/opsdesk\.js serve$/.exec(startScript)?.[1].trim().split(/\s+/);
    const fromShebang = /^#!\/usr\/bin\/env -S node((?:\s+--\S+)*)$/.exec(shebang)?.[1].trim().split(/\s+/);
    // A young generation of 32 MB per semi-space: the CMDB's bulk requests (1,000 CIs, ~10 MB of
    // objects each) no longer promote half-built batches to the old generation (bench/RESULTS.md, session 17).
    expect(fromStart).toEqual(["--max-semi-space-size=32"]);
    expect(fromShebang).toEqual(fromStart);
    // @ts-expect-error: a plain .mjs module of the benchmarks
    const { START_NODE_OPTIONS } = (await import("../bench/lib/server.mjs")) as { START_NODE_OPTIONS: string[] };
    expect(START_NODE_OPTIONS).toEqual(fromStart);
  });
});
