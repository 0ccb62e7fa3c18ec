import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseRawResult } from "./raw_result.ts";

const SAMPLE = new URL("../testdata/sample/", import.meta.url);

function draft(value: unknown) {
  const r = parseRawResult(value);
  assert.equal(r.unreadable, false);
  assert.equal(r.drafts.length, 1);
  return { ...r.drafts[0], issues: r.issues };
}

function close(a: number | null | undefined, b: number, tol = 1e-12): void {
  assert.ok(
    typeof a === "number" && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)),
    `${a} vs ${b}`,
  );
}

Deno.test("raw: milliseconds become seconds; median maps to p50; p99.9 to p999", () => {
  const d = draft({
    max_concurrency: 4,
    num_prompts: 40,
    completed: 40,
    mean_ttft_ms: 300,
    median_ttft_ms: 250,
    p90_ttft_ms: 400,
    p99_ttft_ms: 987.5,
    "p99.9_ttft_ms": 1200,
    mean_tpot_ms: 20,
    median_tpot_ms: 25,
    p99_e2el_ms: 16000,
  });
  close(d.metrics.p99_ttft, 0.9875);
  close(d.metrics.mean_ttft, 0.3);
  close(d.metrics.p50_ttft, 0.25);
  close(d.metrics.p90_ttft, 0.4);
  close(d.metrics.p999_ttft, 1.2);
  close(d.metrics.p99_e2el, 16);
  close(d.metrics.intvty, 1 / 0.025, 1e-9);
  assert.equal(d.identity.concurrency, 4);
  assert.equal(d.metrics.success_rate, 1);
});

Deno.test("raw: every statistic key is kept in extra_percentiles (seconds, key verbatim)", () => {
  const raw = JSON.parse(
    readFileSync(
      new URL(
        "fixed-seq/kimik2.5-mi355x/kimik2.5_8k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc32_MI355-gbt350-odcdh5-wbb3.json",
        SAMPLE,
      ),
      "utf8",
    ),
  );
  const d = draft(raw);
  const statKeys = Object.keys(raw).filter((k) =>
    /^(mean|median|std|p[\d.]+)_(ttft|tpot|itl|e2el)_ms$/.test(k)
  );
  assert.ok(statKeys.length >= 24, `only ${statKeys.length} stat keys`);
  for (const k of statKeys) {
    const name = k.replace(/_ms$/, "");
    close(d.extra_percentiles?.[name], raw[k] / 1000);
  }
  assert.ok("p99.9_e2el" in d.extra_percentiles!);
  // §3.1 example: p99 TTFT 14490.03 ms, MTP makes ITL (630 ms) larger than TPOT (224 ms).
  close(d.metrics.p99_ttft, 14.490030684259256);
  close(d.metrics.mean_itl, 0.6301551175580624);
  close(d.metrics.mean_tpot, 0.22410636207854432);
  close(d.metrics.total_tput_tps, raw.total_token_throughput);
  close(d.metrics.output_tput_tps, raw.output_throughput);
  close(d.metrics.input_tput_tps, raw.total_token_throughput - raw.output_throughput);
  assert.equal(d.notes?.total_input_tokens, 2352062);
  assert.equal(d.source_format, "inferencex-static");
});

Deno.test("raw: 'request_goodput:' (with colon) is InferenceX; without colon is srt-slurm", () => {
  const base = { max_concurrency: 8, num_prompts: 80, completed: 80, total_token_throughput: 100 };
  assert.equal(draft({ ...base, "request_goodput:": null }).source_format, "inferencex-static");
  assert.equal(draft({ ...base, request_goodput: null }).source_format, "inferencex-srt-slurm");
  assert.equal(
    draft({ ...base, peak_output_tokens_per_s: 5 }).source_format,
    "inferencex-srt-slurm",
  );
});

Deno.test("raw: srt-slurm percentiles_*_ms lists and total_input", () => {
  const d = draft({
    max_concurrency: 16,
    num_prompts: 160,
    completed: 160,
    total_input: 163840,
    total_output_tokens: 16384,
    request_goodput: null,
    percentiles_ttft_ms: [[50, 100], [90, 200], [99, 400]],
    percentiles_e2el_ms: [[99, 5000]],
  });
  close(d.metrics.p50_ttft, 0.1);
  close(d.metrics.p90_ttft, 0.2);
  close(d.metrics.p99_ttft, 0.4);
  close(d.metrics.p99_e2el, 5);
  assert.equal(d.notes?.total_input_tokens, 163840);
  assert.equal(d.notes?.total_output_tokens, 16384);
});

