import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import { draftFromAgg, parseFixedSeqAgg } from "./fixed_seq_agg.ts";

function draft(value: Record<string, unknown>) {
  const r = parseFixedSeqAgg(value);
  assert.equal(r.unreadable, false);
  assert.deepEqual(r.issues, []);
  assert.equal(r.drafts.length, 1);
  return r.drafts[0];
}

const LATENCY = { median_ttft: 0.2, p99_ttft: 0.5, median_tpot: 0.01, p99_tpot: 0.02 };

Deno.test("agg 2025-08: hw, tp, conc, model, tput_per_gpu only", () => {
  const d = draft({ hw: "h100", tp: 8, conc: 64, model: "org/m", tput_per_gpu: 500, ...LATENCY });
  assert.equal(d.identity.hardware, "h100");
  assert.equal(d.identity.concurrency, 64);
  assert.equal(d.identity.model_path, "org/m");
  assert.equal(d.identity.model, null, "no infmax_model_prefix: model key unknown");
  assert.equal(d.identity.is_multinode, null);
  assert.equal(d.metrics.tp, 8);
  assert.equal(d.metrics.tput_per_gpu, 500);
  assert.equal(d.metrics.output_tput_per_gpu, null);
  assert.equal(d.metrics.p99_ttft, 0.5);
  assert.equal(d.metrics.intvty, 100);
  assert.equal(d.source_format, "inferencex-static");
});

Deno.test("agg 2025-09: ep, dp_attention string, framework, precision, mtp", () => {
  const d = draft({
    hw: "b200",
    tp: 4,
    ep: 4,
    dp_attention: "true",
    conc: 8,
    framework: "sglang",
    precision: "fp8",
    mtp: "on",
    tput_per_gpu: 100,
  });
  assert.equal(d.identity.dp_attention, true);
  assert.equal(d.identity.framework, "sglang");
  assert.equal(d.identity.precision, "fp8");
  assert.equal(d.identity.spec_decoding, "on");
  assert.equal(d.metrics.ep, 4);
  assert.equal(
    draft({ hw: "b200", dp_attention: "false", tput_per_gpu: 1 }).identity.dp_attention,
    false,
  );
});

Deno.test("agg 2025-10 to 2026-07: per-GPU split, identity block, pp/dcp/pcp", () => {
  const d = draft({
    hw: "h200",
    conc: 4,
    infmax_model_prefix: "gptoss",
    spec_decoding: "none",
    disagg: false,
    is_multinode: false,
    isl: 1024,
    osl: 8192,
    tp: 8,
    pp: 2,
    dcp_size: 1,
    pcp_size: 2,
    ep: 1,
    dp_attention: "false",
    tput_per_gpu: 80,
    output_tput_per_gpu: 40,
    input_tput_per_gpu: 40,
  });
  assert.equal(d.identity.model, "gptoss");
  assert.equal(d.identity.isl, 1024);
  assert.equal(d.identity.osl, 8192);
  assert.equal(d.identity.is_multinode, false);
  assert.equal(d.identity.disagg, false);
  assert.deepEqual([d.metrics.tp, d.metrics.pp, d.metrics.dcp, d.metrics.pcp], [8, 2, 1, 2]);
  assert.equal(d.metrics.output_tput_per_gpu, 40);
  assert.equal(d.metrics.input_tput_per_gpu, 40);
});

Deno.test("agg 2026-08: power validity int 0/1, recipe fingerprint, router", () => {
  const valid = draft({
    hw: "h200",
    tput_per_gpu: 1,
    power_metric_schema_version: 2,
    power_valid: 1,
    avg_power_w: 183.568,
    joules_per_output_token: 4.461755,
    recipe_fingerprint: "0123456789abcdef",
    router: { name: "r", version: "1" },
  });
  assert.equal(valid.notes?.power_valid, true);
  assert.equal(valid.metrics.avg_power_w, 183.568);
  assert.equal(valid.metrics.joules_per_output_token, 4.461755);
  assert.equal(valid.notes?.recipe_fingerprint, "0123456789abcdef");
  assert.deepEqual(valid.notes?.router, { name: "r", version: "1" });
  const invalid = draft({
    hw: "h200",
    tput_per_gpu: 1,
    power_metric_schema_version: 2,
    power_valid: 0,
  });
  assert.equal(invalid.notes?.power_valid, false);
  assert.equal(invalid.metrics.avg_power_w, null);
  assert.equal(
    draft({ hw: "h200", tput_per_gpu: 1, recipe_fingerprint: "" }).notes?.recipe_fingerprint,
    undefined,
  );
});

