import assert from "node:assert/strict";
import { parseEvalMeta } from "./eval_meta.ts";

Deno.test("meta_env: §10.1 example, string isl/osl and bool dp_attention", () => {
  const r = parseEvalMeta({
    is_multinode: false,
    framework: "vllm",
    precision: "fp8",
    spec_decoding: "none",
    recipe_fingerprint: "",
    tp: 8,
    pp: 1,
    dcp_size: 1,
    pcp_size: 1,
    conc: 64,
    eval_concs: [4, 16],
    completed_eval_concs: [4, 16],
    failed_eval_concs: [],
    ep: 1,
    dp_attention: false,
    prefill_tp: 8,
    prefill_num_workers: 1,
    decode_tp: 8,
    decode_num_workers: 1,
    model: "deepseek-ai/DeepSeek-R1-0528",
    infmax_model_prefix: "dsr1",
    hw: "b200",
    isl: "8192",
    osl: "1024",
  });
  assert.deepEqual(r.issues, []);
  const d = r.drafts[0];
  assert.equal(d.source_format, "eval");
  assert.equal(d.primary, false);
  assert.deepEqual(d.identity, {
    hardware: "b200",
    model: "dsr1",
    model_path: "deepseek-ai/DeepSeek-R1-0528",
    framework: "vllm",
    precision: "fp8",
    spec_decoding: "none",
    is_multinode: false,
    isl: 8192,
    osl: 1024,
    concurrency: 64,
    dp_attention: false,
  });
  assert.deepEqual(d.metrics, {
    tp: 8,
    pp: 1,
    ep: 1,
    dcp: 1,
    pcp: 1,
    prefill_tp: 8,
    prefill_num_workers: 1,
    decode_tp: 8,
    decode_num_workers: 1,
  });
  assert.deepEqual(d.notes, {
    eval_concs: [4, 16],
    completed_eval_concs: [4, 16],
    failed_eval_concs: [],
  });
});

Deno.test("meta_env: malformed input becomes issues", async (t) => {
  for (const value of [null, [], "meta", 7]) {
    await t.step(`not an object: ${JSON.stringify(value)}`, () => {
      const r = parseEvalMeta(value);
      assert.equal(r.unreadable, true);
      assert.match(r.issues[0].message, /^Expected a meta_env object, got /);
    });
  }
  await t.step("wrong types", () => {
    const r = parseEvalMeta({
      hw: "MI355X-disagg",
      isl: "8k",
      dp_attention: "yes",
      eval_concs: "4,16",
      failed_eval_concs: [8, "x"],
    });
    assert.equal(r.unreadable, false);
    assert.equal(r.drafts[0].identity.hardware, "mi355x");
    assert.equal(r.drafts[0].identity.isl, undefined);
    assert.deepEqual(r.drafts[0].notes?.failed_eval_concs, [8]);
    assert.deepEqual(r.issues.map((i) => i.message), [
      'Field "isl" is not a number: "8k"',
      'Field "dp_attention" is not a boolean: "yes"',
      'Field "eval_concs" is not a list: "4,16"',
      'Field "failed_eval_concs" has a non-numeric entry: "x"',
    ]);
  });
});
