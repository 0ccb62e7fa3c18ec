import assert from "node:assert/strict";
import { checkRecordValues, withoutRejected } from "./_check.ts";

function messages(obj: Record<string, unknown>): string[] {
  return checkRecordValues(obj).issues.map((i) => i.message);
}

/** One key sequence, reused below with clean and bad values (checks are planned per sequence). */
function record(conc: unknown, completed: unknown, p99: unknown): Record<string, unknown> {
  return { conc, num_prompts: 40, completed, tput_per_gpu: 5, p99_ttft_ms: p99, hw: "h100" };
}

Deno.test("check: a clean record has no issues and rejects nothing", () => {
  const r = checkRecordValues(record(4, 40, 120.5));
  assert.deepEqual(r.issues, []);
  assert.equal(r.rejected.size, 0);
});

Deno.test("check: the same keys with bad values after clean ones are still caught", () => {
  assert.deepEqual(messages(record(4, 40, 120.5)), []);
  assert.deepEqual(messages(record(0, 40, -1)), [
    'Field "conc" must be a positive whole number, got 0',
    'Field "p99_ttft_ms" must not be negative, got -1',
  ]);
  assert.deepEqual(messages(record("four", 41, "fast")), [
    'Field "conc" is not a number ("four")',
    'Field "p99_ttft_ms" is not a finite number ("fast")',
    'Field "completed" (41) exceeds num_prompts (40)',
  ]);
});

Deno.test("check: a key sequence seen first with a bad value does not taint clean records", () => {
  const keys = (x: unknown) => ({ isl: 1024, osl: x, median_tpot: 0.02 });
  assert.deepEqual(messages(keys(1.5)), ['Field "osl" must be a positive whole number, got 1.5']);
  assert.deepEqual(messages(keys(1024)), []);
  assert.deepEqual(messages(keys(null)), [], "null means unknown, not wrong");
  assert.deepEqual(messages(keys(undefined)), []);
});

Deno.test("check: issues come in a fixed order, not in key order", () => {
  // Positive integers (in their list order), then non-negative fields (list order), then
  // latency statistics (key order), then the completed/planned cross-check.
  const got = messages({
    p99_itl: -2,
    median_ttft_ms: "x",
    total_token_throughput: -1,
    completed: 50,
    tp: 0,
    conc: 2.5,
    num_prompts: 40,
  });
  assert.deepEqual(got, [
    'Field "conc" must be a positive whole number, got 2.5',
    'Field "tp" must be a positive whole number, got 0',
    'Field "total_token_throughput" must not be negative, got -1',
    'Field "p99_itl" must not be negative, got -2',
    'Field "median_ttft_ms" is not a finite number ("x")',
    'Field "completed" (50) exceeds num_prompts (40)',
  ]);
});

Deno.test("check: how bad values are described", () => {
  const table: [unknown, string][] = [
    ["", 'Field "duration" is not a finite number ("")'],
    ["x".repeat(50), `Field "duration" is not a finite number ("${"x".repeat(37)}…")`],
    [[1], 'Field "duration" is not a finite number (an array)'],
    [{ a: 1 }, 'Field "duration" is not a finite number (object)'],
    [true, 'Field "duration" is not a finite number (boolean)'],
    [Infinity, 'Field "duration" is not a finite number (Infinity)'],
    ["1e999", 'Field "duration" is not a finite number ("1e999")'],
  ];
  for (const [value, message] of table) {
    assert.deepEqual(messages({ duration: value }), [message], String(value));
  }
  assert.deepEqual(messages({ duration: " 12 " }), [], "numeric strings are numbers");
});

Deno.test("check: each record gets its own rejected set", () => {
  const a = checkRecordValues({ tp: 0 });
  const b = checkRecordValues({ tp: -8 });
  assert.deepEqual([...a.rejected], ["tp"]);
  assert.deepEqual([...b.rejected], ["tp"]);
  assert.notEqual(a.rejected, b.rejected);
  assert.equal(checkRecordValues({ tp: 8 }).rejected.size, 0);
});

Deno.test("withoutRejected: drops the rejected fields, keeps the rest in order", () => {
  const obj = { conc: 0, hw: "h100", completed: 50, num_prompts: 40 };
  const { rejected } = checkRecordValues(obj);
  assert.deepEqual(Object.entries(withoutRejected(obj, rejected)), [
    ["hw", "h100"],
    ["num_prompts", 40],
  ]);
  const clean = { conc: 4 };
  assert.equal(withoutRejected(clean, checkRecordValues(clean).rejected), clean);
});

Deno.test("check: a whole number past 2^53 (1e308) is no concurrency", () => {
  assert.deepEqual(messages(record(1e308, 40, 1)), [
    'Field "conc" must be a positive whole number, got 1e+308',
  ]);
  assert.deepEqual(messages(record(2 ** 53 - 1, 40, 1)), []);
});
