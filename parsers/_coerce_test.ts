import assert from "node:assert/strict";
import { jsonlValues, shared, withoutKey } from "./_coerce.ts";
import { overlongLine } from "../lib/types.ts";

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

Deno.test("jsonlValues: a line of the file that starts with NUL is never taken for the over-long mark", async () => {
  async function* lines() {
    yield "\u0000Line longer than 5 bytes; skipped";
    yield "\u0000" + "A".repeat(2_000_000);
    yield overlongLine(5);
    yield '{"ok": 1}';
  }
  const bad: [number, string][] = [];
  const values = [];
  for await (const v of jsonlValues(lines(), (line, message) => bad.push([line, message]))) {
    values.push(v);
  }
  assert.deepEqual(values, [{ line: 4, value: { ok: 1 } }]);
  assert.deepEqual(bad.map(([line]) => line), [1, 2, 3]);
  assert.match(bad[0][1], /^Invalid JSON: /);
  assert.match(bad[1][1], /^Invalid JSON: /);
  assert.ok(bad[1][1].length < 200, `${bad[1][1].length} characters`); // no 2 MB "reason"
  assert.equal(bad[2][1], "Line longer than 5 bytes; skipped");
});