Deno.test("agg multi-node: prefill/decode block, GPU split, dp strings, cluster: hw", () => {
  const d = draft({
    hw: "cluster:mi355x-amds",
    conc: 64,
    infmax_model_prefix: "gptoss",
    framework: "vllm-disagg",
    is_multinode: true,
    disagg: true,
    prefill_tp: 8,
    prefill_ep: 1,
    prefill_dp_attention: "false",
    prefill_num_workers: 1,
    decode_tp: 8,
    decode_ep: 1,
    decode_dp_attention: "true",
    decode_num_workers: 2,
    num_prefill_gpu: 8,
    num_decode_gpu: 16,
    tput_per_gpu: 625.3,
  });
  assert.equal(d.identity.hardware, "mi355x");
  assert.equal(d.notes?.hw_label, "cluster:mi355x-amds");
  assert.equal(d.identity.is_multinode, true);
  assert.equal(d.identity.prefill_dp_attention, false);
  assert.equal(d.identity.decode_dp_attention, true);
  assert.equal(d.identity.dp_attention, null);
  assert.equal(d.metrics.num_prefill_gpu, 8);
  assert.equal(d.metrics.num_decode_gpu, 16);
  assert.equal(d.metrics.num_gpus, 24);
  assert.equal(d.metrics.decode_num_workers, 2);
  assert.equal(d.metrics.tp ?? null, null);
  assert.equal(d.source_format, "inferencex-srt-slurm");
});

Deno.test("agg mock rows: zeros stand for unknown and become null", () => {
  // Shape of ../shared/realdata/fixed-seq/mock-partial/…conc64….json.
  const d = draft({
    hw: "950dt",
    conc: 64,
    infmax_model_prefix: "dsv4",
    is_multinode: false,
    tp: 16,
    ep: 16,
    dp_attention: "true",
    tput_per_gpu: 0,
    output_tput_per_gpu: 210.16,
    input_tput_per_gpu: 0.0,
    median_ttft: 0.0,
    median_tpot: 0.01903,
    median_intvty: 52.54,
    median_e2el: 0.0,
  });
  assert.equal(d.metrics.tput_per_gpu, null);
  assert.equal(d.metrics.input_tput_per_gpu, null);
  assert.equal(d.metrics.output_tput_per_gpu, 210.16);
  assert.equal(d.metrics.p50_ttft ?? null, null);
  assert.equal(d.metrics.p50_e2el ?? null, null);
  assert.equal(d.metrics.p50_tpot, 0.01903);
  assert.equal(d.metrics.intvty, 52.54);
  assert.ok(!("median_ttft" in (d.extra_percentiles ?? {})));
});

Deno.test("agg: strings for numbers are coerced", () => {
  const d = draft({
    hw: "h200",
    conc: "16",
    tp: "8",
    tput_per_gpu: "278.7",
    p99_ttft: "3.24",
    isl: "1024",
  });
  assert.equal(d.identity.concurrency, 16);
  assert.equal(d.metrics.tp, 8);
  assert.equal(d.metrics.tput_per_gpu, 278.7);
  assert.equal(d.metrics.p99_ttft, 3.24);
  assert.equal(d.identity.isl, 1024);
});

Deno.test("agg: the real kimik2.5 1k1k conc4 agg (2026-05 schema)", () => {
  const a = JSON.parse(readFileSync(
    new URL(
      "../testdata/sample/fixed-seq/kimik2.5-mi355x/agg_kimik2.5_1k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc4_MI355-gbt350-odcdh5-wbb3.json",
      import.meta.url,
    ),
    "utf8",
  ));
  const d = draftFromAgg(a);
  assert.deepEqual(
    [d.identity.hardware, d.identity.model, d.identity.framework, d.identity.precision],
    ["mi355x", "kimik2.5", "vllm", "int4"],
  );
  assert.equal(d.identity.spec_decoding, "mtp");
  assert.equal(d.identity.dp_attention, false);
  assert.equal(d.metrics.tput_per_gpu, a.tput_per_gpu);
  assert.equal(d.metrics.p99_ttft, a.p99_ttft);
  assert.equal(d.metrics.p999_ttft, a["p99.9_ttft"]);
  assert.equal(d.metrics.intvty, a.median_intvty);
  // Agg latencies are seconds already: no second division by 1000.
  assert.equal(d.extra_percentiles?.["p99.9_e2el"], a["p99.9_e2el"]);
});

