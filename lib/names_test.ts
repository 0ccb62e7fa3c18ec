import assert from "node:assert/strict";
import { normalizeHardware as normalizeAgentxHardware } from "../parsers/agentx_agg.ts";
import { curveStemOf, dirSeqNameOf, normalizeHardware, parseResultName, stemOf } from "./names.ts";

type Expect = { identity?: Record<string, unknown>; metrics?: Record<string, unknown> };

/** Assert every expected key; keys not listed are not checked. */
function check(name: string, expected: Expect): void {
  const got = parseResultName(name);
  for (const [k, v] of Object.entries(expected.identity ?? {})) {
    assert.deepEqual((got.identity as Record<string, unknown>)[k], v, `${name}: identity.${k}`);
  }
  for (const [k, v] of Object.entries(expected.metrics ?? {})) {
    assert.deepEqual((got.metrics as Record<string, unknown>)[k], v, `${name}: metrics.${k}`);
  }
}

Deno.test("stemOf drops directories and the extension", () => {
  assert.equal(stemOf("a/b/agg_x_conc4.json"), "agg_x_conc4");
  assert.equal(stemOf("x.jsonl"), "x");
  assert.equal(stemOf("dir/y.CSV"), "y");
  assert.equal(stemOf("no_ext"), "no_ext");
});

Deno.test("names: 2026-08 era (tp-pp-dcp-pcp-ep-dpa) with agg_ prefix", () => {
  check(
    "bmk/agg_gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc4_h200-nebius_0.json",
    {
      identity: {
        model: "gptoss",
        isl: 1024,
        osl: 1024,
        precision: "fp4",
        framework: "vllm",
        dp_attention: false,
        disagg: false,
        spec_decoding: "none",
        concurrency: 4,
        runner: "h200-nebius_0",
        is_multinode: false,
      },
      metrics: { tp: 8, pp: 1, dcp: 1, pcp: 1, ep: 1 },
    },
  );
});

Deno.test("names: 2026-02 era (no pp/dcp/pcp) with a runner full of dashes", () => {
  check(
    "kimik2.5_8k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc32_MI355-gbt350-odcdh5-wbb3.json",
    {
      identity: {
        model: "kimik2.5",
        isl: 8192,
        osl: 1024,
        precision: "int4",
        framework: "vllm",
        spec_decoding: "mtp",
        concurrency: 32,
        runner: "MI355-gbt350-odcdh5-wbb3",
      },
      metrics: { tp: 8, ep: 1, pp: null, dcp: null, pcp: null },
    },
  );
});

Deno.test("names: 2026-07 era (dcp/pcp, no pp), AgentX v1.0 directory", () => {
  check(
    "agentic_kimik2.7_tp4_conc1_kvnone_fp4_vllm_tp4-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc1_mi355x-amds_01",
    {
      identity: {
        model: "kimik2.7",
        scenario_type: "agentic-coding",
        offload_mode: "none",
        precision: "fp4",
        framework: "vllm",
        concurrency: 1,
        runner: "mi355x-amds_01",
      },
      metrics: { tp: 4, pp: null, dcp: 1, pcp: 1, ep: 1 },
    },
  );
});

Deno.test("names: ≤ 2026-01 era (underscores, spec at the end)", () => {
  check("dsr1_1k8k_fp4_sglang_tp4_ep4_dpa_true_conc128_specdecode_mtp_b200-nv_1", {
    identity: {
      model: "dsr1",
      isl: 1024,
      osl: 8192,
      precision: "fp4",
      framework: "sglang",
      dp_attention: true,
      concurrency: 128,
      spec_decoding: "mtp",
      runner: "b200-nv_1",
    },
    metrics: { tp: 4, ep: 4 },
  });
});

Deno.test("names: frameworks containing '-' stay whole", () => {
  for (const fw of ["huawei-mindie", "dynamo-trt", "sglang-disagg"]) {
    check(
      `dsv4_8k1k_fp4_${fw}_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc4_950dt-mock_00.json`,
      { identity: { framework: fw, precision: "fp4", model: "dsv4", runner: "950dt-mock_00" } },
    );
  }
});

Deno.test("names: an EXP_NAME without <prefix>_<seq> gives no model and no ISL/OSL (no guessing)", () => {
  const got = parseResultName(
    "agg_dsv4-fp4-950dt-huawei-mindie_fp4_huawei-mindie_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc4_950dt-mock_00.json",
  );
  assert.equal(got.identity.model, undefined);
  assert.equal(got.identity.isl, undefined);
  assert.equal(got.identity.framework, "huawei-mindie");
  assert.equal(got.identity.concurrency, 4);
});

