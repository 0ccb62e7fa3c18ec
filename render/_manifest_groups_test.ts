import assert from "node:assert/strict";
import type { DiscoveredEntry } from "../lib/analyze.ts";
import { groupByDirectory } from "./_manifest_groups.ts";

function entry(path: string, cell: string | null): DiscoveredEntry {
  return { path, kind: "other", size: 1, cell, parsed: false, issue: null };
}

Deno.test("groupByDirectory: one group per directory, sorted, with the cell most files share", () => {
  const groups = groupByDirectory([
    entry("b/x.json", "c1"),
    entry("top.md", null),
    entry("a/z.log", "c2"),
    entry("a/y.json", "c2"),
    entry("a/sub/q.txt", "c2"),
    entry("b/w.json", null),
    entry("b/v.json", "c1"),
    entry("c/t.json", null),
    entry("c/u.json", "c3"),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.dir, g.cell, g.files.map((f) => f.name)]),
    [
      ["", null, ["top.md"]],
      ["a", "c2", ["y.json", "z.log"]],
      ["a/sub", "c2", ["q.txt"]],
      ["b", "c1", ["v.json", "w.json", "x.json"]],
      // No cell holds more than half: each file names its own.
      ["c", undefined, ["t.json", "u.json"]],
    ],
  );
  assert.deepEqual(groupByDirectory([]), []);
});
