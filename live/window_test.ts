import assert from "node:assert/strict";
import { identifyPage } from "./identify.ts";
import { parsePrometheusText } from "./prometheus_text.ts";
import { buildSnapshot, type EndpointSnapshot } from "./snapshot.ts";
import {
  CLOCK_SKEW_S,
  computeEndpointSample,
  computeTransfer,
  counterDelta,
  histogramQuantiles,
  restartSlackS,
  type ScrapeStatus,
  windowsDiffer,
} from "./window.ts";
import { histogramText, setSample, spreadSeries, zeroPage } from "./_test_pages.ts";

const OK: ScrapeStatus = {
  ok: true,
  outcome: "ok",
  url: "http://127.0.0.1:1/metrics",
  http_status: 200,
  message: null,
};
const read = (name: string) =>
  Deno.readTextFile(new URL(`../testdata/metrics/${name}`, import.meta.url));
const snapOf = (text: string) => {
  const page = parsePrometheusText(text);
  return buildSnapshot(page, identifyPage(page));
};
const close = (a: unknown, b: number, eps = 5e-7) => {
  assert.equal(typeof a, "number");
  assert.ok(Math.abs((a as number) - b) < eps, `${a} vs ${b}`);
};
const lifetime = (text: string) => {
  // "Lifetime" quantiles (§8): the capture is scrape B, an all-zero scrape of the same page is A.
  const b = snapOf(text);
  const a = snapOf(text.replace(/^([^#\s][^\s]*(?:\{[^}]*\})?) \S+/gm, "$1 0"));
  return computeEndpointSample(a, b, { windowS: 10, scrape: OK, scrapedAt: null });
};

Deno.test("lifetime ITL quantiles of the Dynamo vLLM page (§8.2)", async () => {
  const s = lifetime(await read("ai-dynamo_dynamo__vllm.log"));
  const itl = s.latency!.itl!;
  close(itl.p50, 0.005008);
  close(itl.p90, 0.009015);
  close(itl.p99, 0.009917);
  close(itl.mean, 0.005284);
  assert.equal(s.deltas!.requests_completed, 2);
  assert.equal(s.latency!.ttft!.status, "insufficient_samples");
});

Deno.test("lifetime ITL quantiles of the Dynamo frontend page (§8.3)", async () => {
  const s = lifetime(await read("ai-dynamo_dynamo__fe.log"));
  const itl = s.latency!.itl!;
  close(itl.p50, 0.002642);
  close(itl.p90, 0.003333);
  close(itl.p99, 0.003489);
});

Deno.test("SGLang TTFT beyond the last bucket is '> 30', never 213.65 or 30 (§8.5)", async () => {
  const s = lifetime(await read("sgl-project_sglang__production_metrics_md_40ef116f.prom"));
  const ttft = s.latency!.ttft!;
  assert.deepEqual([ttft.p50, ttft.p90, ttft.p99], ["> 30", "> 30", "> 30"]);
  close(ttft.share_above_last_bucket, 0.7717, 1e-4);
  assert.equal(s.latency!.e2e!.p50, "> 60");
  const tpot = s.latency!.itl!;
  close(tpot.p50, 0.09308, 1e-5);
  close(tpot.p90, 0.14094, 1e-5);
  close(tpot.p99, 0.63228, 1e-5);
});

Deno.test("a capture paired with itself: Δ = 0, insufficient samples, gauges from B", async () => {
  for (
    const name of [
      "ai-dynamo_dynamo__vllm.log",
      "sgl-project_sglang__production_metrics_md_40ef116f.prom",
    ]
  ) {
    const text = await read(name);
    const s = computeEndpointSample(snapOf(text), snapOf(text), {
      windowS: 5,
      scrape: OK,
      scrapedAt: null,
    });
    for (const v of Object.values(s.deltas!)) assert.equal(v, 0);
    for (const q of Object.values(s.latency!)) assert.equal(q!.status, "insufficient_samples");
    assert.deepEqual(s.counter_resets, []);
  }
  const sg = await read("sgl-project_sglang__production_metrics_md_40ef116f.prom");
  const s = computeEndpointSample(snapOf(sg), snapOf(sg), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.deepEqual([s.gauges.running, s.gauges.waiting, s.growth], [162, 2826, {
    waiting: 0,
    waiting_on_transfer: null,
  }]);
});

Deno.test("counters: reset-aware deltas, rates, series that appear inside the window", () => {
  const a = snapOf(
    'vllm:prompt_tokens_total{engine="0"} 1000\nvllm:generation_tokens_total{engine="0"} 50\n',
  );
  const b = snapOf(
    'vllm:prompt_tokens_total{engine="0"} 1100\nvllm:prompt_tokens_total{engine="1"} 40\nvllm:generation_tokens_total{engine="0"} 20\n',
  );
  const s = computeEndpointSample(a, b, { windowS: 4, scrape: OK, scrapedAt: null });
  assert.equal(s.deltas!.prompt_tokens, 140);
  assert.equal(s.rates!.prompt_tokens, 35);
  assert.equal(s.deltas!.generation_tokens, 20);
  assert.deepEqual(s.counter_resets, ["generation_tokens"]);
});

Deno.test("histogram deltas give windowed quantiles, not lifetime ones", () => {
  const h = (c1: number, c2: number, inf: number) =>
    `# TYPE vllm:time_to_first_token_seconds histogram\n` +
    `vllm:time_to_first_token_seconds_bucket{le="0.1"} ${c1}\n` +
    `vllm:time_to_first_token_seconds_bucket{le="1"} ${c2}\n` +
    `vllm:time_to_first_token_seconds_bucket{le="+Inf"} ${inf}\n` +
    `vllm:time_to_first_token_seconds_count ${inf}\nvllm:time_to_first_token_seconds_sum 1\n`;
  // Lifetime: 1000 fast requests. Window: 40 new ones, all between 0.1 and 1 s.
  const s = computeEndpointSample(snapOf(h(1000, 1000, 1000)), snapOf(h(1000, 1040, 1040)), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  const q = s.latency!.ttft!;
  assert.equal(q.count, 40);
  close(q.p50, 0.55);
  close(q.p90, 0.91);
});

Deno.test("histogramQuantiles: interpolation, beyond-last-bucket, first-bucket-only, minimum count", () => {
  const b = [{ le: 1, count: 10 }, { le: 2, count: 20 }, { le: Infinity, count: 20 }];
  const q = histogramQuantiles(b, { minCount: 1 });
  assert.deepEqual([q.p50, q.p90], [1, 1.8]);
  close(q.p99, 1.98);
  const beyond = histogramQuantiles([{ le: 1, count: 5 }, { le: Infinity, count: 10 }], {
    minCount: 1,
  });
  assert.deepEqual([beyond.p50, beyond.p90, beyond.share_above_last_bucket], [1, "> 1", 0.5]);
  const first = histogramQuantiles([{ le: 0.3, count: 30 }, { le: 1, count: 30 }, {
    le: Infinity,
    count: 30,
  }]);
  assert.equal(first.p50, "<= 0.3");
  const few = histogramQuantiles([{ le: 1, count: 19 }, { le: Infinity, count: 19 }]);
  assert.deepEqual([few.status, few.p50, few.count], ["insufficient_samples", null, 19]);
});

Deno.test("--window 0: gauges only, rates null with reason 'single scrape'", async () => {
  const b = snapOf(await read("ai-dynamo_dynamo__vllm.log"));
  const s = computeEndpointSample(null, b, {
    windowS: 0,
    scrape: OK,
    scrapedAt: "2026-01-01T00:00:00.000Z",
  });
  assert.deepEqual([s.deltas, s.rates, s.latency, s.growth], [null, null, null, null]);
  assert.equal(s.unavailable.rates, "single scrape");
  assert.equal(s.gauges.capacity_tokens, 95088);
  assert.equal(s.lifetime.requests_completed, 2);
});

Deno.test("a process restart (new process_start_time_seconds) resets every counter", () => {
  const a = snapOf("process_start_time_seconds 100\nvllm:prompt_tokens_total 500\n");
  const b = snapOf("process_start_time_seconds 200\nvllm:prompt_tokens_total 600\n");
  const s = computeEndpointSample(a, b, { windowS: 5, scrape: OK, scrapedAt: null });
  assert.equal(s.deltas!.prompt_tokens, 600);
  assert.deepEqual(s.counter_resets, ["prompt_tokens"]);
});

Deno.test("a process that was already running at the first scrape is another process, not a restart", () => {
  // First scrape at t, the second 5 s later.
  const t = Date.parse("2026-06-01T00:00:05Z") / 1000;
  const page = (start: number, prompt: number) =>
    snapOf(`process_start_time_seconds ${start}\nvllm:prompt_tokens_total ${prompt}\n`);
  const sample = (a: EndpointSnapshot, b: EndpointSnapshot) =>
    computeEndpointSample(a, b, {
      windowS: 5,
      scrape: OK,
      scrapedAt: "2026-06-01T00:00:10Z",
      firstScrapeS: t,
    });
  // A replica started a day ago answers after one started two days ago, or the other way round.
  for (const [was, now] of [[t - 2 * 86400, t - 86400], [t - 86400, t - 2 * 86400]]) {
    const s = sample(page(was, 500), page(now, 8_000_000));
    assert.equal(s.rates, null, `${was} then ${now}`);
    assert.equal(s.deltas, null);
    assert.deepEqual(s.counter_resets, []);
    assert.match(s.unavailable.rates, /^another process answered the second scrape \(/);
  }
  assert.match(
    sample(page(t - 86400, 1), page(t - 3600, 2)).unavailable.rates,
    /started 3600 s before the first scrape/,
  );
  // Started after the first scrape (with the clocks' and the request's slack): a restart inside
  // the window, whose counters count from zero.
  for (const start of [t + 3, t, t - 0.25 - CLOCK_SKEW_S]) {
    const s = sample(page(t - 86400, 500), page(start, 600));
    assert.equal(s.deltas!.prompt_tokens, 600, `started ${t - start} s before`);
    assert.deepEqual(s.counter_resets, ["prompt_tokens"]);
  }
  assert.equal(sample(page(t - 86400, 500), page(t - 3, 600)).rates, null, "3 s before");
});

Deno.test("a first scrape with no metrics on it (a 200 HTML page) starts no window", () => {
  const html = snapOf("<html><body>Service starting</body></html>\n");
  const b = snapOf("process_start_time_seconds 100\nvllm:prompt_tokens_total 5000000\n");
  const s = computeEndpointSample(html, b, { windowS: 1, scrape: OK, scrapedAt: null });
  assert.equal(s.rates, null);
  assert.equal(s.deltas, null);
  assert.equal(s.unavailable.rates, "the first scrape returned no metrics (no sample on the page)");
  assert.equal(s.lifetime.prompt_tokens, 5000000);
  // An engine page without its engine metrics yet (before the first request) does start one.
  const early = snapOf("process_start_time_seconds 100\npython_gc_objects_collected_total 5\n");
  const grown = computeEndpointSample(early, b, { windowS: 1, scrape: OK, scrapedAt: null });
  assert.equal(grown.deltas!.prompt_tokens, 5000000);
});

Deno.test("vLLM role betrayed by a window: one token per request (prefill), external KV tokens (decode)", () => {
  const page = (req: number, gen: number, ext: number) =>
    `vllm:request_success_total{finished_reason="length"} ${req}\nvllm:generation_tokens_total ${gen}\n` +
    `vllm:prompt_tokens_by_source_total{source="external_kv_transfer"} ${ext}\n` +
    "vllm:nixl_num_failed_transfers_total 0\n";
  const p = computeEndpointSample(snapOf(page(0, 0, 0)), snapOf(page(10, 10, 0)), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.equal(p.role, "prefill");
  const d = computeEndpointSample(snapOf(page(0, 0, 0)), snapOf(page(10, 900, 4000)), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.equal(d.role, "decode");
  assert.match(d.role_evidence!, /with the nixl connector$/);
  const agg = computeEndpointSample(snapOf(page(0, 0, 0)), snapOf(page(10, 900, 0)), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.equal(agg.role, "unknown");
});

Deno.test("another engine answering the second scrape gives no rates, with the reason", async () => {
  const vllm = await read("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  const sglang = await read("sgl-project_sglang__production_metrics_md_40ef116f.prom");
  const s = computeEndpointSample(snapOf(vllm), snapOf(sglang), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.equal(s.rates, null);
  assert.equal(s.deltas, null);
  assert.equal(
    s.unavailable.rates,
    "the endpoint changed between the scrapes (vllm engine page, then sglang engine page)",
  );
  // An unknown first page (no engine metric yet) that turns into an engine's is not a switch.
  const bare = computeEndpointSample(snapOf("node_load1 0.5\n"), snapOf(vllm), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.ok(!String(bare.unavailable.rates ?? "").includes("changed"), bare.unavailable.rates);
  // The same engine on both scrapes still gives rates.
  const same = computeEndpointSample(snapOf(vllm), snapOf(vllm), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.ok(same.rates !== null);
});

Deno.test("a histogram without a +Inf bucket: p99 beyond the last bound is '> 1', not a number", () => {
  const page = (n: number) =>
    [
      `vllm:time_to_first_token_seconds_bucket{le="0.1"} ${n * 50}`,
      `vllm:time_to_first_token_seconds_bucket{le="1"} ${n * 90}`,
      `vllm:time_to_first_token_seconds_count ${n * 100}`,
      `vllm:time_to_first_token_seconds_sum ${n * 30}`,
      "vllm:num_requests_running 1",
    ].join("\n");
  const s = computeEndpointSample(snapOf(page(0)), snapOf(page(1)), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  const ttft = s.latency!.ttft!;
  assert.equal(ttft.count, 100);
  assert.equal(ttft.p99, "> 1");
});

Deno.test("vLLM external-KV tokens from native CPU offload or LMCache alone do not make a decode", () => {
  // Offload hits feed prompt_tokens_by_source{external_kv_transfer} too (reference §4.1).
  for (
    const connector of [
      "vllm:kv_offload_store_bytes_total 100\n",
      'lmcache:num_hit_tokens_total{role="worker"} 5\n',
    ]
  ) {
    const page = (req: number, gen: number, ext: number) =>
      `vllm:request_success_total{finished_reason="length"} ${req}\n` +
      `vllm:generation_tokens_total ${gen}\n` +
      `vllm:prompt_tokens_by_source_total{source="external_kv_transfer"} ${ext}\n` + connector;
    const s = computeEndpointSample(snapOf(page(0, 0, 0)), snapOf(page(10, 900, 4000)), {
      windowS: 5,
      scrape: OK,
      scrapedAt: null,
    });
    assert.equal(s.deltas!.external_kv_tokens, 4000);
    assert.equal(s.role, "unknown", connector);
  }
});

const SGLANG_REAL = "sgl-project_sglang__production_metrics_md_40ef116f.prom";
const MODEL = { model_name: "meta-llama/Llama-3.1-8B-Instruct" };
const RANKS = [
  { dp_rank: "0", tp_rank: "0" },
  { dp_rank: "0", tp_rank: "1" },
  { dp_rank: "1", tp_rank: "0" },
  { dp_rank: "1", tp_rank: "1" },
];

/**
 * The real SGLang page with recent-main transfer histograms appended for 2 DP ranks × 2 TP
 * replicas (replicas identical). `filled` = [transfers, MB] per DP rank; each transfer is 5 MB
 * and takes 5 ms.
 */
async function sglangWithTransfers(filled: [number, number][]): Promise<string> {
  const real = await read(SGLANG_REAL);
  const lines = [real, "# TYPE sglang:kv_transfer_total_mb histogram"];
  for (const r of RANKS) {
    const [n, mb] = filled[Number(r.dp_rank)];
    const labels = { ...MODEL, ...r };
    lines.push(
      histogramText("sglang:kv_transfer_total_mb", labels, {
        bounds: [1, 10, 100],
        counts: [0, n, n, n],
        sum: mb,
      }),
    );
  }
  lines.push("# TYPE sglang:kv_transfer_latency_ms histogram");
  for (const r of RANKS) {
    const [n] = filled[Number(r.dp_rank)];
    lines.push(
      histogramText("sglang:kv_transfer_latency_ms", { ...MODEL, ...r }, {
        bounds: [1, 10, 100],
        counts: [0, n, n, n],
        sum: 5 * n,
      }),
    );
  }
  return lines.join("\n") + "\n";
}

Deno.test("histograms: DP ranks summed, identical TP replicas counted once", async () => {
  const a = snapOf(await sglangWithTransfers([[0, 0], [0, 0]]));
  const b = snapOf(await sglangWithTransfers([[20, 100], [10, 50]]));
  const s = computeEndpointSample(a, b, { windowS: 5, scrape: OK, scrapedAt: null });
  // DP0 moved 20 transfers / 100 MB, DP1 10 / 50 MB; each TP replica repeats its rank's numbers.
  assert.deepEqual(s.transfers, { count: 30, bytes: 150 * 1024 * 1024 });
  const time = s.latency!.kv_transfer_time!;
  assert.equal(time.count, 30);
  close(time.mean, 0.005, 1e-12); // 150 ms over 30 transfers, in seconds
  // The real TTFT histogram repeated by two TP replicas: lifetime count stays 11008 (§8.5).
  const ttft = spreadSeries(
    await read(SGLANG_REAL),
    (n) => n.startsWith("sglang:time_to_first_token_seconds"),
    [{ tp_rank: "0" }, { tp_rank: "1" }],
  );
  const t = computeEndpointSample(snapOf(zeroPage(ttft)), snapOf(ttft), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.equal(t.latency!.ttft!.count, 11008);
  close(t.latency!.ttft!.mean, 213.65, 0.01);
});

Deno.test("Dynamo worker restart: uptime going backwards resets every counter and histogram", async () => {
  const real = await read("ai-dynamo_dynamo__vllm.log");
  // Second scrape: a new worker, 5 s up, that already generated 700 tokens (more than the old
  // one's 600, so no counter went down) and took 2 more requests.
  let restarted = setSample(real, "dynamo_component_uptime_seconds", {}, () => 5.0);
  restarted = setSample(restarted, "vllm:generation_tokens_total", {}, () => 700);
  restarted = setSample(restarted, "vllm:request_success_total", { finished_reason: "length" }, (
    v,
  ) => v + 2);
  const s = computeEndpointSample(snapOf(real), snapOf(restarted), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.equal(s.deltas!.generation_tokens, 700); // second-scrape value, not 700 - 600
  assert.equal(s.deltas!.requests_completed, 4); // 2 + 2 since the restart
  assert.deepEqual(s.counter_resets, [
    "prompt_tokens",
    "generation_tokens",
    "requests_completed",
    "request_errors",
    "preemptions",
    "prefix_cache_queries",
    "prefix_cache_hits",
    "ttft",
    "itl",
    "e2e",
    "queue_time",
  ]);
  // Uptime moving forward is no restart.
  const later = setSample(real, "dynamo_component_uptime_seconds", {}, (v) => v + 5);
  const same = computeEndpointSample(snapOf(real), snapOf(later), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.deepEqual(same.counter_resets, []);
});

Deno.test("KV transfers are counted on the side that fills them: SGLang prefill, not its idle decode", async () => {
  const ep = (a: string, b: string) =>
    computeEndpointSample(snapOf(a), snapOf(b), { windowS: 5, scrape: OK, scrapedAt: null });
  const idle = await sglangWithTransfers([[0, 0], [0, 0]]);
  const prefill = ep(idle, await sglangWithTransfers([[20, 100], [10, 50]]));
  // The decode registers the same histograms and never fills them.
  const decode = ep(idle, idle);
  assert.deepEqual(decode.transfers, { count: 0, bytes: 0 });
  const t = computeTransfer(prefill, decode);
  assert.deepEqual([t.transfers_side, t.transfers, t.bytes], [
    "prefill",
    30,
    150 * 1024 * 1024,
  ]);
  assert.equal(t.transfers_per_s, 6);
  assert.equal(t.transfer_time?.count, 30);
  // Neither side moved: SGLang still reads the prefill side (0 transfers, measured).
  assert.equal(computeTransfer(decode, decode).transfers_side, "prefill");
});

Deno.test("KV transfers on vLLM: the issuing decode side, unless only the prefill's count moved", () => {
  const page = (n: number) =>
    histogramText("vllm:nixl_bytes_transferred", { engine: "0" }, {
      bounds: [1e6],
      counts: [0, n],
      sum: n * 2e6,
    }) + "\n";
  const ep = (a: number, b: number) =>
    computeEndpointSample(snapOf(page(a)), snapOf(page(b)), {
      windowS: 5,
      scrape: OK,
      scrapedAt: null,
    });
  const both = computeTransfer(ep(10, 15), ep(10, 14));
  assert.deepEqual([both.transfers_side, both.transfers], ["decode", 4]);
  const idle = computeTransfer(ep(10, 10), ep(10, 10));
  assert.deepEqual([idle.transfers_side, idle.transfers], ["decode", 0]);
  const prefillOnly = computeTransfer(ep(10, 13), ep(10, 10));
  assert.deepEqual([prefillOnly.transfers_side, prefillOnly.transfers], ["prefill", 3]);
});

Deno.test("failure deltas of distinct counters with the same labels add up across the window", async () => {
  // Prefill failed transfers 0 → 3 and failed notifications 0 → 2 on engine 0
  // are 5 failures in the window, not 3.
  const real = await read("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  const l = 'engine="0",model_name="Qwen/Qwen1.5-0.5B-Chat"';
  const page = (transfers: number, notifications: number) =>
    snapOf(
      real + "\n# TYPE vllm:nixl_num_failed_transfers_total counter\n" +
        `vllm:nixl_num_failed_transfers_total{${l}} ${transfers}\n` +
        "# TYPE vllm:nixl_num_failed_notifications_total counter\n" +
        `vllm:nixl_num_failed_notifications_total{${l}} ${notifications}\n`,
    );
  const s = computeEndpointSample(page(0, 0), page(3, 2), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.equal(s.deltas!.kv_transfer_failures, 5);
  assert.equal(s.lifetime.kv_transfer_failures, 5);
  // counterDelta on its own keeps each delta's metric.
  const a = page(10, 20).counters.kv_transfer_failures;
  const b = page(13, 22).counters.kv_transfer_failures!;
  assert.deepEqual(counterDelta(a, b), { delta: 5, reset: false });
});

Deno.test("Dynamo worker restart: uptime going backwards, or younger than the window", async () => {
  const real = await read("ai-dynamo_dynamo__vllm.log");
  const at = (uptime: number, gen: number) => {
    const text = setSample(real, "dynamo_component_uptime_seconds", {}, () => uptime);
    return snapOf(setSample(text, "vllm:generation_tokens_total", {}, () => gen));
  };
  const sample = (a: EndpointSnapshot, b: EndpointSnapshot, windowS: number) =>
    computeEndpointSample(a, b, { windowS, scrape: OK, scrapedAt: null });
  // Uptime 3.0 s, then 4.0 s, 5 s apart. The process restarted: its 700
  // tokens are all since the restart, not 700 - 600.
  const r = sample(at(3, 600), at(4, 700), 5);
  assert.equal(r.deltas!.generation_tokens, 700);
  assert.ok(r.counter_resets.includes("generation_tokens"));
  // An old process whose uptime grew by the window, or by less (a gauge refreshed now and then),
  // is the same process.
  for (const [grown, windowS] of [[5, 5], [4.1, 5], [27, 30], [1, 5], [0.5, 30]]) {
    const same = sample(at(100, 600), at(100 + grown, 700), windowS);
    assert.equal(same.deltas!.generation_tokens, 100, `${grown} in ${windowS}`);
    assert.deepEqual(same.counter_resets, [], `${grown} in ${windowS}`);
  }
  // Going backwards to no more than the window, or up for less than the window minus the slack
  // (max(0.25 s, 5 %)): restarted.
  assert.ok(sample(at(100, 600), at(3, 700), 5).counter_resets.length > 0, "backwards");
  assert.ok(sample(at(100, 600), at(5.25, 700), 5).counter_resets.length > 0, "at the slack");
  // Backwards, but up for longer than the window: another process (a load balancer switching
  // replicas), whose lifetime totals are no window's.
  const other = sample(at(100, 600), at(99, 700), 5);
  assert.equal(other.rates, null);
  assert.equal(other.deltas, null);
  assert.match(other.unavailable.rates, /another process answered the second scrape/);
  assert.match(other.unavailable.rates, /up for longer than the 5 s between the scrapes/);
  assert.ok(sample(at(1, 600), at(4.7, 700), 5).counter_resets.length > 0, "4.7 s in 5 s");
  assert.deepEqual(sample(at(1, 600), at(4.75, 700), 5).counter_resets, [], "at the slack");
  assert.ok(sample(at(20, 600), at(28.4, 700), 30).counter_resets.length > 0, "28.4 s in 30 s");
  assert.equal(restartSlackS(5), 0.25);
  assert.equal(restartSlackS(30), 1.5);
  // The very same uptime is one page served twice, not a new process.
  assert.deepEqual(sample(at(100, 600), at(100, 600), 5).counter_resets, []);
});

Deno.test("transfer counts are never invented: a histogram without +Inf and _count gives null", () => {
  const page = (n: number, withCount: boolean) =>
    [
      `vllm:nixl_bytes_transferred_bucket{engine="0",le="1e+06"} ${n}`,
      `vllm:nixl_bytes_transferred_sum{engine="0"} ${n * 5e5}`,
      ...(withCount ? [`vllm:nixl_bytes_transferred_count{engine="0"} ${n}`] : []),
    ].join("\n") + "\n";
  const ep = (withCount: boolean) =>
    computeEndpointSample(snapOf(page(10, withCount)), snapOf(page(14, withCount)), {
      windowS: 5,
      scrape: OK,
      scrapedAt: null,
    });
  const bare = ep(false);
  assert.deepEqual(bare.transfers, { count: null, bytes: 2e6 });
  assert.match(bare.unavailable["transfers.count"], /neither a \+Inf bucket nor _count/);
  const t = computeTransfer(bare, bare);
  assert.deepEqual([t.transfers_side, t.transfers, t.transfers_per_s, t.bytes], [
    "decode",
    null,
    null,
    2e6,
  ]);
  // With _count the parser completes the +Inf bucket: 4 transfers.
  assert.deepEqual(ep(true).transfers, { count: 4, bytes: 2e6 });
  // A side with a known count that moved wins over one whose count is unknown.
  assert.equal(computeTransfer(ep(true), bare).transfers_side, "prefill");
});

Deno.test("failure totals: null when neither side is known, and which side a one-sided total leaves out", () => {
  const ep = (failures: number | null) =>
    computeEndpointSample(
      snapOf("vllm:num_requests_running 1\n"),
      snapOf(
        "vllm:num_requests_running 1\n" +
          (failures === null ? "" : `vllm:nixl_num_failed_transfers_total ${failures}\n`),
      ),
      { windowS: 5, scrape: OK, scrapedAt: null },
    );
  assert.deepEqual(computeTransfer(ep(null), ep(null)).failures, {
    prefill: null,
    decode: null,
    total: null,
    unknown_sides: ["prefill", "decode"],
  });
  assert.deepEqual(computeTransfer(ep(3), ep(null)).failures, {
    prefill: 3,
    decode: null,
    total: 3,
    unknown_sides: ["decode"],
  });
  assert.deepEqual(computeTransfer(ep(0), ep(2)).failures, {
    prefill: 0,
    decode: 2,
    total: 2,
    unknown_sides: [],
  });
});

Deno.test("transfer rates use the transfer side's own scrape gap (reference §6.1)", () => {
  // Decode moved 100 transfers of 1 MB in its own 4.98 s; prefill's gap was 2.03 s.
  const page = (n: number) =>
    histogramText("vllm:nixl_bytes_transferred", { engine: "0" }, {
      bounds: [1e6, 1e7],
      counts: [0, n, n],
      sum: n * 1e6,
    }) + "\n";
  const ep = (a: number, b: number, windowS: number) =>
    computeEndpointSample(snapOf(page(a)), snapOf(page(b)), {
      windowS,
      scrape: OK,
      scrapedAt: null,
    });
  const prefill = ep(0, 0, 2.03);
  const decode = ep(50, 150, 4.98);
  assert.deepEqual([prefill.window_s, decode.window_s], [2.03, 4.98]);
  const t = computeTransfer(prefill, decode);
  assert.deepEqual([t.transfers_side, t.transfers, t.bytes], ["decode", 100, 1e8]);
  assert.equal(t.bytes_per_s, 1e8 / 4.98); // ≈ 20.1 MB/s, not 49.3 over prefill's 2.03 s
  assert.equal(t.transfers_per_s, 100 / 4.98);
  // A side without a window has none to divide by.
  assert.equal(
    computeEndpointSample(null, snapOf(page(1)), {
      windowS: 0,
      scrape: OK,
      scrapedAt: null,
    }).window_s,
    0,
  );
  assert.ok(windowsDiffer(2.03, 4.98));
  assert.ok(!windowsDiffer(5.003, 5.001));
  assert.ok(windowsDiffer(0, 5));
  assert.ok(!windowsDiffer(0, 0));
});

const VLLM_REAL = "Ahasannn_hardware-aware-router__vllm_metrics.txt";
const TTFT = "vllm:time_to_first_token_seconds";
/**
 * The real stand-alone vLLM page (it has process_start_time_seconds) after 1000 requests: 300
 * TTFTs ≤ 1 ms, all 1000 ≤ 5 ms, 1000 prompt tokens.
 */
async function busyVllm(): Promise<string> {
  let page = await read(VLLM_REAL);
  page = setSample(page, `${TTFT}_bucket`, {}, () => 1000);
  page = setSample(page, `${TTFT}_bucket`, { le: "0.001" }, () => 300);
  page = setSample(page, `${TTFT}_count`, {}, () => 1000);
  page = setSample(page, `${TTFT}_sum`, {}, () => 2);
  return setSample(page, "vllm:prompt_tokens_total", {}, () => 1000);
}
/** The page cut short right after its first TTFT bucket line (no +Inf, no _count after it). */
function cutAfterFirstTtftBucket(page: string): string {
  const at = page.indexOf(`${TTFT}_bucket{`);
  return page.slice(0, page.indexOf("\n", at) + 1);
}

Deno.test("a histogram cut short on a page is unknown with a reason, never a reset or lifetime counts", async () => {
  const full = await busyVllm();
  const grown = setSample(full, "vllm:prompt_tokens_total", {}, (x) => x + 500);
  const cut = cutAfterFirstTtftBucket(grown);
  assert.ok(snapOf(cut).histograms.ttft, "the cut page still has a TTFT reading");
  const series = `${TTFT}{engine="0",model_name="Qwen/Qwen1.5-0.5B-Chat"}`;
  // Second scrape cut short (same process_start_time_seconds on both): its 300 in the first
  // bucket are not the total, so no reset and no window of 300 lifetime observations.
  const s = computeEndpointSample(snapOf(full), snapOf(cut), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.equal(s.latency!.ttft, undefined);
  assert.equal(
    s.unavailable.ttft,
    `${series} has neither a +Inf bucket nor _count on the second scrape (a page cut short?), ` +
      "so its total and the window's observations are unknown",
  );
  assert.deepEqual(s.counter_resets, []);
  assert.equal(s.deltas!.prompt_tokens, 500);
  // First scrape cut short: B's lifetime 1000 is not the window's either.
  const r = computeEndpointSample(snapOf(cutAfterFirstTtftBucket(full)), snapOf(grown), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.equal(r.latency!.ttft, undefined);
  assert.match(r.unavailable.ttft, /nor _count on the first scrape/);
  assert.deepEqual(r.counter_resets, []);
  // Without a process start time the cut page is still unknown, not a reset.
  const noStart = (t: string) => t.replace(/^process_start_time_seconds .*$/m, "");
  const n = computeEndpointSample(snapOf(noStart(full)), snapOf(noStart(cut)), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.deepEqual([n.latency!.ttft, n.counter_resets], [undefined, []]);
  assert.match(n.unavailable.ttft, /neither a \+Inf bucket nor _count/);
});

Deno.test("a histogram count going backwards in the same process is unknown; with a new or unknown process it is a reset", async () => {
  const full = await busyVllm();
  // 900 observations where there were 1000: 200 ≤ 1 ms, all ≤ 5 ms.
  let fewer = setSample(full, `${TTFT}_bucket`, {}, () => 900);
  fewer = setSample(fewer, `${TTFT}_bucket`, { le: "0.001" }, () => 200);
  fewer = setSample(fewer, `${TTFT}_count`, {}, () => 900);
  const sample = (a: string, b: string) =>
    computeEndpointSample(snapOf(a), snapOf(b), { windowS: 5, scrape: OK, scrapedAt: null });
  const same = sample(full, fewer);
  assert.equal(same.latency!.ttft, undefined);
  assert.equal(
    same.unavailable.ttft,
    `${TTFT}{engine="0",model_name="Qwen/Qwen1.5-0.5B-Chat"} went backwards (count 1000, then ` +
      "900) while process_start_time_seconds is unchanged: not a restart, so its window is unknown",
  );
  assert.deepEqual(same.counter_resets, []);
  // A new process start: a restart, Δ = B (reference §6.1).
  const restarted = sample(full, setSample(fewer, "process_start_time_seconds", {}, (x) => x + 60));
  assert.ok(restarted.counter_resets.includes("ttft"), String(restarted.counter_resets));
  assert.equal(restarted.latency!.ttft!.count, 900);
  // No process start on either page: a per-series decrease is the only restart marker.
  const noStart = (t: string) => t.replace(/^process_start_time_seconds .*$/m, "");
  const unknownProcess = sample(noStart(full), noStart(fewer));
  assert.deepEqual(unknownProcess.counter_resets, ["ttft"]);
  assert.equal(unknownProcess.latency!.ttft!.count, 900);
  assert.equal(unknownProcess.unavailable.ttft, undefined);
});

Deno.test("data-parallel histograms with different bucket bounds are not merged: count and mean, no quantiles", () => {
  const page = (n: number) =>
    [
      "# TYPE vllm:time_to_first_token_seconds histogram",
      histogramText(TTFT, { engine: "0" }, {
        bounds: [0.1, 1],
        counts: [n, n, n],
        sum: n * 0.05,
      }),
      histogramText(TTFT, { engine: "1" }, {
        bounds: [0.5, 5],
        counts: [0, n, n],
        sum: n * 2,
      }),
    ].join("\n") + "\n";
  const s = computeEndpointSample(snapOf(page(0)), snapOf(page(20)), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  // 20 observations of ≤ 0.1 s on engine 0 and 20 in (0.5, 5] on engine 1: 40, mean 1.025 s.
  assert.deepEqual(s.latency!.ttft, { count: 40, mean: 1.025, p50: null, p90: null, p99: null });
  assert.equal(
    s.unavailable["latency.ttft"],
    `data-parallel series have different bucket bounds (${TTFT}{engine="0"}: 0.1, 1; ` +
      `${TTFT}{engine="1"}: 0.5, 5); they are not merged (reference §6.2), so the quantiles ` +
      "are unknown",
  );
  // An engine without observations in the window adds nothing, so nothing is merged: engine 0's
  // own quantiles.
  const idle = (n: number) =>
    [
      histogramText(TTFT, { engine: "0" }, { bounds: [0.1, 1], counts: [0, n, n], sum: n / 2 }),
      histogramText(TTFT, { engine: "1" }, { bounds: [0.5, 5], counts: [7, 7, 7], sum: 1 }),
    ].join("\n") + "\n";
  const one = computeEndpointSample(snapOf(idle(0)), snapOf(idle(20)), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.equal(one.unavailable["latency.ttft"], undefined);
  assert.equal(one.latency!.ttft!.count, 20);
  close(one.latency!.ttft!.p50, 0.55);
  // One series whose bounds changed between the scrapes cannot be differenced bucket by bucket.
  const rebucketed = computeEndpointSample(
    snapOf(histogramText(TTFT, {}, { bounds: [0.1, 1], counts: [5, 9, 10], sum: 3 })),
    snapOf(histogramText(TTFT, {}, { bounds: [0.5, 5], counts: [30, 40, 40], sum: 9 })),
    { windowS: 5, scrape: OK, scrapedAt: null },
  );
  assert.deepEqual([rebucketed.latency!.ttft, rebucketed.counter_resets], [undefined, []]);
  assert.equal(
    rebucketed.unavailable.ttft,
    `${TTFT} has other bucket bounds on the second scrape than on the first (0.1, 1, then ` +
      "0.5, 5: a page cut short, or another configuration), so its window cannot be differenced",
  );
});

Deno.test("a histogram with a NaN count on either scrape is unknown with a reason, never lifetime counts", () => {
  const first = histogramText(TTFT, {}, { bounds: [0.1, 1], counts: [NaN, NaN, NaN], sum: NaN });
  const second = histogramText(TTFT, {}, { bounds: [0.1, 1], counts: [300, 900, 1000], sum: 400 });
  const s = computeEndpointSample(snapOf(first), snapOf(second), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.deepEqual([s.latency!.ttft, s.counter_resets], [undefined, []]);
  assert.equal(
    s.unavailable.ttft,
    "ttft was not a finite number on the page (NaN or ±Inf) on the first scrape, so the " +
      "window's observations are unknown",
  );
  // NaN on the second page: no window either (the snapshot says why).
  const back = computeEndpointSample(snapOf(second), snapOf(first), {
    windowS: 5,
    scrape: OK,
    scrapedAt: null,
  });
  assert.deepEqual([back.latency!.ttft, back.counter_resets], [undefined, []]);
});