Deno.test("names: recipe fingerprint suffix is not part of the runner", () => {
  check(
    "gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc4_h200-nebius_0_recipe-0123456789abcdef.json",
    { identity: { runner: "h200-nebius_0", concurrency: 4 } },
  );
});

Deno.test("names: multi-node AMD agg with the per-point suffix", () => {
  check(
    "agg_gptoss_1k1k_fp4_vllm-disagg_prefill-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_decode-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_disagg-true_spec-none_conc4x8x16x32x64x128x256x512_mi355x-amds_0_concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8.json",
    {
      identity: {
        model: "gptoss",
        isl: 1024,
        osl: 1024,
        framework: "vllm-disagg",
        precision: "fp4",
        is_multinode: true,
        disagg: true,
        prefill_dp_attention: false,
        decode_dp_attention: false,
        concurrency: 64,
        runner: "mi355x-amds_0",
      },
      metrics: {
        prefill_tp: 8,
        prefill_ep: 1,
        prefill_num_workers: 1,
        decode_tp: 8,
        decode_ep: 1,
        decode_num_workers: 1,
        num_prefill_gpu: 8,
        num_decode_gpu: 8,
        num_gpus: 16,
      },
    },
  );
});

Deno.test("names: multi-node per-side pp, dcp and pcp (decode dcp2), null where not named", () => {
  check(
    "agg_gptoss_1k1k_fp4_vllm-disagg_prefill-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_decode-tp8-pp1-dcp2-pcp1-ep1-dpfalse-nw1_disagg-true_spec-none_conc4x8x16x32x64x128x256x512_mi355x-amds_0_concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8.json",
    {
      metrics: {
        prefill_pp: 1,
        prefill_dcp: 1,
        prefill_pcp: 1,
        decode_pp: 1,
        decode_dcp: 2,
        decode_pcp: 1,
        decode_tp: 8,
        decode_ep: 1,
      },
    },
  );
  // A block without pp/dcp/pcp (the regex allows it) says nothing about them.
  check(
    "dsr1_8k1k_fp4_dynamo-trt_prefill-tp4-pcp2-ep4-dptrue-nw2_decode-tp8-ep8-dptrue-nw1_disagg-true_spec-none_conc512_gb200_3.json",
    {
      metrics: {
        prefill_pp: null,
        prefill_dcp: null,
        prefill_pcp: 2,
        decode_pp: null,
        decode_dcp: null,
        decode_pcp: null,
      },
    },
  );
});

Deno.test("names: multi-node legacy NVIDIA per-point suffix (isl/osl/concurrency/req_rate)", () => {
  check(
    "dsr1_8k1k_fp4_dynamo-trt_prefill-tp4-pp1-dcp1-pcp1-ep4-dptrue-nw2_decode-tp8-pp1-dcp1-pcp1-ep8-dptrue-nw1_disagg-true_spec-none_conc512x1024_gb200_3_isl_8192_osl_1024_concurrency_512_req_rate_inf_gpus_24_ctx_8_gen_16.json",
    {
      identity: { framework: "dynamo-trt", concurrency: 512, runner: "gb200_3", disagg: true },
      metrics: { num_prefill_gpu: 8, num_decode_gpu: 16, num_gpus: 24, prefill_num_workers: 2 },
    },
  );
});

Deno.test("names: bare AMD per-point file carries only concurrency and the GPU split", () => {
  const got = parseResultName("multinode/x/concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8.json");
  assert.equal(got.identity.concurrency, 64);
  assert.equal(got.identity.is_multinode, true);
  assert.equal(got.metrics.num_prefill_gpu, 8);
  assert.equal(got.metrics.num_decode_gpu, 8);
  assert.equal(got.metrics.num_gpus, 16);
  assert.equal(got.identity.hardware, undefined);
  assert.equal(got.identity.framework, undefined);
  assert.equal(got.identity.model, undefined);
});

Deno.test("names: srt-slurm results_concurrency files, disaggregated and aggregated", () => {
  check("results_concurrency_64_gpus_16_ctx_4_gen_12.json", {
    identity: { concurrency: 64, is_multinode: true },
    metrics: { num_prefill_gpu: 4, num_decode_gpu: 12, num_gpus: 16 },
  });
  // Aggregated multi-node: no _ctx_/_gen_ → prefill GPUs = gpus, decode GPUs = 0.
  check("results_concurrency_32_gpus_8.json", {
    identity: { concurrency: 32, is_multinode: true },
    metrics: { num_prefill_gpu: 8, num_decode_gpu: 0, num_gpus: 8 },
  });
});

