import assert from "node:assert/strict";
import { FlatLatencyReader } from "./_latency.ts";

Deno.test("latency: milliseconds to seconds, median is p50, p99.9 is p999, ttlt is e2el", () => {
  const { metrics, extra } = new FlatLatencyReader().read({
    median_ttft_ms: 250,
    "p99.9_ttft_ms": 1200,
    p99_tpot: 0.02,
    mean_ttlt_ms: 16000,
    p95_itl_ms: 30,
    std_e2el: 1.5,
    hw: "h100",
  });
  assert.deepEqual(metrics, { p50_ttft: 0.25, p999_ttft: 1.2, p99_tpot: 0.02, mean_e2el: 16 });
  assert.deepEqual(extra, {
    median_ttft: 0.25,
    "p99.9_ttft": 1.2,
    p99_tpot: 0.02,
    mean_e2el: 16,
    p95_itl: 0.03,
    std_e2el: 1.5,
  });
});

Deno.test("latency: two keys for one statistic, the metric takes the first, extra the last", () => {
  const reader = new FlatLatencyReader();
  const both = reader.read({ mean_e2el: 10, mean_ttlt: 20, p99_ttft: 0.5, p99_ttft_ms: 600 });
  assert.equal(both.metrics.mean_e2el, 10);
  assert.equal(both.extra.mean_e2el, 20);
  assert.equal(both.metrics.p99_ttft, 0.5);
  assert.equal(both.extra.p99_ttft, 0.6);
  // The same keys with the first value unusable: the second is the first usable one.
  const second = reader.read({ mean_e2el: 0, mean_ttlt: 20, p99_ttft: "x", p99_ttft_ms: 600 });
  assert.equal(second.metrics.mean_e2el, 20);
  assert.equal(second.extra.mean_e2el, 20);
  assert.equal(second.metrics.p99_ttft, 0.6);
  // ... and with the last one unusable, extra keeps the earlier value.
  const last = reader.read({ mean_e2el: 10, mean_ttlt: -1, p99_ttft: 0.5, p99_ttft_ms: null });
  assert.deepEqual(last.extra, { mean_e2el: 10, p99_ttft: 0.5 });
});

Deno.test("latency: the same keys with other values give separate, right results", () => {
  const reader = new FlatLatencyReader(["tput_per_gpu"]);
  const a = reader.read({ p99_ttft_ms: 100, median_tpot_ms: 20 });
  const b = reader.read({ p99_ttft_ms: 300, median_tpot_ms: 0 });
  const c = reader.read({ p99_ttft_ms: "400", median_tpot_ms: 40 });
  assert.deepEqual(a.metrics, { p99_ttft: 0.1, p50_tpot: 0.02, tput_per_gpu: null });
  assert.deepEqual(b.metrics, { p99_ttft: 0.3, tput_per_gpu: null }, "zero is unknown");
  assert.deepEqual(b.extra, { p99_ttft: 0.3 });
  assert.deepEqual(c.metrics, { p99_ttft: 0.4, p50_tpot: 0.04, tput_per_gpu: null });
  // Results never share objects: changing one leaves the others alone.
  const mutable = a as { metrics: Record<string, unknown>; extra: Record<string, unknown> };
  mutable.metrics.tput_per_gpu = 5;
  mutable.extra.p99_ttft = 9;
  assert.equal(c.metrics.tput_per_gpu, null);
  assert.equal(c.extra.p99_ttft, 0.4);
  assert.equal(reader.read({ p99_ttft_ms: 100, median_tpot_ms: 20 }).metrics.tput_per_gpu, null);
});

Deno.test("latency: a key sequence seen first with an unusable value reads clean ones fully", () => {
  const reader = new FlatLatencyReader();
  assert.deepEqual(reader.read({ mean_itl_ms: -5, p90_itl_ms: 50 }).metrics, { p90_itl: 0.05 });
  assert.deepEqual(reader.read({ mean_itl_ms: 25, p90_itl_ms: 50 }).metrics, {
    mean_itl: 0.025,
    p90_itl: 0.05,
  });
});

Deno.test("latency: the reader's own fields follow the latency fields, all null", () => {
  const reader = new FlatLatencyReader(["tput_per_gpu", "tp"]);
  const clean = reader.read({ tp: 8, p99_e2el: 12, mean_ttft: 0.3 });
  assert.deepEqual(Object.entries(clean.metrics), [
    ["p99_e2el", 12],
    ["mean_ttft", 0.3],
    ["tput_per_gpu", null],
    ["tp", null],
  ]);
  // Same on the general path (an unusable value).
  const general = reader.read({ tp: 8, p99_e2el: 0, mean_ttft: 0.3 });
  assert.deepEqual(Object.entries(general.metrics), [
    ["mean_ttft", 0.3],
    ["tput_per_gpu", null],
    ["tp", null],
  ]);
  assert.deepEqual(reader.read({}).metrics, { tput_per_gpu: null, tp: null });
});

Deno.test("latency: srt-slurm percentile lists fill what the flat keys leave open", () => {
  const { metrics, extra } = new FlatLatencyReader().read({
    p99_ttft_ms: 450,
    percentiles_ttft_ms: [[50, 100], [99, 999], [99.9, 1000], ["x", 5], [90], [90, 0]],
    percentiles_e2el_ms: [[99, 5000]],
    percentiles_itl_ms: "not a list",
  });
  assert.deepEqual(metrics, { p99_ttft: 0.45, p50_ttft: 0.1, p999_ttft: 1, p99_e2el: 5 });
  assert.deepEqual(extra, {
    p99_ttft: 0.45,
    median_ttft: 0.1,
    "p99.9_ttft": 1,
    p99_e2el: 5,
  });
});

Deno.test("latency: keys that only look like statistics are ignored", () => {
  const { metrics, extra } = new FlatLatencyReader().read({
    mean_intvty: 20,
    p99_ttft_us: 5,
    avg_ttft: 1,
    "p99.9.9_ttft": 1,
    mean_ttft_MS: 1,
  });
  assert.deepEqual(metrics, {});
  assert.deepEqual(extra, {});
});

Deno.test("latency: a reader refuses a latency field among its own fields", () => {
  assert.throws(() => new FlatLatencyReader(["tp", "p99_ttft"]), /"p99_ttft" is a latency field/);
});
