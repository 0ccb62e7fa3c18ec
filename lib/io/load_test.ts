import assert from "node:assert/strict";
import { jsonDepthOver } from "./load.ts";

Deno.test("jsonDepthOver finds the first byte past the nesting limit, ignoring brackets in strings", () => {
  assert.equal(jsonDepthOver('{"a": [1, {"b": "[[[["}]}', 3), null);
  assert.equal(jsonDepthOver('{"a": [1, {"b": "[[[["}]}', 2), 10);
  assert.equal(jsonDepthOver('{"s": "\\"[[[", "t": [[[]]]}', 3), 22);
  assert.equal(jsonDepthOver("[".repeat(100_000), 1000), 1000);
});