Deno.test("names: gpus_0 and concurrency_0 are left unknown, not 0", () => {
  const got = parseResultName("concurrency_0_req_rate_inf_gpus_0_ctx_0_gen_0.json");
  assert.deepEqual(got.metrics, {}); // no split either: the fold would add P + D = 0
  assert.equal(got.identity.concurrency, undefined);
  assert.equal(got.identity.is_multinode, true);
  assert.equal(parseResultName("glm47_conc0.json").identity.concurrency, undefined);
});

Deno.test("names: a name with only a concurrency gives no hardware, framework or GPU count", () => {
  const got = parseResultName("glm47_conc1.json");
  assert.deepEqual(got, { identity: { concurrency: 1 }, metrics: {} });
  assert.deepEqual(parseResultName("notes.json"), { identity: {}, metrics: {} });
});

Deno.test("names: AgentX pre-MVP directory (bs) and agg (users) agree; kvdram-lmcache mode", () => {
  const dir = parseResultName(
    "agentic_dsr1_tp4_bs8_offloadoff_fp4_vllm_tp4-ep4-dpafalse_disagg-false_spec-none_conc8_b200-dgxc-slurm_8",
  );
  const agg = parseResultName(
    "agg_dsr1_tp4_users8_offloadoff_fp4_vllm_tp4-ep4-dpafalse_disagg-false_spec-none_conc8_b200-dgxc-slurm_8.json",
  );
  for (const got of [dir, agg]) {
    assert.equal(got.identity.model, "dsr1");
    assert.equal(got.identity.concurrency, 8);
    assert.equal(got.identity.offload_mode, "none");
    assert.equal(got.identity.scenario_type, "agentic-coding");
  }
  check(
    "kimik2.7_tp8_conc16_kvdram-lmcache_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc16_mi355x-amds_01.json",
    { identity: { model: "kimik2.7", offload_mode: "dram-lmcache", concurrency: 16 } },
  );
  check(
    "agentic_dsr1_tp4_bs256_offloadon_fp4_vllm_tp4-ep4-dpafalse_disagg-false_spec-none_conc256_b200-nb_1",
    { identity: { offload_mode: "on", concurrency: 256 } },
  );
});

Deno.test("normalizeHardware: cluster: prefix, role suffixes, case", () => {
  const cases: [string, string][] = [
    ["cluster:mi355x-amds", "mi355x"],
    ["B200-TRT", "b200"],
    ["h100-multinode", "h100"],
    ["mi355x-disagg", "mi355x"],
    ["  H200 ", "h200"],
    ["rtx6000pro", "rtx6000pro"],
    ["950dt", "950dt"],
    ["gb300", "gb300"],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeHardware(input), expected, input);
});

Deno.test("normalizeHardware agrees with the AgentX parser's normalizer on real labels", () => {
  // Cells from fixed-seq aggs and AgentX aggs must land on the same hardware key.
  for (
    const label of [
      "cluster:mi355x-amds",
      "B200-TRT",
      "h100-multinode",
      "mi300x-disagg",
      "h200",
      "MI355X",
      "b200-multinode",
      "cluster:b200-dgxc",
    ]
  ) {
    assert.equal(normalizeHardware(label), normalizeAgentxHardware(label), label);
  }
});

Deno.test("srt-slurm per-point CONFIG_NAME does not leak into the runner", () => {
  // {RF}_{CONFIG_NAME}_conc{C}_gpus_{G}_ctx_{P}_gen_{D}.json with CONFIG_NAME sa-bench_isl_8192_osl_1024.
  const disagg = parseResultName(
    "dsr1_8k1k_fp4_dynamo-trt_prefill-tp4-pp1-dcp1-pcp1-ep4-dptrue-nw2_decode-tp8-pp1-dcp1-pcp1-ep8-dptrue-nw1_disagg-true_spec-none_conc512x1024_gb200_3_sa-bench_isl_8192_osl_1024_conc512_gpus_16_ctx_8_gen_8.json",
  );
  assert.equal(disagg.identity.runner, "gb200_3");
  assert.equal(disagg.identity.concurrency, 512);
  assert.equal(disagg.metrics.num_decode_gpu, 8);
  const aggregated = parseResultName(
    "dsr1_8k1k_fp8_sglang_prefill-tp8-pp1-dcp1-pcp1-ep8-dptrue-nw1_decode-tp0-pp1-dcp1-pcp1-ep0-dpfalse-nw0_disagg-false_spec-none_conc64x128_h200-multinode_1_sa-bench_isl_8192_osl_1024_conc64_gpus_16.json",
  );
  assert.equal(aggregated.identity.runner, "h200-multinode_1");
  assert.equal(aggregated.metrics.num_prefill_gpu, 16);
  assert.equal(aggregated.metrics.num_decode_gpu, 0);
});