Deno.test("raw: completed 0 gives no latency and no throughput (zeros are not measurements)", () => {
  const raw = JSON.parse(
    readFileSync(new URL("fixed-seq/failed-run/minimaxm2.5_8k1k_conc64.json", SAMPLE), "utf8"),
  );
  assert.equal(raw.completed, 0);
  const d = draft(raw);
  for (const k of ["p99_ttft", "mean_ttft", "mean_tpot", "p99_e2el", "intvty"] as const) {
    assert.equal(d.metrics[k] ?? null, null, k);
  }
  assert.equal(d.metrics.total_tput_tps, null);
  assert.equal(d.metrics.output_tput_tps, null);
  assert.equal(d.metrics.request_throughput, null);
  assert.equal(d.metrics.num_requests_successful, 0);
  assert.equal(d.metrics.num_requests_total, 640);
  assert.equal(d.metrics.success_rate, 0);
  assert.deepEqual(d.extra_percentiles, {});
});

Deno.test("raw: numbers given as strings are coerced", () => {
  const d = draft({
    max_concurrency: "4",
    num_prompts: "40",
    completed: "36",
    duration: "89.2",
    total_token_throughput: "918.5",
    output_throughput: "459.25",
    p99_ttft_ms: "987.5",
    request_rate: "inf",
  });
  assert.equal(d.identity.concurrency, 4);
  assert.equal(d.metrics.num_requests_successful, 36);
  close(d.metrics.success_rate, 0.9);
  close(d.metrics.p99_ttft, 0.9875);
  close(d.metrics.input_tput_tps, 459.25);
  close(d.metrics.duration_s, 89.2);
  assert.equal(d.notes?.request_rate, "inf");
});

Deno.test("raw: garbage values are null, not 0; more completed than planned is an issue", () => {
  const d = draft({ max_concurrency: 4, num_prompts: 40, completed: 41, p99_ttft_ms: "fast" });
  assert.equal(d.metrics.p99_ttft ?? null, null);
  assert.equal(d.issues.length, 2);
  assert.ok(d.issues.some((i) => /"completed" \(41\) exceeds num_prompts \(40\)/.test(i.message)));
  assert.ok(
    d.issues.some((i) => /"p99_ttft_ms" is not a finite number \("fast"\)/.test(i.message)),
  );
  // An impossible count is not used: completion is unknown rather than wrong.
  assert.equal(d.metrics.num_requests_successful ?? null, null);
});

Deno.test("raw: a non-object is unreadable", () => {
  for (const v of [null, [], "x", 3]) {
    const r = parseRawResult(v);
    assert.equal(r.unreadable, true);
    assert.equal(r.drafts.length, 0);
  }
});

Deno.test("raw: files with the same keys are read on their own values", () => {
  const raw = (completed: unknown, tpotMs: unknown) => ({
    max_concurrency: 4,
    num_prompts: 40,
    completed,
    total_token_throughput: 100,
    output_throughput: 40,
    median_tpot_ms: tpotMs,
    p99_ttft_ms: 500,
  });
  const a = draft(raw(40, 20));
  close(a.metrics.intvty, 50);
  close(a.metrics.p99_ttft, 0.5);
  const noTpot = draft(raw(36, 0));
  assert.equal(noTpot.metrics.p50_tpot ?? null, null);
  assert.ok(!("intvty" in noTpot.metrics), "no TPOT: no interactivity at all");
  close(noTpot.metrics.success_rate, 0.9);
  const failed = draft(raw(0, 20));
  assert.deepEqual(failed.extra_percentiles, {});
  assert.equal(failed.metrics.p99_ttft ?? null, null);
  assert.equal(failed.metrics.total_tput_tps, null);
  const bad = draft(raw(-1, 20));
  assert.deepEqual(bad.issues.map((i) => i.message), [
    'Field "completed" must not be negative, got -1',
  ]);
  assert.equal(bad.metrics.num_requests_successful, null);
  close(bad.metrics.p99_ttft, 0.5, 1e-12);
  close(a.metrics.intvty, 50);
});
