import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import { parseEvalCollection, parseEvalSource } from "./eval_collection.ts";

const ROWS = JSON.parse(
  readFileSync(
    new URL("../testdata/parsers/evals/supplemental-evals-rows.json", import.meta.url),
    "utf8",
  ),
);

Deno.test("parseEvalSource recovers model, ISL/OSL and date", () => {
  assert.deepEqual(
    parseEvalSource(
      "eval_results/eval_dsr1_1k8k_dsr1_1k8k_fp4_sglang_tp4_ep4_dpa_false_conc128_specdecode_none_b200-nv_1/results_2026-01-21T00-34-31.779836.json",
    ),
    { model: "dsr1", isl: 1024, osl: 8192, date: "2026-01-21", datetime: "2026-01-21T00:34:31" },
  );
  assert.deepEqual(parseEvalSource("somewhere/else.json"), {
    model: null,
    isl: null,
    osl: null,
    date: null,
    datetime: null,
  });
});

Deno.test("eval rows fixture: one draft per row, identity normalized, scores kept", () => {
  const r = parseEvalCollection(ROWS);
  assert.deepEqual(r.issues, []);
  assert.equal(r.unreadable, false);
  assert.deepEqual(r.drafts.map((d) => d.sub_key), ["0", "1", "2", "3"]);
  const [first, emptySpec, prefixed, gptoss] = r.drafts;
  assert.equal(first.source_format, "eval");
  assert.equal(first.primary, false);
  assert.equal(first.priority, 10);
  assert.deepEqual(first.identity, {
    hardware: "b200",
    model: "dsr1",
    model_path: "nvidia/DeepSeek-R1-0528-FP4-V2",
    framework: "sglang",
    precision: "fp4",
    spec_decoding: "none",
    isl: 1024,
    osl: 8192,
    concurrency: 128,
    dp_attention: false,
  });
  assert.deepEqual(first.metrics, { tp: 4, ep: 4 });
  // Values as printed in the fixture row (score == em_strict, score_name "em_strict").
  assert.deepEqual(first.eval, {
    gsm8k: {
      em_strict: { value: 0.954510993176649, stderr: 0.005739657656722223 },
      em_flexible: { value: 0.954510993176649, stderr: 0.005739657656722223 },
    },
  });
  assert.equal(first.notes?.n_eff, 1319);
  assert.equal(first.notes?.eval_date, "2026-01-21");
  assert.equal(first.notes?.model_from_source, true);
  assert.equal(first.notes?.timestamp, "2026-01-21T00:34:31Z");
  assert.equal(emptySpec.identity.hardware, "mi300x");
  assert.equal(emptySpec.identity.spec_decoding, undefined);
  assert.equal(prefixed.notes?.model_from_source, undefined);
  assert.equal(gptoss.identity.model, "gptoss");
  assert.equal(gptoss.identity.hardware, "mi300x");
});

Deno.test("eval rows: shapes and malformed rows", async (t) => {
  await t.step("empty collection is readable and empty", () => {
    assert.deepEqual(parseEvalCollection([]), { drafts: [], issues: [], unreadable: false });
  });
  await t.step("not an array", () => {
    for (const value of [null, {}, "rows", 3]) {
      const r = parseEvalCollection(value);
      assert.equal(r.unreadable, true);
      assert.match(r.issues[0].message, /^Expected an array of eval rows, got /);
    }
  });
  await t.step("score_name, disagg dp_attention, B200-TRT, bad rows", () => {
    const r = parseEvalCollection([
      {
        model_prefix: "dsr1",
        hw: "B200-TRT",
        task: "gpqa",
        score: "0.7",
        score_name: "accuracy",
        score_se: 0.02,
        dp_attention: "prefill=true,decode=false",
        isl: 1024,
        osl: 1024,
        tp: "eight",
      },
      "row",
      { hw: "H100" },
      { task: "gsm8k", score: null },
    ]);
    assert.equal(r.drafts.length, 2);
    const d = r.drafts[0];
    assert.equal(d.identity.hardware, "b200");
    assert.equal(d.identity.prefill_dp_attention, true);
    assert.equal(d.identity.decode_dp_attention, false);
    assert.equal(d.identity.dp_attention, undefined);
    assert.equal(d.identity.isl, 1024);
    assert.deepEqual(d.eval, { gpqa: { accuracy: { value: 0.7, stderr: 0.02 } } });
    assert.equal(r.drafts[1].sub_key, "3");
    assert.deepEqual(r.issues.map((i) => i.message), [
      'Field "[0].tp" is not a number: "eight"',
      'Row 1 is not an object: "row"',
      "Row 2 has no task",
      "Row 3 (gsm8k) has no numeric score",
    ]);
  });
});

