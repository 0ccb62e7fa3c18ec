import assert from "node:assert/strict";
import { parseEvalResults } from "./eval_results.ts";

Deno.test("lm-eval results: metric,filter keys keep their value and stderr", () => {
  const r = parseEvalResults({
    lm_eval_version: "0.4.9",
    model_name: "deepseek-ai/DeepSeek-R1",
    results: {
      gsm8k: {
        alias: "gsm8k",
        "exact_match,strict-match": 0.95,
        "exact_match_stderr,strict-match": 0.006,
        "exact_match,flexible-extract": "0.96",
        "exact_match_stderr,flexible-extract": "N/A",
      },
      old_task: { acc: 0.5, acc_stderr: 0.01 },
    },
    "n-samples": { gsm8k: { original: 1319, effective: 1319 } },
  });
  assert.deepEqual(r.issues, []);
  const d = r.drafts[0];
  assert.equal(d.source_format, "eval");
  assert.equal(d.priority, 10);
  assert.equal(d.primary, false);
  assert.deepEqual(d.eval, {
    gsm8k: {
      "exact_match,flexible-extract": { value: 0.96, stderr: null },
      "exact_match,strict-match": { value: 0.95, stderr: 0.006 },
    },
    old_task: { acc: { value: 0.5, stderr: 0.01 } },
  });
  assert.deepEqual(d.notes, {
    lm_eval_version: "0.4.9",
    model_name: "deepseek-ai/DeepSeek-R1",
    n_samples: { gsm8k: { original: 1319, effective: 1319 } },
  });
  assert.equal(d.identity.model_path, "deepseek-ai/DeepSeek-R1");
});

Deno.test("lm-eval results: malformed input becomes issues", async (t) => {
  for (const value of [null, [], "results", 1]) {
    await t.step(`not an object: ${JSON.stringify(value)}`, () => {
      const r = parseEvalResults(value);
      assert.equal(r.unreadable, true);
      assert.match(r.issues[0].message, /^Expected an lm-eval results object, got /);
    });
  }
  await t.step("missing or wrong results", () => {
    assert.deepEqual(parseEvalResults({ lm_eval_version: "0.4" }).issues, [
      { line: null, message: 'Field "results" is missing' },
    ]);
    const wrong = parseEvalResults({ results: [1] });
    assert.equal(wrong.unreadable, true);
    assert.deepEqual(wrong.issues, [
      { line: null, message: 'Field "results" is not an object: an array' },
    ]);
  });
  await t.step("non-numeric values", () => {
    const r = parseEvalResults({
      results: {
        gsm8k: { "exact_match,strict-match": "high", "exact_match_stderr,strict-match": 1 },
        mmlu: "fine",
      },
    });
    assert.equal(r.unreadable, false);
    assert.deepEqual(r.drafts[0].eval, {});
    assert.deepEqual(r.issues.map((i) => i.message), [
      'Field "results.gsm8k.exact_match,strict-match" is not a number: "high"',
      'Field "results.mmlu" is not an object: "fine"',
      "No numeric eval metrics found in results",
    ]);
  });
  await t.step("a negative stderr is treated as missing", () => {
    const r = parseEvalResults({
      results: {
        gsm8k: { "exact_match,strict-match": 0.9, "exact_match_stderr,strict-match": -0.05 },
      },
    });
    assert.deepEqual(r.drafts[0].eval, {
      gsm8k: { "exact_match,strict-match": { value: 0.9, stderr: null } },
    });
    assert.deepEqual(r.issues.map((i) => i.message), [
      'Field "results.gsm8k.exact_match_stderr,strict-match" is -0.05, below 0; treated as missing',
    ]);
  });
});
