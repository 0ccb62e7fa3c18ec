import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import { normalizeHardware, parseAgentxAgg } from "./agentx_agg.ts";

const FIXTURES = new URL("../testdata/parsers/agentx_agg/", import.meta.url);

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8"));
}

function only(value: unknown) {
  const result = parseAgentxAgg(value);
  assert.equal(result.unreadable, false);
  assert.equal(result.drafts.length, 1);
  return { ...result, draft: result.drafts[0] };
}

function close(actual: number | null | undefined, expected: number, tol = 1e-9): void {
  assert.ok(typeof actual === "number", `expected ${expected}, got ${actual}`);
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected} ± ${tol}, got ${actual}`);
}

Deno.test("normalizeHardware strips cluster prefix, site and role suffixes", () => {
  const cases: [string, string | null][] = [
    ["cluster:mi355x-amds", "mi355x"],
    ["B200-TRT", "b200"],
    ["h100-multinode", "h100"],
    ["mi300x-disagg", "mi300x"],
    ["b200-multinode-trt", "b200"],
    ["  H200 ", "h200"],
    ["rtx6000pro", "rtx6000pro"],
    ["950dt", "950dt"],
    ["", null],
    ["cluster:", null],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeHardware(input), expected, input);
});

Deno.test("gen 4 nested agg: agentx-v1 conc 16 matches the §9.7 table", () => {
  const { draft, issues } = only(
    fixture(
      "kimik2.7_tp8_conc16_kvdram-lmcache_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc16_mi355x-amds_01.json",
    ),
  );
  assert.deepEqual(issues, []);
  assert.equal(draft.source_format, "agentx-aiperf");
  assert.equal(draft.priority, 20);
  assert.equal(draft.primary, true);
  assert.deepEqual(draft.identity, {
    hardware: "mi355x",
    model: "kimik2.7",
    model_path: "amd/Kimi-K2.7-Code-MXFP4",
    framework: "vllm",
    precision: "fp4",
    spec_decoding: "none",
    offload_mode: "dram-lmcache",
    disagg: false,
    image: "vllm/vllm-openai-rocm:v0.24.0",
    scenario_type: "agentic-coding",
    is_multinode: false,
    concurrency: 16,
    dp_attention: false,
  });
  const m = draft.metrics;
  // §9.7 table row `agentx-v1/*conc16*`.
  assert.equal(m.num_requests_total, 1607);
  assert.equal(m.num_requests_successful, 720);
  close(m.success_rate, 720 / 1607);
  assert.equal(m.server_gpu_cache_hit_rate, 0.48253);
  assert.equal(m.server_cpu_cache_hit_rate, 0.47029);
  assert.equal(m.tput_per_gpu, 2884.88854);
  // §9.7 consistency check: per_gpu.total × GPUs = total (2884.88854 × 8 = 23079.108).
  assert.equal(m.num_gpus, 8);
  close(m.tput_per_gpu! * m.num_gpus!, m.total_tput_tps!, 1e-3);
  assert.equal(m.tp, 8);
  assert.equal(m.pp, 1);
  assert.equal(m.dcp, 1);
  assert.equal(m.pcp, 1);
  // Gen 4 has no p99: it stays unknown, p95 goes to the extras.
  assert.equal(m.p99_ttft, undefined);
  assert.equal(m.p99_e2el, undefined);
  assert.equal(m.p99_tpot, undefined);
  assert.equal(typeof draft.extra_percentiles?.p95_ttft, "number");
  assert.equal(typeof draft.extra_percentiles?.p95_e2el, "number");
  // §9.7: latency.tpot == latency.itl; intvty.p50 = 1 / itl.p50.
  assert.equal(m.p50_tpot, m.p50_itl);
  close(m.intvty, 1 / m.p50_itl!, 1e-3);
  // gpu_usage_pct is a max, never a p95.
  assert.equal(m.gpu_kv_usage_p95, undefined);
  const n = draft.notes!;
  assert.equal(n.gpu_kv_usage_max, 0.99459);
  assert.equal(n.agg_generation, 4);
  assert.equal(n.server_metrics_present, true);
  assert.equal(n.kv_cache_pool_tokens, 2802611);
  assert.equal(n.server_overall_cache_hit_rate, 0.95283); // 0.48253 + 0.47029
  assert.deepEqual(n.request_accounting, {
    records_total: 1607,
    records_profiled: 720,
    records_dropped_total: 887,
    records_warmup_dropped: 887,
    records_error_dropped: 1,
    error_categories: { InvalidInferenceResultError: 1 },
  });
});

Deno.test("gen 1 flat agg: users-12 example matches §9.5", () => {
  const { draft, issues } = only(
    fixture(
      "agg_dsr1_tp4_users12_offloadoff_fp4_vllm_tp4-ep4-dpafalse_disagg-false_spec-none_conc12_b200-dgxc-slurm_8.json",
    ),
  );
  assert.deepEqual(issues, []);
  assert.equal(draft.source_format, "agentx-trace-replay");
  assert.equal(draft.identity.hardware, "b200");
  assert.equal(draft.identity.concurrency, 12);
  assert.equal(draft.identity.offload_mode, "none");
  assert.equal(draft.identity.model, "dsr1");
  const m = draft.metrics;
  assert.equal(m.num_requests_total, 60);
  close(m.mean_ttft, 164.28, 0.005);
  close(m.p50_ttft, 0.873, 0.0005);
  assert.equal(m.server_gpu_cache_hit_rate, 0.7963523789521875);
  close(m.total_tput_tps, 3250.42, 0.005);
  close(m.duration_s, 1745.18, 0.005);
  close(m.tput_per_gpu, 812.60, 0.005);
  close(m.tput_per_gpu! * 4, m.total_tput_tps!, 1e-6);
  // ttlt is the end-to-end latency; itl is a per-request TPOT.
  assert.equal(typeof m.p99_e2el, "number");
  assert.equal(m.p99_tpot, m.p99_itl);
  assert.equal(typeof m.p999_ttft, "number");
  assert.equal(typeof draft.extra_percentiles?.["p99.9_e2el"], "number");
  assert.equal(draft.notes?.server_total_prompt_tokens, 6089887);
  assert.equal(draft.notes?.agg_generation, 1);
});

Deno.test("flat generations are told apart and mapped", async (t) => {
  await t.step("gen 2: conc, offloading, e2el, p99.9, multi-node GPU split", () => {
    const { draft, issues } = only({
      hw: "gb200-multinode",
      conc: "64",
      offloading: "cpu",
      scenario_type: "agentic-coding",
      is_multinode: true,
      disagg: "true",
      prefill_tp: 4,
      decode_tp: 8,
      num_prefill_gpu: 4,
      num_decode_gpu: 8,
      prefill_dp_attention: "false",
      decode_dp_attention: "true",
      mean_e2el: 10,
      median_e2el: 8,
      p99_e2el: 20,
      "p99.9_e2el": 25,
      "p99.9_ttft": 3,
      mean_tpot: 0.02,
      median_tpot: 0.025,
      median_intvty: 40,
      num_requests_total: 100,
      num_requests_successful: 95,
    });
    assert.deepEqual(issues, []);
    assert.equal(draft.notes?.agg_generation, 2);
    assert.equal(draft.source_format, "agentx-trace-replay");
    assert.equal(draft.identity.hardware, "gb200");
    assert.equal(draft.identity.concurrency, 64);
    assert.equal(draft.identity.offload_mode, "cpu");
    assert.equal(draft.identity.disagg, true);
    assert.equal(draft.identity.decode_dp_attention, true);
    assert.equal(draft.metrics.num_gpus, 12);
    assert.equal(draft.metrics.p50_e2el, 8);
    assert.equal(draft.metrics.p999_ttft, 3);
    assert.equal(draft.metrics.p50_tpot, 0.025);
    assert.equal(draft.metrics.intvty, 40);
    assert.equal(draft.metrics.success_rate, 0.95);
    assert.equal(draft.extra_percentiles?.["p99.9_e2el"], 25);
  });
  await t.step("gen 3: p75/p90/p95 only, p95 is not a p99", () => {
    const { draft } = only({
      conc: 8,
      offloading: "none",
      mean_ttft: 1,
      p75_ttft: 1.5,
      p90_ttft: 2,
      p95_ttft: 3,
    });
    assert.equal(draft.notes?.agg_generation, 3);
    assert.equal(draft.source_format, "agentx-aiperf");
    assert.equal(draft.identity.offload_mode, "none");
    assert.equal(draft.metrics.p90_ttft, 2);
    assert.equal(draft.metrics.p99_ttft, undefined);
    assert.equal(draft.metrics.p50_ttft, undefined);
    assert.deepEqual(draft.extra_percentiles, { p75_ttft: 1.5, p95_ttft: 3 });
  });
  await t.step("gen 1: users and offload on", () => {
    const { draft } = only({ users: 4, offload_mode: "on", mean_ttlt: 5, median_itl: 0.05 });
    assert.equal(draft.notes?.agg_generation, 1);
    assert.equal(draft.identity.offload_mode, "on");
    assert.equal(draft.metrics.mean_e2el, 5);
    assert.equal(draft.metrics.p50_tpot, 0.05);
    assert.equal(draft.metrics.intvty, 20);
  });
  await t.step("gen 4: empty backend, numeric strings, missing server metrics", () => {
    const { draft, issues } = only({
      hw: "cluster:b200-nv",
      conc: 4,
      kv_offloading: "dram",
      kv_offload_backend: "",
      tp: "4",
      num_requests_total: "10",
      num_requests_successful: 0,
      request_metrics: { latency: { ttft: { mean: "1.5", p50: 1, p95: 2 } } },
      server_metrics: { present: false, adapter: "none", cache: { gpu_cache_hit_rate: null } },
      warnings: ["server_metrics_export.json missing or empty"],
    });
    assert.deepEqual(issues, []);
    assert.equal(draft.identity.hardware, "b200");
    assert.equal(draft.identity.offload_mode, "dram");
    assert.equal(draft.metrics.tp, 4);
    assert.equal(draft.metrics.num_gpus, 4);
    assert.equal(draft.metrics.mean_ttft, 1.5);
    assert.equal(draft.metrics.success_rate, 0);
    assert.equal(draft.metrics.server_gpu_cache_hit_rate, undefined);
    assert.equal(draft.notes?.server_metrics_present, false);
    assert.deepEqual(draft.notes?.warnings, ["server_metrics_export.json missing or empty"]);
  });
});

Deno.test("malformed agg input becomes issues, never a throw", async (t) => {
  for (const value of [null, [], "agg", 42, [{ conc: 1 }]]) {
    await t.step(`not an object: ${JSON.stringify(value)}`, () => {
      const result = parseAgentxAgg(value);
      assert.equal(result.unreadable, true);
      assert.deepEqual(result.drafts, []);
      assert.equal(result.issues.length, 1);
      assert.match(result.issues[0].message, /^Expected an AgentX agg object, got /);
    });
  }
  await t.step("object without AgentX keys", () => {
    const result = parseAgentxAgg({ hw: "b200", tp: 8 });
    assert.equal(result.unreadable, true);
    assert.equal(
      result.issues[0].message,
      "Not an AgentX agg: none of request_metrics, users or conc is present",
    );
  });
  await t.step("wrong types and NaN strings", () => {
    const { draft, issues } = only({
      conc: 16,
      tp: "eight",
      dp_attention: "maybe",
      request_metrics: {
        latency: { ttft: { mean: "NaN", p50: [1] }, e2el: "fast" },
        throughput: [],
      },
      server_metrics: { cache: { gpu_cache_hit_rate: "0.5" } },
      request_accounting: "many",
    });
    assert.equal(draft.metrics.tp, undefined);
    assert.equal(draft.metrics.mean_ttft, undefined);
    assert.equal(draft.metrics.server_gpu_cache_hit_rate, 0.5);
    assert.equal(draft.identity.dp_attention, undefined);
    assert.deepEqual(issues.map((i) => i.message).sort(), [
      'Field "dp_attention" is not a boolean: "maybe"',
      'Field "request_accounting" is not an object: "many"',
      'Field "request_metrics.latency.e2el" is not an object: "fast"',
      'Field "request_metrics.latency.ttft.mean" is not a number: "NaN"',
      'Field "request_metrics.latency.ttft.p50" is not a number: an array',
      'Field "request_metrics.throughput" is not an object: an array',
      'Field "tp" is not a number: "eight"',
    ]);
    assert.ok(issues.every((i) => i.line === null));
  });
  await t.step("truncated record: only the discriminator", () => {
    const { draft, issues } = only({ request_metrics: {} });
    assert.deepEqual(issues, []);
    assert.deepEqual(draft.metrics, {});
    assert.deepEqual(draft.identity, {});
  });
});

/** §9.7 real-values table, one row per file. */
const TABLE_9_7 = [
  ["agentx-aiperf", "conc1_", 1, 196, 195, 1, 0, 1, 0.92475, 0.0, 0.13776, 1350.20976],
  ["agentx-aiperf", "conc4_", 4, 552, 547, 5, 0, 5, 0.93741, 0.0, 0.40767, 3099.21014],
  ["agentx-v1", "conc4_", 4, 1627, 667, 960, 2, 960, 0.96143, 0.0, 0.28668, 2422.85528],
  ["agentx-v1", "conc8_", 8, 1749, 663, 1086, 2, 1086, 0.94909, 0.0, 0.51044, 2572.76887],
  ["agentx-v1", "conc16_", 16, 1607, 720, 887, 1, 887, 0.48253, 0.47029, 0.99459, 2884.88854],
  ["agentx-v1", "conc32_", 32, 1786, 1052, 734, 2, 734, 0.09058, 0.79699, 1, 3194.76737],
  ["agentx-v1", "conc48_", 48, 1618, 906, 711, 2, 712, 0.03569, 0.85878, 1, 3252.07251],
] as const;