Deno.test("agg: a non-object is unreadable", () => {
  for (const v of [null, [1], "agg", 0]) assert.equal(parseFixedSeqAgg(v).unreadable, true);
});

Deno.test("agg: files with the same keys are read on their own values, bad ones too", () => {
  // One key sequence (as thousands of aggs of one schema share): clean, then bad, then clean.
  const agg = (conc: unknown, p99: unknown, tpot: unknown) => ({
    hw: "h100",
    conc,
    tp: 8,
    tput_per_gpu: 80,
    p99_ttft: p99,
    median_tpot: tpot,
  });
  const a = draft(agg(4, 0.5, 0.02));
  assert.equal(a.identity.concurrency, 4);
  assert.equal(a.metrics.p99_ttft, 0.5);
  assert.equal(a.metrics.intvty, 50);
  const bad = parseFixedSeqAgg(agg(-4, "slow", 0.02));
  assert.deepEqual(bad.issues.map((i) => i.message), [
    'Field "conc" must be a positive whole number, got -4',
    'Field "p99_ttft" is not a finite number ("slow")',
  ]);
  const b = bad.drafts[0];
  assert.equal(b.identity.concurrency, null, "a rejected value is left out, never guessed");
  assert.equal(b.metrics.p99_ttft ?? null, null);
  assert.equal(b.metrics.p50_tpot, 0.02);
  const c = draft(agg(8, 0.7, 0));
  assert.equal(c.metrics.p99_ttft, 0.7);
  assert.equal(c.metrics.p50_tpot ?? null, null, "zero TPOT is unknown");
  assert.equal(c.metrics.intvty, null);
  assert.equal(a.metrics.p99_ttft, 0.5, "earlier drafts are untouched");
});

Deno.test("agg multi-node: no GPU total without both sides of the split", () => {
  const d = draft({ hw: "b200", is_multinode: true, num_prefill_gpu: 8, tput_per_gpu: 1 });
  assert.equal(d.metrics.num_prefill_gpu, 8);
  assert.equal(d.metrics.num_decode_gpu, null);
  assert.ok(!("num_gpus" in d.metrics), "no total rather than a null one");
  assert.equal(d.metrics.prefill_tp, null);
});

Deno.test("agg image: 'unknown' and blank mean not supplied (null); real tags are kept", () => {
  // Reference §4.2: `image` is "unknown" when not supplied; SPEC §3: not derivable → null.
  const table: [unknown, string | null][] = [
    ["unknown", null],
    ["UNKNOWN", null],
    [" unknown ", null],
    ["", null],
    ["   ", null],
    [undefined, null],
    ["vllm/vllm-openai:v0.22.0", "vllm/vllm-openai:v0.22.0"],
    ["unknown-registry/img:1", "unknown-registry/img:1"],
  ];
  for (const [image, want] of table) {
    const d = draft({ hw: "h200", tput_per_gpu: 1, ...(image === undefined ? {} : { image }) });
    assert.equal(d.identity.image, want, JSON.stringify(image));
  }
});

Deno.test("agg image: the real multi-node aggs say 'unknown', which becomes null", {
  ignore: !HAS_REALDATA,
}, () => {
  const dir = "multinode/gptoss-mi355x-disagg-agg";
  const files = readdirSync(realdata(dir)).filter((n) => n.startsWith("agg_")).sort();
  assert.equal(files.length, 8);
  for (const f of files) {
    const a = JSON.parse(readFileSync(realdata(`${dir}/${f}`), "utf8"));
    assert.equal(a.image, "unknown", f); // what the file says (reference §6.3)
    assert.equal(draftFromAgg(a).identity.image, null, f);
  }
});

