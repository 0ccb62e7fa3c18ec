import assert from "node:assert/strict";
import { shared, withoutKey } from "./_coerce.ts";

Deno.test("shared: the same value back; null and long strings pass through", () => {
  const s = ["org/", "model-a"].join("");
  assert.equal(shared(s), "org/model-a");
  assert.equal(shared(["org/", "model-a"].join("")), "org/model-a");
  assert.equal(shared(null), null);
  const long = "x".repeat(1000);
  assert.equal(shared(long), long);
});

Deno.test("withoutKey: a copy without the key, order kept, input untouched", () => {
  const input = { a: 1, b: null, c: 3 };
  const out = withoutKey(input, "b");
  assert.deepEqual(Object.keys(out), ["a", "c"]);
  assert.deepEqual(input, { a: 1, b: null, c: 3 });
  assert.notEqual(out, input);
});