Deno.test("stemOf: only a trailing .json/.jsonl/.csv goes, in any case", () => {
  const table: [string, string][] = [
    ["a/b/X.JSON", "X"],
    ["X.Jsonl", "X"],
    ["x.json.csv", "x.json"],
    ["x.csv.txt", "x.csv.txt"],
    ["x.jsonx", "x.jsonx"],
    ["x.", "x."],
    [".json", ""],
    ["dir.json/x", "x"],
    ["x.tar.gz", "x.tar.gz"],
  ];
  for (const [path, stem] of table) assert.equal(stemOf(path), stem, path);
});

Deno.test("names: a recipe suffix goes only when it is exactly 16 lower-case hex digits", () => {
  const base = "gptoss_1k1k_fp4_vllm_tp8-ep1-dpafalse_disagg-false_spec-none_conc4_h200-nb_0";
  check(`${base}_recipe-0123456789abcdef.json`, { identity: { runner: "h200-nb_0" } });
  check(`${base}_recipe-0123456789ABCDEF.json`, {
    identity: { runner: "h200-nb_0_recipe-0123456789ABCDEF" },
  });
  check(`${base}_recipe-0123456789abcde.json`, {
    identity: { runner: "h200-nb_0_recipe-0123456789abcde" },
  });
});

Deno.test("names: a head with fewer than three parts gives no framework or precision", () => {
  for (const head of ["vllm", "fp4_vllm", "_vllm"]) {
    const got = parseResultName(`${head}_tp8-ep1-dpafalse_disagg-false_spec-none_conc4_h200_0`);
    assert.equal(got.identity.framework, undefined, head);
    assert.equal(got.identity.precision, undefined, head);
    assert.equal(got.identity.concurrency, 4, head);
  }
  const three = parseResultName("_fp4_vllm_tp8-ep1-dpafalse_disagg-false_spec-none_conc4_h200_0");
  assert.equal(three.identity.framework, "vllm");
  assert.equal(three.identity.precision, "fp4");
});

Deno.test("names: repeated names give equal results that do not share objects", () => {
  const rf = "dsr1_8k1k_fp4_sglang_tp8-ep1-dpafalse_disagg-false_spec-none_conc8_h100-cw_02";
  const a = parseResultName(`bmk_${rf}/agg_${rf}.json`);
  const b = parseResultName(`power_audit_${rf}/${rf}.json`);
  const c = parseResultName(rf);
  assert.deepEqual(a, b);
  assert.deepEqual(a, c);
  assert.equal(a.identity.concurrency, 8);
  a.identity.concurrency = 99;
  a.metrics.tp = 99;
  assert.equal(b.identity.concurrency, 8);
  assert.equal(parseResultName(rf).metrics.tp, 8);
  // A different name in between, then the first again.
  assert.equal(parseResultName("x_concurrency_16").identity.concurrency, 16);
  assert.equal(parseResultName(rf).identity.concurrency, 8);
});

