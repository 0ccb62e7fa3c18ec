import assert from "node:assert/strict";
import { groupBy, replaceContents } from "./group_by.ts";

Deno.test("groupBy: groups in first-appearance order, items in input order", () => {
  const got = groupBy(["a1", "b1", "a2", "c1", "b2"], (s) => s[0]);
  assert.deepEqual([...got.entries()], [["a", ["a1", "a2"]], ["b", ["b1", "b2"]], ["c", ["c1"]]]);
  assert.equal(groupBy([], String).size, 0);
});

Deno.test("replaceContents: replaces in place, however many items", () => {
  const list = [1, 2, 3];
  replaceContents(list, [4]);
  assert.deepEqual(list, [4]);
  // Spread into one call, this many arguments overflow the stack.
  const many = Array.from({ length: 300_000 }, (_, i) => i);
  replaceContents(list, many);
  assert.equal(list.length, 300_000);
  assert.equal(list[299_999], 299_999);
});