Deno.test({
  name: "real supplemental-evals.json: 66 gsm8k rows as described in §10.3",
  ignore: !HAS_REALDATA,
  fn() {
    const r = parseEvalCollection(
      JSON.parse(readFileSync(realdata("evals/supplemental-evals.json"), "utf8")),
    );
    assert.deepEqual(r.issues, []);
    assert.equal(r.drafts.length, 66);
    const hws = new Set(r.drafts.map((d) => d.identity.hardware));
    // §10.3 hw values B200-TRT, B200, H200, MI355X, MI300X, MI325X, H100, lower-cased, -trt dropped.
    assert.deepEqual([...hws].sort(), ["b200", "h100", "h200", "mi300x", "mi325x", "mi355x"]);
    for (const d of r.drafts) {
      assert.deepEqual(Object.keys(d.eval ?? {}), ["gsm8k"]);
      assert.equal(d.notes?.n_eff, 1319);
      assert.equal(typeof d.identity.model, "string");
      assert.equal(typeof d.eval?.gsm8k.em_strict.value, "number");
    }
    assert.equal(r.drafts.filter((d) => d.notes?.timestamp !== undefined).length, 25);
    assert.equal(r.drafts.filter((d) => d.identity.spec_decoding === undefined).length, 1);
  },
});

Deno.test("InferenceX-app API evaluation rows: scores from metrics{}, the API's field names", () => {
  const row = {
    hardware: "b200",
    framework: "sglang",
    model: "dsr1",
    precision: "fp4",
    spec_method: "none",
    disagg: false,
    is_multinode: false,
    prefill_tp: 4,
    prefill_ep: 4,
    prefill_dp_attention: false,
    prefill_num_workers: 0,
    decode_tp: 4,
    decode_ep: 4,
    decode_dp_attention: false,
    decode_num_workers: 0,
    num_prefill_gpu: 4,
    num_decode_gpu: 4,
    isl: 1024,
    osl: 8192,
    task: "gsm8k",
    date: "2026-02-19",
    conc: 128,
    metrics: { n_eff: 1319, em_strict: 0.95, em_strict_se: 0.006, em_flexible: 0.951 },
    timestamp: "2026-02-19T16:05:08Z",
    run_url: "https://example.invalid/run",
  };
  const r = parseEvalCollection([row]);
  assert.deepEqual(r.issues, []);
  const [d] = r.drafts;
  // The identity an agg_eval row of the same run gives (see the fixture test above), so the
  // scores join the same benchmark cell.
  assert.deepEqual(d.identity, {
    hardware: "b200",
    model: "dsr1",
    framework: "sglang",
    precision: "fp4",
    spec_decoding: "none",
    disagg: false,
    is_multinode: false,
    isl: 1024,
    osl: 8192,
    concurrency: 128,
    dp_attention: false,
  });
  // One node: the API's prefill_* = decode_* are its tp and ep, not a disaggregated topology.
  assert.deepEqual(d.metrics, { tp: 4, ep: 4 });
  assert.deepEqual(d.eval, {
    gsm8k: {
      em_strict: { value: 0.95, stderr: 0.006 },
      em_flexible: { value: 0.951, stderr: null },
    },
  });
  assert.equal(d.notes?.n_eff, 1319);
  assert.equal(d.notes?.eval_date, "2026-02-19");
  // A top-level field wins over one of the same name in metrics{}.
  const both = parseEvalCollection([{ ...row, metrics: { ...row.metrics, conc: 4 } }]);
  assert.equal(both.drafts[0].identity.concurrency, 128);
  // ...unless it is null: the score in metrics{} stays.
  const nulled = parseEvalCollection([{ ...row, em_strict: null }]);
  assert.deepEqual(nulled.drafts[0].eval?.gsm8k.em_strict, { value: 0.95, stderr: 0.006 });
  // A disaggregated row keeps its prefill/decode topology.
  const disagg = parseEvalCollection([{ ...row, disagg: true, decode_tp: 8 }]);
  assert.deepEqual(disagg.drafts[0].metrics, {
    prefill_tp: 4,
    prefill_ep: 4,
    prefill_num_workers: 0,
    decode_tp: 8,
    decode_ep: 4,
    decode_num_workers: 0,
  });
  assert.equal(disagg.drafts[0].identity.prefill_dp_attention, false);
});

Deno.test("eval rows: a score_name like an Object.prototype member keeps its score", () => {
  for (const name of ["toString", "constructor", "valueOf"]) {
    const r = parseEvalCollection([{
      model_prefix: "dsr1",
      hw: "b200",
      task: "mmlu",
      score: 0.7,
      score_name: name,
    }]);
    assert.deepEqual(r.issues, [], name);
    const scores = r.drafts[0].eval!.mmlu;
    assert.equal(Object.getOwnPropertyDescriptor(scores, name)?.value.value, 0.7, name);
  }
});
