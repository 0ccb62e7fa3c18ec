import assert from "node:assert/strict";
import { identifyPage } from "./identify.ts";
import { parsePrometheusText } from "./prometheus_text.ts";
import { aggregateSeries, buildSnapshot } from "./snapshot.ts";
import {
  declarationsOnly,
  nanDynamoTrtPage,
  setSample,
  spreadSeries,
  standaloneTrtllmPage,
} from "./_test_pages.ts";

const snap = async (name: string) => {
  const page = parsePrometheusText(
    await Deno.readTextFile(new URL(`../testdata/metrics/${name}`, import.meta.url)),
  );
  return buildSnapshot(page, identifyPage(page));
};
const fromText = (text: string) => {
  const page = parsePrometheusText(text);
  return buildSnapshot(page, identifyPage(page));
};

Deno.test("stand-alone vLLM page: §8.1 values; measured zeros are zeros, connector fields null", async () => {
  const s = await snap("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  assert.deepEqual(s.gauges, { running: 0, waiting: 0, kv_usage: 0, capacity_tokens: 2452 * 16 });
  assert.equal(s.counters.prefix_cache_queries?.total, 0);
  assert.equal(s.counters.prefix_cache_hits?.total, 0);
  assert.equal(s.counters.prompt_tokens?.total, 0);
  assert.equal(s.counters.generation_tokens?.total, 0);
  assert.equal(s.counters.requests_completed?.total, 0);
  assert.deepEqual(
    s.counters.requests_completed?.series.map((x) => x.labels.finished_reason).sort(),
    ["abort", "length", "stop"],
  );
  assert.equal(s.counters.preemptions?.total, 0);
  assert.equal(s.histograms.ttft?.series[0].count, 0);
  assert.equal(
    s.histograms.ttft?.series[0].buckets.filter((b) => Number.isFinite(b.le)).length,
    22,
  );
  assert.equal(s.histograms.itl?.series[0].count, 0);
  assert.equal(s.process_start_s, 1.76243836732e9);
  for (
    const f of [
      "kv_transfer_failures",
      "kv_transfer_time",
      "kv_transfer_size",
      "offload_bytes_gpu_to_cpu",
    ]
  ) {
    assert.equal(s.unavailable[f], "no KV connector metrics on this page", f);
  }
});

Deno.test("Dynamo vLLM worker page: §8.2 values; requests counted once", async () => {
  const s = await snap("ai-dynamo_dynamo__vllm.log");
  assert.deepEqual(s.gauges, {
    running: 0,
    waiting: 0,
    kv_usage: 0,
    capacity_tokens: 95088,
    inflight_requests: 0,
  });
  assert.equal(s.counters.prompt_tokens?.total, 66);
  assert.equal(s.counters.generation_tokens?.total, 600);
  assert.equal(s.counters.requests_completed?.total, 2);
  assert.equal(s.counters.request_errors?.total, 0);
  assert.equal(s.counters.prefix_cache_queries?.total, 0);
  assert.equal(s.counters.preemptions?.total, 0);
  const ttft = s.histograms.ttft!.series[0];
  assert.deepEqual([ttft.count, ttft.sum], [2, 0.4143967628479004]);
  assert.equal(ttft.buckets.find((b) => b.le === 0.02)?.count, 1);
  assert.equal(ttft.buckets.find((b) => b.le === 0.25)?.count, 1);
  assert.equal(ttft.buckets.find((b) => b.le === 0.5)?.count, 2);
  const itl = s.histograms.itl!.series[0];
  assert.deepEqual([itl.count, itl.sum, itl.buckets[0].count], [598, 3.1598554495722055, 597]);
  assert.deepEqual([s.histograms.e2e?.series[0].count, s.histograms.e2e?.series[0].sum], [
    2,
    3.5736520290374756,
  ]);
  assert.deepEqual(
    [s.histograms.queue_time?.series[0].sum, s.histograms.queue_time?.series[0].buckets[0].le],
    [1.883227378129959e-05, 0.3],
  );
  // LMCache is on the page: the reason names what is missing, never "no KV connector metrics".
  for (const f of ["kv_transfer_failures", "kv_transfer_time", "kv_transfer_size"]) {
    assert.equal(
      s.unavailable[f],
      "no NIXL/Mooncake transfer metrics on this page: its KV connector evidence is lmcache, " +
        "which exports none",
      f,
    );
  }
  assert.equal(
    s.unavailable.offload_bytes_gpu_to_cpu,
    "no vLLM CPU-offload byte counters (vllm:kv_offload_*) on this page: its KV connector " +
      "evidence is lmcache, which exports none",
  );
});

Deno.test("Dynamo TRT-LLM worker page: §8.4 values and reasons", async () => {
  const s = await snap("ai-dynamo_dynamo__trtllm.log");
  assert.deepEqual(s.gauges, { inflight_requests: 0 });
  assert.match(
    s.unavailable.running,
    /trtllm_num_requests_running absent.*inflight_requests.* = 0/,
  );
  assert.match(s.unavailable.kv_usage, /kvstats_total_blocks is 0/);
  assert.equal(s.counters.requests_completed?.total, 2);
  assert.deepEqual(s.counters.requests_completed?.series.map((x) => x.labels.finished_reason), [
    "length",
  ]);
  const t = s.histograms.ttft!.series[0];
  assert.deepEqual([t.count, t.sum], [2, 0.06795299984514713]);
  assert.deepEqual(
    t.buckets.filter((b) => b.le === 0.02 || b.le === 0.04 || b.le === 0.06).map((b) => b.count),
    [0, 1, 2],
  );
  assert.deepEqual([s.histograms.e2e?.series[0].count, s.histograms.e2e?.series[0].sum], [
    2,
    1.7300310004502535,
  ]);
  assert.equal(s.histograms.itl?.series[0].sum, 0.005558789299682629);
  assert.equal(s.histograms.queue_time?.series[0].sum, 0.01181500032544136);
  for (
    const f of [
      "prompt_tokens",
      "generation_tokens",
      "prefix_cache_hits",
      "kv_transfer_failures",
      "offload_bytes_gpu_to_cpu",
    ]
  ) {
    assert.ok(s.unavailable[f], f);
    assert.equal(s.counters[f as "prompt_tokens"], undefined);
  }
});

Deno.test("SGLang page: §8.5 values", async () => {
  const s = await snap("sgl-project_sglang__production_metrics_md_40ef116f.prom");
  assert.deepEqual([s.gauges.running, s.gauges.waiting, s.gauges.kv_usage], [162, 2826, 0.28]);
  assert.equal(s.counters.prompt_tokens?.total, 8128902);
  assert.equal(s.counters.generation_tokens?.total, 7557572);
  const ttft = s.histograms.ttft!.series[0];
  assert.deepEqual([ttft.count, ttft.sum, ttft.buckets.find((b) => b.le === 30)?.count], [
    11008,
    2351897.9474117756,
    2513,
  ]);
  assert.equal(s.histograms.e2e?.series[0].count, 11228);
  assert.equal(s.histograms.itl?.series[0].count, 7400757);
});

Deno.test("Dynamo frontend page: frontend fields only, engine fields explain why", async () => {
  const s = await snap("ai-dynamo_dynamo__fe.log");
  assert.deepEqual([s.gauges.running, s.gauges.waiting], [0, 0]);
  assert.equal(s.counters.requests_completed?.total, 1);
  assert.equal(s.counters.generation_tokens?.total, 300);
  assert.deepEqual([s.histograms.itl?.series[0].count, s.histograms.itl?.series[0].sum], [
    299,
    0.6126917290000005,
  ]);
  // A frontend page is no engine: no reason may name one.
  assert.equal(s.unavailable.kv_usage, "not exported by a Dynamo frontend page");
  assert.equal(s.unavailable.waiting_on_transfer, "not exported by a Dynamo frontend page");
  assert.equal(s.unavailable.prompt_tokens, "not exported by a Dynamo frontend page");
  for (const [field, why] of Object.entries(s.unavailable)) {
    assert.ok(!/vLLM|SGLang|TensorRT/.test(why), `${field}: ${why}`);
  }
});

Deno.test("data-parallel series are summed, TP replicas are not", () => {
  const v = fromText(
    'vllm:num_requests_running{engine="0"} 3\nvllm:num_requests_running{engine="1"} 7\n',
  );
  assert.equal(v.gauges.running, 10);
  const s = fromText([
    'sglang:num_running_reqs{dp_rank="0",tp_rank="0"} 5',
    'sglang:num_running_reqs{dp_rank="0",tp_rank="1"} 5',
    'sglang:num_running_reqs{dp_rank="1",tp_rank="0"} 2',
    'sglang:num_running_reqs{dp_rank="1",tp_rank="1"} 2',
  ].join("\n"));
  assert.equal(s.gauges.running, 7);
  assert.equal(
    aggregateSeries([{ labels: { tp_rank: "0" }, value: 4 }, {
      labels: { tp_rank: "1" },
      value: 5,
    }]),
    5,
  );
});

Deno.test("new and legacy offload names are never added; NaN gauges are null with reason", () => {
  const s = fromText([
    "vllm:num_requests_running NaN",
    "vllm:kv_offload_store_bytes_total 100",
    'vllm:kv_offload_total_bytes_total{transfer_type="GPU_to_CPU"} 100',
    'vllm:kv_offload_total_bytes_total{transfer_type="CPU_to_GPU"} 40',
  ].join("\n"));
  assert.equal(s.counters.offload_bytes_gpu_to_cpu?.total, 100);
  assert.equal(s.counters.offload_bytes_cpu_to_gpu?.total, 40);
  assert.equal(s.gauges.running, undefined);
  assert.equal(s.unavailable.running, "NaN");
  assert.ok(s.identity.connectors.includes("cpu-offload"));
});

Deno.test("a page with no engine has every field unavailable with one reason", () => {
  const s = fromText("node_load1 0.5\n");
  assert.deepEqual(s.gauges, {});
  assert.equal(s.unavailable.running, "no engine metrics recognised on this page");
});

Deno.test("NaN or ±Inf counters, gauges and histograms are unavailable with a reason, never a number", () => {
  const s = fromText([
    "vllm:num_requests_waiting +Inf",
    "vllm:kv_cache_usage_perc -Inf",
    'vllm:request_success_total{finished_reason="stop"} 10',
    'vllm:request_success_total{finished_reason="length"} NaN',
    "vllm:prompt_tokens_total +Inf",
    "vllm:generation_tokens_total 100",
    'vllm:time_to_first_token_seconds_bucket{le="0.1"} NaN',
    'vllm:time_to_first_token_seconds_bucket{le="+Inf"} 4',
    "vllm:time_to_first_token_seconds_count 4",
    "vllm:time_to_first_token_seconds_sum 0.2",
    'vllm:e2e_request_latency_seconds_bucket{le="1e308"} 1',
    'vllm:e2e_request_latency_seconds_bucket{le="+Inf"} 1',
    "vllm:e2e_request_latency_seconds_count 1",
    "vllm:e2e_request_latency_seconds_sum 0.5",
  ].join("\n"));
  // A scalar's reason is its value (reference §5.11: "NaN"); a histogram's names the problem.
  assert.deepEqual(
    [s.unavailable.waiting, s.unavailable.kv_usage, s.unavailable.requests_completed],
    ["+Inf", "-Inf", "NaN"],
  );
  assert.equal(s.unavailable.prompt_tokens, "+Inf");
  assert.equal(s.unavailable.ttft, "not a finite number on the page (NaN or ±Inf)");
  assert.equal(s.counters.generation_tokens?.total, 100);
  // A finite bound that is still finite in seconds is kept (no scale here).
  assert.ok(s.histograms.e2e !== undefined);
});

Deno.test("process start: the latest finite value of every series; NaN alone gives null", () => {
  assert.equal(fromText("process_start_time_seconds NaN\n").process_start_s, null);
  const two = [
    'process_start_time_seconds{pid="2"} 1700000050',
    'process_start_time_seconds{pid="1"} 1700000000',
    'process_start_time_seconds{pid="3"} NaN',
  ];
  assert.equal(fromText(two.join("\n")).process_start_s, 1700000050);
  assert.equal(fromText(two.reverse().join("\n")).process_start_s, 1700000050);
});

const VLLM_MODEL = { model_name: "Qwen/Qwen1.5-0.5B-Chat" };
const SGLANG_PAGE = "sgl-project_sglang__production_metrics_md_40ef116f.prom";
const readPage = (name: string) =>
  Deno.readTextFile(new URL(`../testdata/metrics/${name}`, import.meta.url));

Deno.test("KV usage over data-parallel vLLM engines is the fullest engine's, never a sum", async () => {
  // The real stand-alone page served by two engine cores: its engine="0" series copied to
  // engine="1", then usage 0.5 / 0.6 and running 3 / 7 set by hand.
  let text = spreadSeries(
    await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt"),
    (n) => n.startsWith("vllm:"),
    [{ engine: "0" }, { engine: "1" }],
  );
  const usage = (engine: string, v: number) =>
    setSample(text, "vllm:kv_cache_usage_perc", { ...VLLM_MODEL, engine }, () => v);
  text = usage("0", 0.5);
  text = usage("1", 0.6);
  text = setSample(text, "vllm:num_requests_running", { engine: "0" }, () => 3);
  text = setSample(text, "vllm:num_requests_running", { engine: "1" }, () => 7);
  const s = fromText(text);
  assert.equal(s.gauges.kv_usage, 0.6); // max, not 1.1
  assert.equal(s.gauges.running, 10); // counts still add up
  assert.equal(s.gauges.capacity_tokens, 2 * 2452 * 16); // capacity too
});

Deno.test("SGLang token_usage over dp_rank × tp_rank: max over DP, replicas once; counts summed", async () => {
  // The real SGLang page's scheduler gauges spread over 2 DP ranks × 2 identical TP replicas;
  // DP rank 1 then set to 0.61 usage and 100 running.
  let text = spreadSeries(
    await readPage(SGLANG_PAGE),
    (n) => ["sglang:token_usage", "sglang:num_running_reqs", "sglang:num_used_tokens"].includes(n),
    [
      { dp_rank: "0", tp_rank: "0" },
      { dp_rank: "0", tp_rank: "1" },
      { dp_rank: "1", tp_rank: "0" },
      { dp_rank: "1", tp_rank: "1" },
    ],
  );
  text = setSample(text, "sglang:token_usage", { dp_rank: "1" }, () => 0.61);
  text = setSample(text, "sglang:num_running_reqs", { dp_rank: "1" }, () => 100);
  const s = fromText(text);
  assert.equal(s.gauges.kv_usage, 0.61); // not 0.28 + 0.61 = 0.89, nor 1.78 with replicas
  assert.equal(s.gauges.running, 162 + 100);
});

Deno.test("older SGLang kv_transfer_* gauges: reason says gauge without window semantics, not absent", async () => {
  const real = await readPage(SGLANG_PAGE);
  const m = 'model_name="meta-llama/Llama-3.1-8B-Instruct"';
  const s = fromText(
    real + "\n# TYPE sglang:kv_transfer_latency_ms gauge\n" +
      `sglang:kv_transfer_latency_ms{${m}} 12.5\n` +
      `# TYPE sglang:kv_transfer_total_mb gauge\nsglang:kv_transfer_total_mb{${m}} 48.0\n`,
  );
  assert.equal(
    s.unavailable.kv_transfer_time,
    "sglang:kv_transfer_latency_ms is a gauge in this SGLang build (the last transfer's value, no " +
      "count or sum): it has no window semantics, so windowed transfer latency quantiles are unknown",
  );
  assert.match(s.unavailable.kv_transfer_size, /^sglang:kv_transfer_total_mb is a gauge/);
  assert.match(s.unavailable.kv_transfer_size, /counts and bytes are unknown$/);
  // Without them the reason is still "absent".
  assert.equal(
    fromText(real).unavailable.kv_transfer_time,
    "not exported by this SGLang build (sglang:kv_transfer_latency_ms absent)",
  );
});

Deno.test("Dynamo worker page: uptime kept as the restart marker when there is no process start", async () => {
  const s = await snap("ai-dynamo_dynamo__vllm.log");
  assert.deepEqual([s.process_start_s, s.uptime_s], [null, 69.555781023]);
});

Deno.test("distinct failure counters with the same labels add up; replicas of one counter do not", async () => {
  // The real stand-alone vLLM page with the NIXL counters a P/D prefill adds (reference §4.1):
  // 3 failed transfers and 2 failed notifications on engine 0 are 5 failures, not max(3, 2).
  const l = 'engine="0",model_name="Qwen/Qwen1.5-0.5B-Chat"';
  const vllm = fromText(
    (await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt")) +
      "\n# TYPE vllm:nixl_num_failed_transfers_total counter\n" +
      `vllm:nixl_num_failed_transfers_total{${l}} 3\n` +
      "# TYPE vllm:nixl_num_failed_notifications_total counter\n" +
      `vllm:nixl_num_failed_notifications_total{${l}} 2\n`,
  );
  assert.equal(vllm.counters.kv_transfer_failures?.total, 5);
  assert.deepEqual(vllm.counters.kv_transfer_failures?.sources, [
    "vllm:nixl_num_failed_transfers_total",
    "vllm:nixl_num_failed_notifications_total",
  ]);
  // SGLang: transfer and bootstrap failures are distinct requests, each repeated by two TP
  // replicas (counted once). Timeout observations count requests already failed: not added.
  const m = 'model_name="meta-llama/Llama-3.1-8B-Instruct"';
  const sg = fromText(
    (await readPage(SGLANG_PAGE)) + "\n" + [
      "# TYPE sglang:num_transfer_failed_reqs_total counter",
      `sglang:num_transfer_failed_reqs_total{${m},tp_rank="0"} 4`,
      `sglang:num_transfer_failed_reqs_total{${m},tp_rank="1"} 4`,
      "# TYPE sglang:num_bootstrap_failed_reqs_total counter",
      `sglang:num_bootstrap_failed_reqs_total{${m},tp_rank="0"} 1`,
      `sglang:num_bootstrap_failed_reqs_total{${m},tp_rank="1"} 1`,
      "# TYPE sglang:kv_transfer_timeouts_total counter",
      'sglang:kv_transfer_timeouts_total{stage="transfer"} 3',
      'sglang:kv_transfer_timeouts_total{stage="bootstrap"} 1',
    ].join("\n") + "\n",
  );
  assert.equal(sg.counters.kv_transfer_failures?.total, 5);
  assert.deepEqual(sg.counters.kv_transfer_failures?.sources, [
    "sglang:num_transfer_failed_reqs_total",
    "sglang:num_bootstrap_failed_reqs_total",
  ]);
  assert.equal(
    aggregateSeries([
      { metric: "a_total", labels: { engine: "0" }, value: 3 },
      { metric: "b_total", labels: { engine: "0" }, value: 2 },
      { metric: "a_total", labels: { engine: "0", tp_rank: "1" }, value: 3 },
    ]),
    5,
  );
});

Deno.test("SGLang waiting on transfer: distinct queues add up, the renamed prealloc queue is read once", async () => {
  // The prefill prealloc queue was renamed bootstrap queue (reference §4.2): a page that shows
  // both names (one quantity) counts it once, next to the distinct inflight queue.
  const m = 'model_name="meta-llama/Llama-3.1-8B-Instruct"';
  const s = fromText(
    (await readPage(SGLANG_PAGE)) + "\n" + [
      `sglang:num_prefill_inflight_queue_reqs{${m}} 3`,
      `sglang:num_prefill_prealloc_queue_reqs{${m}} 7`,
      `sglang:num_prefill_bootstrap_queue_reqs{${m}} 7`,
    ].join("\n") + "\n",
  );
  assert.equal(s.gauges.waiting_on_transfer, 10);
  assert.equal(
    s.gauge_sources.waiting_on_transfer,
    "sglang:num_prefill_inflight_queue_reqs + sglang:num_prefill_bootstrap_queue_reqs",
  );
  const old = fromText(
    (await readPage(SGLANG_PAGE)) + `\nsglang:num_prefill_prealloc_queue_reqs{${m}} 7\n`,
  );
  assert.equal(old.gauges.waiting_on_transfer, 7);
});

Deno.test("NaN gauges read outside the engine tables (Dynamo kvstats, in-flight, TRT-LLM capacity) are null with reason NaN", async () => {
  // The real Dynamo TRT-LLM worker page with kvstats wired (total_blocks 100) but a NaN usage
  // and in-flight count, plus a NaN TRT-LLM block count (reference §5.11).
  const s = fromText(nanDynamoTrtPage(
    await Deno.readTextFile(
      new URL("../testdata/metrics/ai-dynamo_dynamo__trtllm.log", import.meta.url),
    ),
  ));
  assert.deepEqual(
    [s.gauges.kv_usage, s.gauges.inflight_requests, s.gauges.capacity_tokens],
    [undefined, undefined, undefined],
  );
  assert.deepEqual(
    [s.unavailable.kv_usage, s.unavailable.inflight_requests, s.unavailable.capacity_tokens],
    ["NaN", "NaN", "NaN"],
  );
  assert.ok(!s.unavailable.running.includes("NaN"), s.unavailable.running);
  // The same page with finite values still reads them (the real capture has usage 0).
  const wired = fromText(setSample(
    await Deno.readTextFile(
      new URL("../testdata/metrics/ai-dynamo_dynamo__trtllm.log", import.meta.url),
    ),
    "dynamo_component_kvstats_total_blocks",
    {},
    () => 100,
  ));
  assert.deepEqual([wired.gauges.kv_usage, wired.gauges.inflight_requests], [0, 0]);
});

Deno.test("one metric with hundreds of thousands of series: summed and maxed, no stack overflow", () => {
  // A spread (`push(...xs)`, `Math.max(...xs)`) passes one argument per series and overflows
  // the call stack past ~130 000; these sizes must be read like any other page.
  const n = 200_000;
  const lines: string[] = ["# TYPE vllm:kv_cache_usage_perc gauge"];
  for (let i = 0; i < n; i++) {
    lines.push(`vllm:kv_cache_usage_perc{engine="${i}"} ${i === 7 ? 0.75 : 0.25}`);
  }
  lines.push("# TYPE vllm:prompt_tokens_total counter");
  for (let i = 0; i < n; i++) lines.push(`vllm:prompt_tokens_total{engine="${i}"} 2`);
  const s = fromText(lines.join("\n"));
  assert.equal(s.gauges.kv_usage, 0.75);
  assert.equal(s.counters.prompt_tokens?.series.length, n);
  assert.equal(s.counters.prompt_tokens?.total, 2 * n);
  const series = Array.from({ length: n }, (_, i) => ({ labels: { engine: `${i}` }, value: i }));
  assert.equal(aggregateSeries(series, { across: "max" }), n - 1);
  assert.equal(aggregateSeries(series), (n * (n - 1)) / 2);
});

Deno.test("stand-alone 1.1.0rc5 TensorRT-LLM page: the five unprefixed families read as in §8.4", async () => {
  const text = standaloneTrtllmPage(
    await Deno.readTextFile(
      new URL("../testdata/metrics/ai-dynamo_dynamo__trtllm.log", import.meta.url),
    ),
  );
  const s = fromText(text);
  assert.equal(s.identity.engine, "trtllm");
  assert.deepEqual(s.gauges, {});
  assert.deepEqual(s.counters.requests_completed?.sources, ["request_success_total"]);
  assert.equal(s.counters.requests_completed?.total, 2);
  const t = s.histograms.ttft!.series[0];
  assert.deepEqual([s.histograms.ttft?.source, t.count, t.sum], [
    "time_to_first_token_seconds",
    2,
    0.06795299984514713,
  ]);
  assert.deepEqual([s.histograms.e2e?.series[0].count, s.histograms.e2e?.series[0].sum], [
    2,
    1.7300310004502535,
  ]);
  assert.equal(s.histograms.itl?.series[0].sum, 0.005558789299682629);
  assert.equal(s.histograms.queue_time?.series[0].sum, 0.01181500032544136);
  const only = "not exported by TensorRT-LLM builds with unprefixed metric names (1.1.0rc5 " +
    "era: request_success_total and the e2e, TTFT, TPOT and queue-time histograms only)";
  for (const f of ["running", "waiting", "kv_usage", "capacity_tokens", "prompt_tokens"]) {
    assert.equal(s.unavailable[f], only, f);
  }
  // Idle (declared, no samples yet): TensorRT-LLM, with fields unavailable, not misread.
  const idle = fromText(declarationsOnly(text));
  assert.deepEqual([idle.identity.engine, idle.counters, idle.histograms], ["trtllm", {}, {}]);
  assert.equal(
    idle.unavailable.requests_completed,
    "request_success_total is declared on this page but has no series yet",
  );
});

/**
 * A Triton TensorRT-LLM backend page. No real capture is available: the families and label values
 * are those the backend registers (`request_type` active, max, scheduled, context, waiting;
 * `kv_cache_block_type` max, free, used, tokens_per, fraction; labels `model`, `version`).
 */
function tritonPage(options: { waiting?: boolean; fraction?: boolean } = {}): string {
  const req = (type: string, v: number) =>
    `nv_trt_llm_request_metrics{model="tensorrt_llm",request_type="${type}",version="1"} ${v}`;
  const kv = (type: string, v: number) =>
    `nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="${type}",model="tensorrt_llm",version="1"} ${v}`;
  return [
    "# TYPE nv_trt_llm_request_metrics gauge",
    req("context", 1),
    req("scheduled", 4),
    req("max", 64),
    req("active", 6),
    ...(options.waiting === false ? [] : [req("waiting", 7)]),
    "# TYPE nv_trt_llm_kv_cache_block_metrics gauge",
    kv("tokens_per", 64),
    kv("used", 900),
    kv("free", 100),
    kv("max", 1000),
    ...(options.fraction === false ? [] : [kv("fraction", 0.9)]),
    'nv_inference_request_success{model="tensorrt_llm",version="1"} 12',
  ].join("\n") + "\n";
}

Deno.test("Triton TensorRT-LLM backend: running, waiting, KV usage and capacity from its labelled gauges", () => {
  const s = fromText(tritonPage());
  assert.equal(s.identity.engine, "trtllm");
  // Active requests are the running ones (trtllm-serve's trtllm_num_requests_running is the
  // same executor count); the 4 scheduled in the last iteration are a part of them.
  assert.deepEqual(s.gauges, { running: 6, waiting: 7, kv_usage: 0.9, capacity_tokens: 64000 });
  for (const f of ["running", "waiting", "kv_usage", "capacity_tokens"]) {
    assert.equal(s.unavailable[f], undefined, f);
  }
  assert.equal(
    s.unavailable.ttft,
    "not among the nv_trt_llm_* families of Triton's TensorRT-LLM backend",
  );
  // An older backend without the waiting and fraction series: used ÷ max blocks, and a reason.
  const old = fromText(tritonPage({ waiting: false, fraction: false }));
  assert.deepEqual(old.gauges, { running: 6, kv_usage: 0.9, capacity_tokens: 64000 });
  assert.equal(
    old.gauge_sources.kv_usage,
    'nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="used"} ÷ {kv_cache_block_type="max"}',
  );
  assert.equal(
    old.unavailable.waiting,
    'not exported by this TensorRT-LLM build (nv_trt_llm_request_metrics{request_type="waiting"} absent)',
  );
});