function findAgg(folder: string, marker: string): string {
  const base = realdata(folder);
  if (folder === "agentx-aiperf") {
    const dir = readdirSync(base).find((d) => d.startsWith("bmk_agentic_") && d.includes(marker))!;
    const file = readdirSync(`${base}/${dir}`).find((f) => f.endsWith(".json"))!;
    return `${base}/${dir}/${file}`;
  }
  const file = readdirSync(base).find((f) => f.includes(`_${marker}`) && f.endsWith(".json"))!;
  return `${base}/${file}`;
}

Deno.test({
  name: "real gen-4 aggs match every row of the §9.7 table",
  ignore: !HAS_REALDATA,
  fn() {
    for (const row of TABLE_9_7) {
      const [folder, marker, conc, total, ok, warm, err, dropped, gpu, ext, usage, perGpu] = row;
      const path = findAgg(folder, marker);
      const { draft, issues } = only(JSON.parse(readFileSync(path, "utf8")));
      const what = `${folder} ${marker}`;
      assert.deepEqual(issues, [], what);
      assert.equal(draft.identity.concurrency, conc, what);
      assert.equal(draft.metrics.num_requests_total, total, what);
      assert.equal(draft.metrics.num_requests_successful, ok, what);
      const ra = draft.notes?.request_accounting as Record<string, number>;
      assert.equal(ra.records_warmup_dropped, warm, what);
      assert.equal(ra.records_error_dropped, err, what);
      assert.equal(ra.records_dropped_total, dropped, what);
      assert.equal(draft.metrics.server_gpu_cache_hit_rate, gpu, what);
      assert.equal(draft.metrics.server_cpu_cache_hit_rate, ext, what);
      assert.equal(draft.notes?.gpu_kv_usage_max, usage, what);
      assert.equal(draft.metrics.tput_per_gpu, perGpu, what);
      assert.equal(draft.metrics.p99_ttft, undefined, what);
      assert.equal(draft.identity.offload_mode, ext > 0 ? "dram-lmcache" : "none", what);
    }
  },
});

