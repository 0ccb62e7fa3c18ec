import assert from "node:assert/strict";
import { identifyPage } from "./identify.ts";
import { parsePrometheusText } from "./prometheus_text.ts";
import { buildSnapshot } from "./snapshot.ts";
import { computeEndpointSample, histogramQuantiles, type ScrapeStatus } from "./window.ts";

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

Deno.test("vLLM role betrayed by a window: one token per request (prefill), external KV tokens (decode)", () => {
  const page = (req: number, gen: number, ext: number) =>
    `vllm:request_success_total{finished_reason="length"} ${req}\nvllm:generation_tokens_total ${gen}\n` +
    `vllm:prompt_tokens_by_source_total{source="external_kv_transfer"} ${ext}\n`;
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
