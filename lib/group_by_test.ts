import assert from "node:assert/strict";
import { groupBy } from "./group_by.ts";

Deno.test("groupBy: groups in first-appearance order, items in input order", () => {
  const got = groupBy(["a1", "b1", "a2", "c1", "b2"], (s) => s[0]);
  assert.deepEqual([...got.entries()], [["a", ["a1", "a2"]], ["b", ["b1", "b2"]], ["c", ["c1"]]]);
  assert.equal(groupBy([], String).size, 0);
});
