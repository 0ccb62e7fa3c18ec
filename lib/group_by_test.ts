import assert from "node:assert/strict";
import { addCount, groupBy, replaceContents, setOwn, withSortedKeys } from "./group_by.ts";

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

Deno.test("addCount and setOwn: keys named like Object.prototype members are own properties", () => {
  const counts: Record<string, number> = {};
  for (const k of ["constructor", "toString", "__proto__", "constructor", "hasOwnProperty"]) {
    addCount(counts, k);
  }
  addCount(counts, "__proto__", 3);
  assert.equal(Object.getPrototypeOf(counts), Object.prototype);
  assert.equal(
    JSON.stringify(counts),
    '{"constructor":2,"toString":1,"__proto__":4,"hasOwnProperty":1}',
  );
  const r: Record<string, string> = {};
  setOwn(r, "__proto__", "x");
  assert.deepEqual(Object.keys(r), ["__proto__"]);
});

Deno.test("withSortedKeys: keys in code-unit order, each an own property", () => {
  const sorted = withSortedKeys(JSON.parse('{"b":1,"__proto__":2,"B":3,"a":4}'));
  assert.equal(JSON.stringify(sorted), '{"B":3,"__proto__":2,"a":4,"b":1}');
});