Deno.test({
  name: "real gen-1 aggs: users and offload agree with the bmk directory names",
  ignore: !HAS_REALDATA,
  fn() {
    const base = realdata("agentx-kvtester");
    const dirs = readdirSync(base).filter((d) => d.startsWith("bmk_agentic_")).sort();
    assert.ok(dirs.length >= 20);
    for (const dir of dirs) {
      const file = readdirSync(`${base}/${dir}`).find((f) => /^agg_.*\.json$/.test(f))!;
      const { draft, issues } = only(JSON.parse(readFileSync(`${base}/${dir}/${file}`, "utf8")));
      assert.deepEqual(issues, [], dir);
      // Directory names say bs<U> and offload{on,off} (§2.3).
      const m = /_bs(\d+)_offload(on|off)_/.exec(dir)!;
      assert.equal(draft.identity.concurrency, Number(m[1]), dir);
      assert.equal(draft.identity.offload_mode, m[2] === "on" ? "on" : "none", dir);
      assert.equal(draft.notes?.agg_generation, 1, dir);
      assert.equal(draft.identity.hardware, "b200", dir);
      close(draft.metrics.tput_per_gpu! * 4, draft.metrics.total_tput_tps!, 1e-6);
    }
  },
});

Deno.test("zero successes: latency statistics of 0.0 are unknown, throughputs of 0 are measured", async (t) => {
  await t.step("gen 4 nested", () => {
    const agg = structuredClone(
      fixture(
        "kimik2.7_tp8_conc16_kvdram-lmcache_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc16_mi355x-amds_01.json",
      ),
    ) as Record<string, unknown>;
    agg.num_requests_successful = 0;
    const rm = agg.request_metrics as Record<string, Record<string, unknown>>;
    for (const ladder of Object.values(rm.latency) as Record<string, unknown>[]) {
      for (const k of Object.keys(ladder)) ladder[k] = 0.0;
    }
    const tput = rm.throughput as Record<string, Record<string, unknown>>;
    tput.output.tokens_per_second = 0.0;
    const { draft, issues } = only(agg);
    assert.deepEqual(issues, []);
    for (const f of ["mean_ttft", "p50_ttft", "p90_ttft", "mean_tpot", "p50_itl", "mean_e2el"]) {
      assert.equal(draft.metrics[f as keyof typeof draft.metrics] ?? null, null, f);
    }
    assert.equal(draft.metrics.intvty ?? null, null);
    assert.equal(draft.extra_percentiles?.p95_ttft, undefined);
    assert.equal(draft.metrics.output_tput_tps, 0);
    assert.equal(draft.metrics.num_requests_successful, 0);
  });
  await t.step("gen 2 flat", () => {
    const { draft } = only({
      hw: "b200",
      conc: 8,
      scenario_type: "agentic-coding",
      num_requests_total: 40,
      num_requests_successful: 0,
      mean_ttft: 0.0,
      median_ttft: 0.0,
      "p99.9_ttft": 0.0,
      mean_e2el: 0,
      median_intvty: 0,
      mean_tpot: 0.0,
      output_tput_tps: 0.0,
    });
    assert.equal(draft.metrics.mean_ttft ?? null, null);
    assert.equal(draft.metrics.p50_ttft ?? null, null);
    assert.equal(draft.metrics.p999_ttft ?? null, null);
    assert.equal(draft.metrics.mean_e2el ?? null, null);
    assert.equal(draft.metrics.mean_tpot ?? null, null);
    assert.equal(draft.metrics.intvty ?? null, null);
    assert.equal(draft.metrics.output_tput_tps, 0);
  });
});