Deno.test("agg multi-node (real data): per-side pp, dcp and pcp, numeric strings accepted", {
  ignore: !HAS_REALDATA,
}, () => {
  const dir = "multinode/gptoss-mi355x-disagg-agg";
  const f = readdirSync(realdata(dir)).find((n) => n.startsWith("agg_") && n.includes("_64_"))!;
  const a = JSON.parse(readFileSync(realdata(`${dir}/${f}`), "utf8"));
  // What the file says (reference §4.2 per-side fields): every side's pp, dcp and pcp is 1.
  const sides = ["prefill", "decode"].flatMap((s) => [`${s}_pp`, `${s}_dcp_size`, `${s}_pcp_size`]);
  assert.deepEqual(sides.map((k) => a[k]), [1, 1, 1, 1, 1, 1]);
  const fields = [
    "prefill_pp",
    "prefill_dcp",
    "prefill_pcp",
    "decode_pp",
    "decode_dcp",
    "decode_pcp",
  ] as const;
  const as = (d: ReturnType<typeof draft>) => fields.map((k) => d.metrics[k]);
  assert.deepEqual(as(draft(a)), [1, 1, 1, 1, 1, 1]);
  const edited = draft({ ...a, decode_dcp_size: 2, prefill_pp: "2", decode_pcp_size: " 4 " });
  assert.deepEqual(as(edited), [2, 1, 1, 1, 2, 4]);
  // Left out: unknown, not 1.
  const { prefill_dcp_size: _d, decode_pp: _p, ...without } = a;
  assert.deepEqual(as(draft(without)), [1, null, 1, null, 1, 1]);
});

/** An InferenceX-app API row (reference §12), single-node, as the audit's `alias1` case. */
const API_ROW = {
  hardware: "h200",
  framework: "vllm",
  model: "gptoss",
  precision: "fp4",
  spec_method: "none",
  disagg: false,
  is_multinode: false,
  prefill_tp: 8,
  prefill_ep: 1,
  prefill_dp_attention: false,
  prefill_num_workers: 0,
  decode_tp: 8,
  decode_ep: 1,
  decode_dp_attention: false,
  decode_num_workers: 0,
  num_prefill_gpu: 8,
  num_decode_gpu: 8,
  isl: 1024,
  osl: 1024,
  conc: 4,
  image: "img",
  metrics: {
    tput_per_gpu: 82.7,
    output_tput_per_gpu: 41.0,
    median_ttft: 0.13,
    p99_ttft: 0.46,
    median_tpot: 0.0115,
    median_intvty: 86.5,
  },
  date: "2026-08-01",
  run_url: "x",
};

Deno.test("agg app API row: aliases (hardware, spec_method, model = prefix) and nested metrics", () => {
  const d = draft(API_ROW);
  assert.equal(d.identity.hardware, "h200");
  assert.equal(d.identity.model, "gptoss", "the app API's model is the prefix");
  assert.equal(d.identity.model_path, null, "no HF id or path is known");
  assert.equal(d.identity.spec_decoding, "none");
  assert.equal(d.identity.concurrency, 4);
  assert.equal(d.identity.dp_attention, false, "single-node: prefill_dp_attention is dp_attention");
  // Nested agg metric keys are read as top-level ones: seconds, median → p50, 1/TPOT intvty.
  assert.equal(d.metrics.tput_per_gpu, 82.7);
  assert.equal(d.metrics.output_tput_per_gpu, 41.0);
  assert.equal(d.metrics.p50_ttft, 0.13);
  assert.equal(d.metrics.p99_ttft, 0.46);
  assert.equal(d.metrics.p50_tpot, 0.0115);
  assert.equal(d.metrics.intvty, 86.5);
  // Single-node: the app repeats tp as prefill_* and as num_*_gpu; the GPU count is tp, never 8 + 8.
  assert.equal(d.metrics.tp, 8);
  assert.equal(d.metrics.ep, 1);
  assert.equal(d.metrics.num_gpus ?? null, null, "left to the fold (tp × pp × pcp = 8)");
  assert.equal(d.metrics.num_prefill_gpu ?? null, null);
  assert.equal(d.source_format, "inferencex-static");
  // Rows of a collected array take the same path.
  assert.deepEqual(draftFromAgg(API_ROW), d);
});