Deno.test("names: AgentX multi-node agg {RF}_conc{N}.json keeps the point out of the runner", () => {
  // Reference §2.2: AgentX multi-node writes one agg per concurrency as `{RF}_conc{N}.json`.
  const rf =
    "kimik2.7_tp8_conc16_kvnone_fp4_dynamo-vllm_prefill-tp4-pp1-dcp1-pcp1-ep1-dpfalse-nw1_decode-tp4-pp1-dcp1-pcp1-ep1-dpfalse-nw1_disagg-true_spec-none_conc16x32_gb200-nv_0";
  const recipe = "_recipe-0123456789abcdef";
  const table: [string, string, number][] = [
    [`bmk_agentic_${rf}/${rf}_conc16.json`, "gb200-nv_0", 16],
    [`${rf}_conc32.json`, "gb200-nv_0", 32],
    // The RF's recipe suffix sits between the runner and the point suffix.
    [`${rf}${recipe}_conc32.json`, "gb200-nv_0", 32],
    [`${rf}${recipe}_concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8.json`, "gb200-nv_0", 64],
    [
      `${rf}${recipe}_sa-bench_isl_8192_osl_1024_conc512_gpus_16_ctx_8_gen_8.json`,
      "gb200-nv_0",
      512,
    ],
    // Quiet: no point suffix, the RF alone (concurrency from the experiment name).
    [`${rf}.json`, "gb200-nv_0", 16],
    [`${rf}${recipe}.json`, "gb200-nv_0", 16],
    // Edge: a recipe that is not 16 lower-case hex digits is part of the runner.
    [`${rf}_recipe-0123456789ABCDEF_conc32.json`, "gb200-nv_0_recipe-0123456789ABCDEF", 32],
    // Edge: `_conc<N>` not at the end is no point suffix (a runner may hold `conc`).
    [`${rf.replace("gb200-nv_0", "gb200-conc8_0")}_conc32.json`, "gb200-conc8_0", 32],
  ];
  for (const [name, runner, conc] of table) {
    check(name, { identity: { runner, concurrency: conc, is_multinode: true, disagg: true } });
  }
  // The point suffix never leaks a GPU split it does not state.
  assert.equal(parseResultName(`${rf}_conc16.json`).metrics.num_gpus, undefined);
});

Deno.test("names: isl_<N>_osl_<M> gives the exact ISL/OSL (srt-slurm CONFIG_NAME, legacy per-point files)", () => {
  // Reference §6.1: `sa-bench_isl_<ISL>_osl_<OSL>/` and the older `isl_X_osl_Y_concurrency_C_…`.
  assert.deepEqual(parseResultName("sa-bench_isl_8192_osl_1024"), {
    identity: { isl: 8192, osl: 1024 },
    metrics: {},
  });
  assert.deepEqual(parseResultName("vllm-disagg_isl_1000_osl_1000"), {
    identity: { isl: 1000, osl: 1000 }, // token counts, not thousands of 1024
    metrics: {},
  });
  check("sa-bench_isl_1024_osl_1024/isl_8192_osl_1024_concurrency_64_req_rate_inf.json", {
    identity: { isl: 8192, osl: 1024, concurrency: 64 },
  });
  // A multi-node name without a <seq> in its EXP_NAME takes ISL/OSL from its per-point suffix.
  check(
    "dsr1_fp4_dynamo-trt_prefill-tp4-pp1-dcp1-pcp1-ep4-dptrue-nw2_decode-tp8-pp1-dcp1-pcp1-ep8-dptrue-nw1_disagg-true_spec-none_conc512x1024_gb200_3_isl_8192_osl_1024_concurrency_512_req_rate_inf_gpus_24_ctx_8_gen_16.json",
    { identity: { isl: 8192, osl: 1024, runner: "gb200_3", concurrency: 512 } },
  );
  check(
    "dsr1_8k1k_fp4_dynamo-trt_prefill-tp4-pp1-dcp1-pcp1-ep4-dptrue-nw2_decode-tp8-pp1-dcp1-pcp1-ep8-dptrue-nw1_disagg-true_spec-none_conc512x1024_gb200_3_sa-bench_isl_8192_osl_1024_conc512_gpus_16_ctx_8_gen_8.json",
    { identity: { isl: 8192, osl: 1024 } },
  );
  // Not a token of its own: no ISL/OSL.
  assert.equal(parseResultName("xisl_1024_osl_1024").identity.isl, undefined);
  assert.equal(parseResultName("isl_1024_osl_1024x").identity.isl, undefined);
  assert.equal(parseResultName("isl_1024").identity.isl, undefined);
  assert.equal(parseResultName("sa-bench_isl_0_osl_0").identity.isl, undefined);
});

