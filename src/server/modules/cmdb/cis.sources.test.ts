import { describe, expect, it } from "vitest";
import { readSources, singleSource, writeSources, type SourceEntry } from "./cis.sources.js";

describe("field sources stored with the CI", () => {
  const fields = { class: "server", name: "a", environment: null, "attributes.os": "linux", "identifiers.fqdn": "a.lan" };

  it("names one source for every held field of a CI written at once", () => {
    const stored = singleSource("import", "2026-01-01T00:00:00.000Z");
    const read = readSources(stored, fields);
    expect([...read.keys()].sort()).toEqual(["attributes.os", "class", "identifiers.fqdn", "name"]);
    expect(writeSources(read, fields)).toBe(stored);
  });

  it("round-trips any mix of sources, held fields without one, and emptied fields", () => {
    const sources = new Map<string, SourceEntry>([
      ["class", ["import", "t1"]],
      ["name", ["import", "t1"]],
      ["attributes.os", ["manual", "t2"]],
      ["environment", ["agent", "t3"]], // emptied since
    ]);
    const stored = writeSources(sources, fields);
    expect(JSON.parse(stored)).toEqual({ "*": ["import", "t1"], "attributes.os": ["manual", "t2"], "identifiers.fqdn": null, environment: ["agent", "t3"] });
    expect(readSources(stored, fields)).toEqual(sources);
    expect(readSources(writeSources(new Map(), fields), fields).size).toBe(0);
  });
});