Deno.test("agg app API row: edge cases of the aliases", () => {
  // The canonical names win over the aliases when both are present.
  const both = draft({
    ...API_ROW,
    hw: "cluster:b200-nv",
    spec_decoding: "mtp",
    infmax_model_prefix: "dsr1",
  });
  assert.equal(both.identity.hardware, "b200");
  assert.equal(both.identity.spec_decoding, "mtp");
  assert.equal(both.identity.model, "dsr1");
  // A model with a "/" is an HF id or path even in a nested row: display only, no model key.
  const path = draft({ ...API_ROW, model: "openai/gpt-oss-120b" });
  assert.equal(path.identity.model, null);
  assert.equal(path.identity.model_path, "openai/gpt-oss-120b");
  // A top-level metric wins over the nested one; nested values are range-checked by name.
  const clash = parseFixedSeqAgg({
    ...API_ROW,
    p99_ttft: 0.5,
    metrics: { ...API_ROW.metrics, median_ttft: -1 },
  });
  assert.deepEqual(clash.issues.map((i) => i.message), [
    'Field "metrics.median_ttft" must not be negative, got -1',
  ]);
  assert.equal(clash.drafts[0].metrics.p99_ttft, 0.5);
  assert.equal(clash.drafts[0].metrics.p50_ttft ?? null, null);
  // Multi-node rows keep the prefill + decode split as the GPU total.
  const multi = draft({
    ...API_ROW,
    is_multinode: true,
    disagg: true,
    num_prefill_gpu: 8,
    num_decode_gpu: 16,
  });
  assert.equal(multi.metrics.num_gpus, 24);
  assert.equal(multi.metrics.prefill_tp, 8);
  assert.equal(multi.identity.dp_attention, null);
  assert.equal(multi.identity.prefill_dp_attention, false);
  // A flat agg is untouched by the aliases: `model` stays the display path.
  const flat = draft({ hw: "h200", model: "gptoss", tput_per_gpu: 1 });
  assert.equal(flat.identity.model, null);
  assert.equal(flat.identity.model_path, "gptoss");
});

Deno.test("agg together baseline: gpu.n_gpus is the GPU count, *_ms metrics are seconds", () => {
  // Shape of reference §3.4 `together_runner/baselines/**/conc*.json` (the audit's `tog` case).
  const d = draft({
    hw: "h200",
    model: "gptoss",
    framework: "vllm",
    precision: "fp4",
    isl: 1024,
    osl: 1024,
    tp: 8,
    ep: 1,
    conc: 16,
    image: "unknown",
    metrics: {
      successful_requests: 160,
      total_token_throughput: 4000.0,
      output_token_throughput: 2000.0,
      request_throughput: 2.0,
      median_ttft_ms: 150.0,
      p99_ttft_ms: 400.0,
      median_tpot_ms: 12.0,
      p99_tpot_ms: 15.0,
      median_itl_ms: 11.0,
      median_e2el_ms: 12000.0,
      p99_e2el_ms: 15000.0,
    },
    gpu: { n_gpus: 8, mean_power_per_gpu_w: 500.5, tokens_per_kw: 998.8 },
  });
  assert.equal(d.identity.hardware, "h200");
  assert.equal(d.identity.model, "gptoss");
  assert.equal(d.identity.concurrency, 16);
  assert.equal(d.identity.image, null);
  assert.equal(d.metrics.num_gpus, 8);
  assert.equal(d.metrics.tp, 8);
  assert.equal(d.metrics.num_requests_successful, 160);
  assert.equal(d.metrics.num_requests_total ?? null, null, "planned requests are not stated");
  assert.equal(d.metrics.total_tput_tps, 4000);
  assert.equal(d.metrics.output_tput_tps, 2000);
  assert.equal(d.metrics.request_throughput, 2);
  assert.equal(d.metrics.tput_per_gpu, null, "derived by the fold from num_gpus");
  assert.equal(d.metrics.p50_ttft, 0.15);
  assert.equal(d.metrics.p99_ttft, 0.4);
  assert.equal(d.metrics.p50_tpot, 0.012);
  assert.equal(d.metrics.p50_itl, 0.011);
  assert.equal(d.metrics.p99_e2el, 15);
  assert.deepEqual(d.notes?.gpu_power, { mean_power_per_gpu_w: 500.5, tokens_per_kw: 998.8 });
  assert.equal(d.metrics.avg_power_w, null, "unvalidated power stays in the notes");
  // A bad n_gpus is no GPU count.
  for (const n of [0, -8, "eight"]) {
    const bad = parseFixedSeqAgg({ hw: "h200", conc: 16, metrics: {}, gpu: { n_gpus: n } });
    assert.equal(bad.drafts[0].metrics.num_gpus ?? null, null, String(n));
  }
});