Deno.test("dirSeqNameOf: a file's directory lends it ISL/OSL only, and only when its name has none", () => {
  const cases: [string, string | null][] = [
    [
      "outputs/1234/logs/sa-bench_isl_8192_osl_1024/results_concurrency_4_gpus_16_ctx_8_gen_8",
      "isl_8192_osl_1024",
    ],
    [
      "vllm-disagg_isl_1024_osl_1024/concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8",
      "isl_1024_osl_1024",
    ],
    ["runs/kimik2.5_8k1k/concurrency_4", "isl_8192_osl_1024"],
    // The file's own name wins (legacy form, reference §6.1).
    ["sa-bench_isl_1024_osl_1024/isl_8192_osl_1024_concurrency_64_req_rate_inf", null],
    [
      "kimik2.5_8k1k/kimik2.5_1k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc4_MI355-gbt350-odcdh5-wbb3",
      null,
    ],
    // A directory saying nothing, or no directory at all.
    ["logs/results_concurrency_4_gpus_16", null],
    ["sa-bench_isl_8192_osl_1024", null],
    ["/concurrency_4", null],
  ];
  for (const [path, expected] of cases) assert.equal(dirSeqNameOf(path), expected, path);
  // What it lends parses back to ISL/OSL and nothing else (a bmk_<RF> directory's hardware,
  // topology or runner never reach the file's cell).
  const lent = dirSeqNameOf(
    "bmk_gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc4_h200-nebius_0/concurrency_4",
  );
  assert.equal(lent, "isl_1024_osl_1024");
  assert.deepEqual(parseResultName(lent!), { identity: { isl: 1024, osl: 1024 }, metrics: {} });
});

Deno.test("curveStemOf: a single-node RF without its _conc<N>_<runner>, a multi-node point without its concurrency; other names null", () => {
  const table: [string, string | null][] = [
    [
      "kimik2.5_8k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc64_MI355-gbt350-odcdh5-wbb3",
      "kimik2.5_8k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc*@mi355",
    ],
    [
      "gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc4_h200-nebius_0_recipe-0123456789abcdef",
      "gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc*@h200_recipe-0123456789abcdef",
    ],
    [
      "dsr1_1k1k_fp8_sglang_tp8_ep1_dpa_false_conc16_specdecode_none_h200-cw_1",
      "dsr1_1k1k_fp8_sglang_tp8_ep1_dpa_false_conc*_specdecode_none@h200",
    ],
    [
      "gptoss_1k1k_fp4_vllm-disagg_prefill-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_decode-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_disagg-true_spec-none_conc4x8_mi355x-amds_0",
      null,
    ],
    // Multi-node per-point names (reference §2.2): AMD, srt-slurm, legacy NVIDIA.
    [
      "gptoss_1k1k_fp4_vllm-disagg_prefill-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_decode-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_disagg-true_spec-none_conc4x8_mi355x-amds_0_concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8",
      "gptoss_1k1k_fp4_vllm-disagg_prefill-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_decode-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_disagg-true_spec-none_conc4x8_mi355x-amds_0_concurrency_*_req_rate_inf_gpus_16_ctx_8_gen_8",
    ],
    [
      "dsr1_8k1k_fp4_dynamo-trt_prefill-tp4-ep4-dptrue-nw1_decode-tp8-ep8-dptrue-nw1_disagg-true_spec-none_conc512x1024_gb200-nv_3_sa-bench_isl_8192_osl_1024_conc1024_gpus_12_ctx_4_gen_8",
      "dsr1_8k1k_fp4_dynamo-trt_prefill-tp4-ep4-dptrue-nw1_decode-tp8-ep8-dptrue-nw1_disagg-true_spec-none_conc512x1024_gb200-nv_3_sa-bench_isl_8192_osl_1024_conc*_gpus_12_ctx_4_gen_8",
    ],
    [
      "dsr1_8k1k_fp4_dynamo-trt_prefill-tp4-ep4-dptrue-nw1_decode-tp8-ep8-dptrue-nw1_disagg-true_spec-none_conc512_gb200-nv_3_isl_8192_osl_1024_concurrency_512_req_rate_inf_gpus_12_ctx_4_gen_8",
      "dsr1_8k1k_fp4_dynamo-trt_prefill-tp4-ep4-dptrue-nw1_decode-tp8-ep8-dptrue-nw1_disagg-true_spec-none_conc512_gb200-nv_3_isl_8192_osl_1024_concurrency_*_req_rate_inf_gpus_12_ctx_4_gen_8",
    ],
    // A multi-node AgentX agg (`{RF}_conc<N>`) and a name without a point stay null.
    [
      "kimik2.5_agentic_fp4_dynamo-vllm_prefill-tp4-ep4-dpfalse-nw2_decode-tp8-ep8-dpfalse-nw1_disagg-true_spec-none_conc16x32_gb200-nv_1_conc32",
      null,
    ],
    ["concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8", null],
    ["minimaxm2.5_8k1k_conc64", null],
  ];
  for (const [stem, curve] of table) assert.equal(curveStemOf(stem), curve, stem);
});
