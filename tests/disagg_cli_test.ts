/**
 * Process-level tests of `inferguard disagg status` against loopback fake engines (127.0.0.1 only)
 * serving the real captures in `testdata/metrics/` and evolving synthetic pages.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runDisagg } from "../lib/io/disagg_main.ts";
import { fakeEngine, freePort, readPage, run, text } from "./_disagg.ts";
import { parseTimeline } from "../parsers/timeline.ts";
import { waitForFifoOpen } from "./_cli.ts";
import {
  histogramText,
  setSample,
  spreadSeries,
  standaloneTrtllmPage,
} from "../live/_test_pages.ts";

const MAIN_TS = fileURLToPath(new URL("../main.ts", import.meta.url));
async function* asyncLines(lines: string[]): AsyncIterable<string> {
  for (const l of lines) yield l;
}

// deno-lint-ignore no-explicit-any
type Json = any;

async function status(
  prefill: string,
  decode: string,
  extra: string[] = [],
): Promise<{ code: number; rec: Json }> {
  const r = await run(["status", "--prefill", prefill, "--decode", decode, "--json", ...extra]);
  assert.equal(r.stdout.length, 1, r.stderr.join("\n"));
  return { code: r.code, rec: JSON.parse(r.stdout[0]) };
}

const codes = (rec: Json) => rec.findings.map((f: Json) => f.code);

// ---------------------------------------------------------------------------------------------
// Real captures (values from engine-metrics.md §8, computed there independently of this code).

Deno.test("real vLLM page: identification and §8.1 values over HTTP", async () => {
  const body = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  await using p = fakeEngine(
    () => text(body),
    (path) =>
      path === "/v1/models"
        ? Response.json({ data: [{ id: "Qwen/Qwen1.5-0.5B-Chat", owned_by: "vllm" }] })
        : null,
  );
  const { code, rec } = await status(p.base, p.base, ["--window", "0"]);
  assert.equal(code, 0);
  assert.equal(rec.schema_version, "disagg-status/v1");
  const ep = rec.prefill;
  assert.deepEqual([ep.engine, ep.wrapper, ep.kind, ep.connectors], ["vllm", null, "engine", []]);
  assert.deepEqual(ep.gauges, {
    running: 0,
    waiting: 0,
    waiting_on_transfer: null,
    kv_usage: 0,
    capacity_tokens: 39232,
    inflight_requests: null,
  });
  assert.deepEqual(ep.lifetime, {
    prompt_tokens: 0,
    generation_tokens: 0,
    requests_completed: 0,
    preemptions: 0,
    prefix_cache_queries: 0,
    prefix_cache_hits: 0,
  });
  assert.equal(ep.unavailable.kv_transfer_failures, "no KV connector metrics on this page");
  assert.equal(
    ep.unavailable.request_errors,
    'not exported by this vLLM build (vllm:request_success_total{finished_reason="error"} absent)',
  );
  assert.equal(ep.unavailable.rates, "single scrape");
  assert.deepEqual([ep.rates, ep.deltas, ep.latency], [null, null, null]);
  assert.deepEqual(rec.findings, []);
});

Deno.test("real Dynamo vLLM and TRT-LLM worker pages: engines filled, never a silent empty sample", async () => {
  const vllm = await readPage("ai-dynamo_dynamo__vllm.log");
  const trt = await readPage("ai-dynamo_dynamo__trtllm.log");
  await using p = fakeEngine(() => text(vllm));
  await using d = fakeEngine(() => text(trt));
  const { rec } = await status(p.base, d.base, ["--window", "0"]);
  const [pe, de] = [rec.prefill, rec.decode];
  assert.deepEqual([pe.engine, pe.wrapper, pe.kind, pe.connectors], ["vllm", "dynamo", "engine", [
    "lmcache",
  ]]);
  assert.deepEqual(
    [pe.gauges.running, pe.gauges.waiting, pe.gauges.kv_usage, pe.gauges.capacity_tokens],
    [0, 0, 0, 95088],
  );
  assert.deepEqual(
    [pe.lifetime.prompt_tokens, pe.lifetime.generation_tokens, pe.lifetime.requests_completed],
    [66, 600, 2],
  );
  assert.deepEqual([de.engine, de.wrapper, de.kind], ["trtllm", "dynamo", "engine"]);
  assert.deepEqual([de.gauges.running, de.gauges.kv_usage, de.gauges.inflight_requests], [
    null,
    null,
    0,
  ]);
  assert.match(de.unavailable.running, /trtllm_num_requests_running absent/);
  assert.match(de.unavailable.kv_usage, /kvstats_total_blocks is 0/);
  assert.equal(de.lifetime.requests_completed, 2);
  assert.match(de.unavailable.prompt_tokens, /not exported/);
});

Deno.test("real SGLang page as prefill with an idle decode: no imbalance from running counts", async () => {
  const sg = await readPage("sgl-project_sglang__production_metrics_md_40ef116f.prom");
  const idle = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  await using p = fakeEngine(() => text(sg));
  await using d = fakeEngine(() => text(idle));
  const { code, rec } = await status(p.base, d.base, ["--window", "0.2"]);
  assert.equal(code, 0);
  assert.deepEqual([rec.prefill.engine, rec.prefill.gauges.running, rec.prefill.gauges.waiting], [
    "sglang",
    162,
    2826,
  ]);
  assert.equal(rec.prefill.gauges.kv_usage, 0.28);
  assert.deepEqual(rec.prefill.growth, { waiting: 0, waiting_on_transfer: null });
  assert.equal(rec.prefill.latency.ttft.status, "insufficient_samples");
  assert.deepEqual(rec.findings, []);
  // Reversed roles: still nothing from running counts alone.
  const rev = await status(d.base, p.base, ["--window", "0.2"]);
  assert.deepEqual(rev.rec.findings, []);
});

Deno.test("real Dynamo frontend page as decode: explicit engine_unidentified finding", async () => {
  const fe = await readPage("ai-dynamo_dynamo__fe.log");
  const vllm = await readPage("ai-dynamo_dynamo__vllm.log");
  await using p = fakeEngine(() => text(vllm));
  await using d = fakeEngine(() => text(fe));
  const { code, rec } = await status(p.base, d.base, ["--window", "0", "--fail-on", "warning"]);
  assert.equal(code, 1);
  assert.deepEqual(codes(rec), ["engine_unidentified"]);
  assert.equal(
    rec.findings[0].message,
    `Decode endpoint ${d.base}/metrics is a Dynamo frontend page, not a prefill/decode engine`,
  );
  assert.deepEqual([rec.decode.kind, rec.decode.gauges.running], ["frontend", 0]);
});

Deno.test("a node-exporter-like page fires engine_unidentified on a real scrape", async () => {
  const node = "# TYPE node_load1 gauge\nnode_load1 0.5\n# TYPE node_cpu_seconds_total counter\n" +
    'node_cpu_seconds_total{cpu="0",mode="idle"} 123.4\ngo_goroutines 9\n';
  const vllm = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  await using p = fakeEngine(() => text(node));
  await using d = fakeEngine(() => text(vllm));
  const { rec } = await status(p.base, d.base, ["--window", "0"]);
  assert.deepEqual(codes(rec), ["engine_unidentified"]);
  assert.deepEqual(rec.findings[0].evidence, {
    side: "prefill",
    url: `${p.base}/metrics`,
    kind: "unknown",
    top_prefixes: ["node_"],
  });
});

Deno.test("TensorRT-LLM JSON at /metrics: Prometheus text read from /prometheus/metrics", async () => {
  const trt = await readPage("ai-dynamo_dynamo__trtllm.log");
  await using p = fakeEngine(
    () => Response.json([{ numActiveRequests: 0 }]),
    (path) => path === "/prometheus/metrics" ? text(trt) : null,
  );
  await using d = fakeEngine(() => Response.json({ iteration: 1 }));
  const { rec } = await status(p.base, d.base, ["--window", "0"]);
  assert.equal(rec.prefill.engine, "trtllm");
  assert.match(rec.prefill.scrape.message, /prometheus\/metrics/);
  assert.deepEqual(codes(rec), ["metrics_disabled"]);
  assert.equal(rec.findings[0].evidence.side, "decode");
});

// ---------------------------------------------------------------------------------------------
// Failures of the endpoint itself.

Deno.test("unreachable port: endpoint_unreachable, exit 2, within timeout + slack", async () => {
  const vllm = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  await using d = fakeEngine(() => text(vllm));
  const port = freePort();
  const t0 = performance.now();
  const { code, rec } = await status(`http://127.0.0.1:${port}`, d.base, [
    "--window",
    "0",
    "--timeout",
    "1",
  ]);
  assert.ok(performance.now() - t0 < (1 + 1) * 1000 + 5000, "finished within timeout + slack");
  assert.equal(code, 2);
  assert.deepEqual(codes(rec), ["endpoint_unreachable"]);
  assert.equal(rec.findings[0].severity, "critical");
  assert.equal(rec.findings[0].evidence.outcome, "refused");
  assert.match(rec.prefill.unavailable.all, /^scrape failed \(refused/);
});

Deno.test("a server that never answers is abandoned at the timeout", async () => {
  const vllm = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  // Never answers; the handler only ends when the client gives up (so shutdown can finish).
  await using hang = fakeEngine((_n, req) =>
    new Promise<Response>((resolve) =>
      req.signal.addEventListener("abort", () => resolve(text("")))
    )
  );
  await using d = fakeEngine(() => text(vllm));
  const t0 = performance.now();
  const { code, rec } = await status(hang.base, d.base, ["--window", "0", "--timeout", "0.5"]);
  assert.ok(performance.now() - t0 < 500 + 6000, "finished within timeout + slack");
  assert.equal(code, 2);
  assert.equal(rec.findings[0].evidence.outcome, "timeout");
});

Deno.test("a 50 MB body is cut off with a clear finding", async () => {
  const chunk = new Uint8Array(1024 * 1024).fill(0x23); // '#' comment lines
  const vllm = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  await using p = fakeEngine(() => {
    let sent = 0;
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent++ >= 50) c.close();
          else c.enqueue(chunk);
        },
      }),
    );
  });
  await using d = fakeEngine(() => text(vllm));
  const { code, rec } = await status(p.base, d.base, ["--window", "0"]);
  assert.equal(code, 2);
  assert.deepEqual(codes(rec), ["endpoint_unreachable"]);
  assert.equal(rec.findings[0].evidence.outcome, "body_too_large");
  assert.match(rec.findings[0].message, /body too large \(body exceeded 16777216 bytes; cut off\)/);
});

Deno.test("404 on /metrics: metrics_disabled (warning), exit code follows --fail-on", async () => {
  const vllm = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  await using p = fakeEngine(
    () => new Response("Not Found", { status: 404 }),
    (path) =>
      path === "/get_server_info" ? Response.json({ disaggregation_mode: "prefill" }) : null,
  );
  await using d = fakeEngine(() => text(vllm));
  const crit = await status(p.base, d.base, ["--window", "0"]);
  assert.equal(crit.code, 0);
  assert.deepEqual(codes(crit.rec), ["metrics_disabled"]);
  assert.equal(crit.rec.findings[0].severity, "warning");
  // The probes still say who answered: SGLang (it has /get_server_info), role prefill.
  const ep = crit.rec.prefill;
  assert.deepEqual([ep.engine, ep.kind, ep.engine_decided_by, ep.role, ep.role_evidence], [
    "sglang",
    "engine",
    "probe",
    "prefill",
    '/get_server_info disaggregation_mode "prefill"',
  ]);
  assert.equal(ep.unavailable.all, "scrape failed (http_status)");
  const warn = await status(p.base, d.base, ["--window", "0", "--fail-on", "warning"]);
  assert.equal(warn.code, 1);
  const never = await status(p.base, d.base, ["--window", "0", "--fail-on", "never"]);
  assert.equal(never.code, 0);
});

Deno.test("vLLM with stats logging off (no vllm: families, owned_by vllm): metrics_disabled", async () => {
  const page = "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 1.7e+09\n" +
    'python_info{implementation="CPython"} 1.0\n';
  const vllm = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  await using p = fakeEngine(
    () => text(page),
    (path) =>
      path === "/v1/models" ? Response.json({ data: [{ id: "m", owned_by: "vllm" }] }) : null,
  );
  await using d = fakeEngine(() => text(vllm));
  const { rec } = await status(p.base, d.base, ["--window", "0"]);
  assert.deepEqual(codes(rec), ["metrics_disabled"]);
  assert.deepEqual([rec.prefill.engine, rec.prefill.engine_decided_by], ["vllm", "probe"]);
});

// ---------------------------------------------------------------------------------------------
// Evolving synthetic vLLM P/D pages (NIXL connector) for window rules.

interface Side {
  running: number;
  waiting: number;
  deferred: number;
  prompt: number;
  gen: number;
  success: number;
  external: number;
  failed: number;
  transfers: number;
  bytes: number;
}

function vllmPage(s: Side): string {
  const l = 'engine="0",model_name="m"';
  return [
    "# TYPE vllm:num_requests_running gauge",
    `vllm:num_requests_running{${l}} ${s.running}`,
    `vllm:num_requests_waiting{${l}} ${s.waiting}`,
    `vllm:num_requests_waiting_by_reason{${l},reason="deferred"} ${s.deferred}`,
    `vllm:num_requests_waiting_by_reason{${l},reason="capacity"} 0`,
    `vllm:kv_cache_usage_perc{${l}} 0.4`,
    "# TYPE vllm:prompt_tokens_total counter",
    `vllm:prompt_tokens_total{${l}} ${s.prompt}`,
    `vllm:prompt_tokens_created{${l}} 1.7e+09`,
    "# TYPE vllm:generation_tokens_total counter",
    `vllm:generation_tokens_total{${l}} ${s.gen}`,
    "# TYPE vllm:request_success_total counter",
    `vllm:request_success_total{${l},finished_reason="stop"} ${s.success}`,
    "# TYPE vllm:prompt_tokens_by_source_total counter",
    `vllm:prompt_tokens_by_source_total{${l},source="external_kv_transfer"} ${s.external}`,
    "# TYPE vllm:nixl_num_failed_transfers_total counter",
    `vllm:nixl_num_failed_transfers_total{${l}} ${s.failed}`,
    "# TYPE vllm:nixl_bytes_transferred histogram",
    `vllm:nixl_bytes_transferred_bucket{${l},le="1e+06"} 0`,
    `vllm:nixl_bytes_transferred_bucket{${l},le="+Inf"} ${s.transfers}`,
    `vllm:nixl_bytes_transferred_count{${l}} ${s.transfers}`,
    `vllm:nixl_bytes_transferred_sum{${l}} ${s.bytes}`,
    "",
  ].join("\n");
}

function evolving(step: (n: number) => Side): (n: number) => Response {
  return (n) => text(vllmPage(step(n)));
}

const base: Side = {
  running: 4,
  waiting: 0,
  deferred: 0,
  prompt: 1000,
  gen: 500,
  success: 10,
  external: 900,
  failed: 0,
  transfers: 10,
  bytes: 2e7,
};

Deno.test("P/D pair whose decode-side transfer failures rise: kv_transfer_errors_present", async () => {
  await using p = fakeEngine(
    evolving((n) => ({ ...base, prompt: 1000 + 500 * n, success: 10 + 5 * n })),
  );
  await using d = fakeEngine(evolving((n) => ({
    ...base,
    prompt: 1000 + 500 * n,
    gen: 500 + 100 * n,
    success: 10 + 5 * n,
    external: 900 + 450 * n,
    transfers: 10 + 5 * n,
    bytes: 2e7 + 1e7 * n,
    failed: 3 * n, // 3 more failures per scrape, on top of a lifetime total
  })));
  const { code, rec } = await status(p.base, d.base, ["--window", "0.3"]);
  assert.deepEqual(codes(rec), ["kv_transfer_errors_present"]);
  const f = rec.findings[0];
  assert.equal(f.severity, "critical"); // 3 failures of 5 transfers
  assert.deepEqual([f.evidence.failures_decode, f.evidence.transfers, f.evidence.failure_ratio], [
    3,
    5,
    0.6,
  ]);
  assert.equal(f.evidence.lifetime_failures_decode, 6);
  assert.equal(code, 2);
  assert.deepEqual([rec.transfer.transfers, rec.transfer.bytes, rec.transfer.external_kv_tokens], [
    5,
    1e7,
    450,
  ]);
});

Deno.test("prefill completes requests while decode receives nothing: kv_transfer_stall", async () => {
  await using p = fakeEngine(
    evolving((n) => ({ ...base, prompt: 1000 + 500 * n, success: 10 + 5 * n })),
  );
  await using d = fakeEngine(evolving(() => ({ ...base, deferred: 2 })));
  // One window: seen, but only `info` until a second window shows it (reference §9.2).
  const one = await status(p.base, d.base, ["--window", "0.3", "--fail-on", "warning"]);
  assert.deepEqual(codes(one.rec), ["kv_transfer_stall"]);
  assert.equal(one.rec.findings[0].severity, "info");
  assert.match(one.rec.findings[0].message, /one window so far/);
  assert.equal(one.code, 0);
  // Two samples in a row: the second is a warning.
  const r = await run([
    "status",
    "--prefill",
    p.base,
    "--decode",
    d.base,
    "--json",
    "--window",
    "0.3",
    "--count",
    "2",
    "--interval",
    "0.3",
    "--fail-on",
    "warning",
  ]);
  assert.equal(r.stdout.length, 2, r.stderr.join("\n"));
  const [first, rec] = r.stdout.map((l) => JSON.parse(l));
  assert.deepEqual(
    [first, rec].map((x) => x.findings.map((f: Json) => `${f.severity} ${f.code}`)),
    [["info kv_transfer_stall"], ["warning kv_transfer_stall"]],
  );
  assert.equal(rec.findings[0].evidence.consecutive_windows, 2);
  assert.equal(r.code, 1);
  assert.deepEqual(rec.findings[0].evidence.decode_receipt, {
    kv_transfers: 0,
    external_kv_tokens: 0,
  });
  assert.deepEqual(
    [
      rec.findings[0].evidence.prefill_requests_completed,
      rec.findings[0].evidence.decode_waiting_on_transfer,
    ],
    [5, 2],
  );
});

Deno.test("decode completing aborted requests while no KV arrives is a stall, not receipt", async () => {
  // Prefill completes 5 requests per scrape; decode's transfer and external-KV counts stand
  // still while requests finish there as "abort" and old requests keep generating.
  await using p = fakeEngine(
    evolving((n) => ({ ...base, prompt: 1000 + 500 * n, success: 10 + 5 * n })),
  );
  await using d = fakeEngine((n) =>
    text(
      vllmPage({ ...base, gen: 500 + 300 * n }) +
        `vllm:request_success_total{engine="0",model_name="m",finished_reason="abort"} ${5 * n}\n`,
    )
  );
  const { rec } = await status(p.base, d.base, ["--window", "0.3", "--fail-on", "warning"]);
  assert.equal(rec.decode.deltas.requests_completed, 5);
  assert.deepEqual(codes(rec), ["kv_transfer_stall"]);
  assert.deepEqual(rec.findings[0].evidence.decode_receipt, {
    kv_transfers: 0,
    external_kv_tokens: 0,
  });
});

Deno.test("NIXL failed transfers and failed notifications on one engine add up", async () => {
  // Prefill: 3 failed transfers and 2 failed notifications on engine="0" in the window; decode
  // pulls 100 transfers. 5 failures (5 %) is critical; max(3, 2) = 3 (3 %) was a warning.
  const notifications = (k: number) =>
    "# TYPE vllm:nixl_num_failed_notifications_total counter\n" +
    `vllm:nixl_num_failed_notifications_total{engine="0",model_name="m"} ${k}\n`;
  await using p = fakeEngine((n) =>
    text(
      vllmPage({ ...base, transfers: 0, failed: n === 1 ? 0 : 3, success: 10 + 100 * n }) +
        notifications(n === 1 ? 0 : 2),
    )
  );
  await using d = fakeEngine(evolving((n) => ({
    ...base,
    external: 900 + 450 * n,
    transfers: 100 * n,
    bytes: 2e8 * n,
  })));
  const { code, rec } = await status(p.base, d.base, ["--window", "0.2"]);
  assert.deepEqual(rec.transfer.failures, {
    prefill: 5,
    decode: 0,
    total: 5,
    unknown_sides: [],
  });
  assert.deepEqual(codes(rec), ["kv_transfer_errors_present"]);
  assert.equal(rec.findings[0].severity, "critical");
  assert.equal(
    rec.findings[0].message,
    `5 KV transfer failures in the last ${rec.window_s} s, 5.0 % of 100 transfers, critical: at or above the 5.0 % critical ratio`,
  );
  assert.equal(code, 2);
});

Deno.test("SGLang with gauge-form transfer metrics: decode's measured 0 requests is no denominator", async () => {
  // The real SGLang page plus the PD counters of a build whose kv_transfer_* are last-value
  // gauges (no transfer count). Prefill: 5 transfer failures and 40 requests in the window;
  // decode: none completed.
  const real = await readPage("sgl-project_sglang__production_metrics_md_40ef116f.prom");
  const m = 'model_name="meta-llama/Llama-3.1-8B-Instruct"';
  const page = (failed: number, requests: number) =>
    real + "\n" + [
      "# TYPE sglang:num_transfer_failed_reqs_total counter",
      `sglang:num_transfer_failed_reqs_total{${m}} ${failed}`,
      "# TYPE sglang:num_requests_total counter",
      `sglang:num_requests_total{${m}} ${requests}`,
      "# TYPE sglang:kv_transfer_latency_ms gauge",
      `sglang:kv_transfer_latency_ms{${m}} 12.5`,
      "# TYPE sglang:kv_transfer_total_mb gauge",
      `sglang:kv_transfer_total_mb{${m}} 48.0`,
    ].join("\n") + "\n";
  await using p = fakeEngine((n) => text(n === 1 ? page(0, 0) : page(5, 40)));
  await using d = fakeEngine(() => text(page(0, 0)));
  const { code, rec } = await status(p.base, d.base, ["--window", "0.2"]);
  assert.equal(rec.transfer.transfers, null);
  assert.deepEqual([rec.decode.deltas.requests_completed, rec.prefill.deltas.requests_completed], [
    0,
    40,
  ]);
  const f = rec.findings.find((x: Json) => x.code === "kv_transfer_errors_present");
  assert.equal(f.severity, "critical");
  assert.equal(
    f.message,
    `5 KV transfer failures in the last ${rec.window_s} s, 12.5 % of 40 requests completed on prefill, critical: at or above the 5.0 % critical ratio; the transfer count is unknown and decode completed no request in the window`,
  );
  assert.equal(code, 2);
});

Deno.test("a healthy busy pair: no finding, exit 0, rates and gauges present", async () => {
  await using p = fakeEngine(
    evolving((n) => ({ ...base, running: 8, prompt: 1000 + 500 * n, success: 10 + 5 * n })),
  );
  await using d = fakeEngine(evolving((n) => ({
    ...base,
    running: 40,
    prompt: 1000 + 500 * n,
    gen: 500 + 300 * n,
    success: 10 + 5 * n,
    external: 900 + 450 * n,
    transfers: 10 + 5 * n,
    bytes: 2e7 + 1e7 * n,
  })));
  const { code, rec } = await status(p.base, d.base, ["--window", "0.3", "--fail-on", "warning"]);
  assert.deepEqual(rec.findings, []);
  assert.equal(code, 0);
  assert.deepEqual([rec.decode.gauges.running, rec.decode.deltas.generation_tokens], [40, 300]);
  assert.ok(rec.window_s > 0 && rec.decode.rates.generation_tokens > 0);
});

Deno.test("prefill queue grows while decode's does not: prefill_decode_imbalance", async () => {
  await using p = fakeEngine(
    evolving((n) => ({ ...base, waiting: 5 * n, prompt: 1000 + 500 * n, success: 10 + 5 * n })),
  );
  await using d = fakeEngine(evolving((n) => ({
    ...base,
    prompt: 1000 + 500 * n,
    gen: 500 + 300 * n,
    success: 10 + 5 * n,
    external: 900 + 450 * n,
    transfers: 10 + 5 * n,
  })));
  const { rec } = await status(p.base, d.base, ["--window", "0.3"]);
  assert.deepEqual(codes(rec), ["prefill_decode_imbalance"]);
  assert.deepEqual(rec.findings[0].evidence.prefill, {
    waiting: 10,
    waiting_growth: 5,
    running: 4,
  });
});

Deno.test("404 with owned_by sglang, and a first scrape that read a page: identity kept on failure", async () => {
  await using p = fakeEngine(
    () => new Response("Not Found", { status: 404 }),
    (path) =>
      path === "/v1/models"
        ? Response.json({ data: [{ id: "m", owned_by: "sglang" }] })
        : path === "/get_server_info"
        ? Response.json({ disaggregation_mode: "decode", version: "0.4.6" })
        : null,
  );
  // Decode: a page on the first scrape, HTTP 500 on the second.
  await using d = fakeEngine(
    (n) => n === 1 ? text(vllmPage(base)) : new Response("boom", { status: 500 }),
  );
  const { rec } = await status(p.base, d.base, ["--window", "0.2"]);
  assert.deepEqual(
    [rec.prefill.engine, rec.prefill.role, rec.prefill.version, rec.prefill.model],
    ["sglang", "decode", "0.4.6", "m"],
  );
  const de = rec.decode;
  assert.deepEqual([de.scrape.ok, de.scrape.http_status], [false, 500]);
  assert.deepEqual([de.engine, de.kind, de.connectors, de.model], [
    "vllm",
    "engine",
    ["nixl"],
    "m",
  ]);
  assert.deepEqual(codes(rec), ["endpoint_unreachable", "metrics_disabled"]);
  // The table keeps the failure in view next to the engine the probes named.
  const r = await run(["status", "--prefill", p.base, "--decode", p.base, "--window", "0"]);
  assert.match(r.stdout.join("\n"), /prefill\s+sglang \(http_status\)\s+decode/);
});

Deno.test("two vLLM engines at 0.5 KV usage with a preemption: usage 0.5, no decode-pressure finding", async () => {
  // The real stand-alone page served by two engine cores (engine="0" copied to "1"), both at
  // 0.5 KV usage; the second scrape adds one preemption. Summed usage (1.0) used to read as
  // decode KV pressure.
  const real = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  let twoEngines = spreadSeries(real, (n) => n.startsWith("vllm:"), [
    { engine: "0" },
    { engine: "1" },
  ]);
  twoEngines = setSample(twoEngines, "vllm:kv_cache_usage_perc", {}, () => 0.5);
  const preempted = setSample(
    twoEngines,
    "vllm:num_preemptions_total",
    { engine: "0" },
    (v) => v + 1,
  );
  await using p = fakeEngine(() => text(real));
  await using d = fakeEngine((n) => text(n === 1 ? twoEngines : preempted));
  const { code, rec } = await status(p.base, d.base, ["--window", "0.2", "--fail-on", "warning"]);
  assert.equal(rec.decode.gauges.kv_usage, 0.5);
  assert.equal(rec.decode.gauges.capacity_tokens, 2 * 39232);
  assert.equal(rec.decode.deltas.preemptions, 1);
  assert.deepEqual(rec.findings, []);
  assert.equal(code, 0);
});

/** SGLang PD page: 2 DP ranks × 2 identical TP replicas, recent-main transfer histograms. */
interface SglangRank {
  running: number;
  usage: number;
  inflight: number;
  decodeTransferQueue: number;
  failed: number;
  transfers: number;
  mb: number;
}

function sglangPage(ranks: [SglangRank, SglangRank], tokenizer: { prompt: number; req: number }) {
  const m = 'model_name="meta-llama/Llama-3.1-8B-Instruct"';
  const out: string[] = [];
  const each = (f: (r: SglangRank, labels: Record<string, string>, l: string) => void) => {
    for (const dp of [0, 1]) {
      for (const tp of [0, 1]) {
        const labels = {
          dp_rank: String(dp),
          engine_type: "unified",
          model_name: "meta-llama/Llama-3.1-8B-Instruct",
          moe_ep_rank: "0",
          pp_rank: "0",
          tp_rank: String(tp),
        };
        const l = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",");
        f(ranks[dp], labels, l);
      }
    }
  };
  const gauge = (name: string, v: (r: SglangRank) => number) => {
    out.push(`# TYPE ${name} gauge`);
    each((r, _, l) => out.push(`${name}{${l}} ${v(r)}`));
  };
  gauge("sglang:num_running_reqs", (r) => r.running);
  gauge("sglang:num_queue_reqs", () => 0);
  gauge("sglang:token_usage", (r) => r.usage);
  gauge("sglang:max_total_num_tokens", () => 100000);
  gauge("sglang:num_prefill_inflight_queue_reqs", (r) => r.inflight);
  gauge("sglang:num_decode_transfer_queue_reqs", (r) => r.decodeTransferQueue);
  out.push("# TYPE sglang:num_transfer_failed_reqs_total counter");
  each((r, _, l) => out.push(`sglang:num_transfer_failed_reqs_total{${l}} ${r.failed}`));
  out.push("# TYPE sglang:kv_transfer_total_mb histogram");
  each((r, labels) =>
    out.push(histogramText("sglang:kv_transfer_total_mb", labels, {
      bounds: [1, 10, 100],
      counts: [0, r.transfers, r.transfers, r.transfers],
      sum: r.mb,
    }))
  );
  out.push("# TYPE sglang:kv_transfer_latency_ms histogram");
  each((r, labels) =>
    out.push(histogramText("sglang:kv_transfer_latency_ms", labels, {
      bounds: [1, 10, 100],
      counts: [0, r.transfers, r.transfers, r.transfers],
      sum: 5 * r.transfers,
    }))
  );
  out.push("# TYPE sglang:prompt_tokens_total counter");
  out.push(`sglang:prompt_tokens_total{${m}} ${tokenizer.prompt}`);
  out.push("# TYPE sglang:num_requests_total counter");
  out.push(`sglang:num_requests_total{${m}} ${tokenizer.req}`);
  return out.join("\n") + "\n";
}

Deno.test("healthy SGLang PD pair with DP × TP ranks: usage ≤ 1, transfers from prefill, no stall", async () => {
  const rank = (o: Partial<SglangRank> = {}): SglangRank => ({
    running: 4,
    usage: 0.3,
    inflight: 0,
    decodeTransferQueue: 0,
    failed: 5,
    transfers: 100,
    mb: 500,
    ...o,
  });
  // Prefill: in the window DP0 sends 20 transfers (100 MB), DP1 10 (50 MB); one DP0 failure.
  const prefill = (n: number) =>
    n === 1 ? sglangPage([rank(), rank()], { prompt: 1000, req: 10 }) : sglangPage([
      rank({ usage: 0.3, inflight: 3, failed: 6, transfers: 120, mb: 600 }),
      rank({ usage: 0.5, inflight: 2, transfers: 110, mb: 550 }),
    ], { prompt: 5000, req: 50 });
  // Decode: registers the transfer histograms and never fills them (reference §4.2); KV usage
  // 0.5 and 0.6 on its two DP ranks; two requests waiting for KV to land (a steady queue).
  const idle = rank({ failed: 0, transfers: 0, mb: 0, running: 30, decodeTransferQueue: 1 });
  const decode = sglangPage([{ ...idle, usage: 0.5 }, { ...idle, usage: 0.6 }], {
    prompt: 0,
    req: 0,
  });
  await using p = fakeEngine((n) => text(prefill(n)));
  await using d = fakeEngine(() => text(decode));
  const { rec } = await status(p.base, d.base, ["--window", "0.2"]);
  assert.deepEqual([rec.prefill.gauges.kv_usage, rec.decode.gauges.kv_usage], [0.5, 0.6]);
  assert.deepEqual([rec.prefill.gauges.running, rec.decode.gauges.running], [8, 60]);
  assert.equal(rec.prefill.gauges.capacity_tokens, 200000);
  assert.deepEqual(rec.prefill.transfers, { count: 30, bytes: 150 * 1024 * 1024 });
  const t = rec.transfer;
  assert.deepEqual([t.transfers_side, t.transfers, t.bytes, t.failures.prefill], [
    "prefill",
    30,
    150 * 1024 * 1024,
    1,
  ]);
  assert.equal(t.transfer_time.count, 30);
  assert.equal(rec.decode.gauges.waiting_on_transfer, 2);
  // 1 failure in 30 transfers (3.3 %): a warning; no stall, no imbalance.
  assert.deepEqual(codes(rec), ["kv_transfer_errors_present"]);
  assert.equal(rec.findings[0].severity, "warning");
  assert.equal(
    rec.findings[0].message,
    `1 KV transfer failure in the last ${rec.window_s} s, 3.3 % of 30 transfers, below the 5.0 % critical ratio`,
  );
  assert.deepEqual(Object.keys(t), [
    "connectors",
    "failures",
    "transfers_side",
    "transfers",
    "bytes",
    "bytes_per_s",
    "transfers_per_s",
    "external_kv_tokens",
    "transfer_time",
  ]);
});

// ---------------------------------------------------------------------------------------------
// Usage, loop, timeline, signals.

Deno.test("bad usage: message names the flag and allowed values, exit 3", async () => {
  const cases: [string[], RegExp][] = [
    [["status", "--decode", "http://127.0.0.1:1"], /--prefill/],
    [["status", "--prefill", "http://127.0.0.1:1", "--decode", "x"], /--decode.*http/],
    [
      ["status", "--prefill", "http://a:1", "--decode", "http://b:1", "--engine", "tgi"],
      /--engine.*auto, vllm, sglang, dynamo, trtllm/,
    ],
    [
      ["status", "--prefill", "http://a:1", "--decode", "http://b:1", "--fail-on", "info"],
      /--fail-on.*never, warning, critical/,
    ],
    [["status", "--prefill", "http://a:1", "--decode", "http://b:1", "--window", "-1"], /--window/],
    [
      ["status", "--prefill", "http://a:1", "--decode", "http://b:1", "--timeout", "0"],
      /--timeout/,
    ],
    [["status", "--prefill", "http://a:1", "--decode", "http://b:1", "--count", "1.5"], /--count/],
    [["status", "--prefill", "http://a:1", "--decode", "http://b:1", "--bogus"], /bogus/],
    [["stats"], /subcommand "stats".*status/],
  ];
  for (const [args, re] of cases) {
    const r = await run(args);
    assert.equal(r.code, 3, args.join(" "));
    assert.deepEqual(r.stdout, []);
    assert.match(r.stderr[0], re);
  }
  const help = await run(["status", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout[0], /--fail-on never\|warning\|critical/);
});

Deno.test("human table output names engine, role, queues and findings", async () => {
  const sg = await readPage("sgl-project_sglang__production_metrics_md_40ef116f.prom");
  await using p = fakeEngine(() => text(sg));
  const port = freePort();
  const r = await run([
    "status",
    "--prefill",
    p.base,
    "--decode",
    `http://127.0.0.1:${port}`,
    "--window",
    "0",
  ]);
  assert.equal(r.code, 2);
  const out = r.stdout.join("\n");
  assert.match(out, /single scrape \(gauges only\)/);
  assert.match(out, /prefill\s+sglang\s+unknown\s+162\/2826/);
  assert.match(out, /decode\s+refused/);
  assert.match(out, /CRITICAL\s+endpoint_unreachable: Decode endpoint/);
});

Deno.test("human table: a failure total over one side names the unknown side", async () => {
  // Prefill exports NIXL failure counters (3 in the window); the decode page has none.
  await using p = fakeEngine(evolving((n) => ({ ...base, failed: 3 * n })));
  const plain = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  await using d = fakeEngine(() => text(plain));
  const r = await run(["status", "--prefill", p.base, "--decode", d.base, "--window", "0.2"]);
  const out = r.stdout.join("\n");
  assert.match(out, /failures 3 \(decode unknown\)/);
  assert.match(
    out,
    /kv_transfer_errors_present: 3 KV transfer failures in the last [\d.]+ s \(prefill only: decode failures unknown\)/,
  );
});

Deno.test("human table: failures both servers counted show the larger side and each side", async () => {
  // Prefill counts 2 failures, decode 3, of 100 transfers read by decode: 3 failed requests
  // (3 %, a warning), not 5 (5 %, critical), since both servers count a failed request.
  await using p = fakeEngine(evolving((n) => ({ ...base, failed: 2 * n })));
  await using d = fakeEngine(
    evolving((n) => ({ ...base, failed: 3 * n, transfers: 10 + 100 * n, success: 10 + 100 * n })),
  );
  const r = await run(["status", "--prefill", p.base, "--decode", d.base, "--window", "0.2"]);
  const out = r.stdout.join("\n");
  assert.match(out, /transfer: 100 transfers, [\d.]+ MB\/s, failures 3 \(prefill 2, decode 3\)/);
  assert.match(
    out,
    /WARNING\s+kv_transfer_errors_present: 3 KV transfer failures in the last [\d.]+ s \(prefill counted 2, decode 3: the larger, as both servers count a failed request\), 3\.0 % of 100 transfers, below the 5\.0 % critical ratio/,
  );
});

Deno.test("--watch --count 3 --interval 1 --timeline writes exactly 3 valid lines (real main.ts)", async () => {
  const vllm = await readPage("ai-dynamo_dynamo__vllm.log");
  await using p = fakeEngine(() => text(vllm));
  await using d = fakeEngine(() => text(vllm));
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/t.jsonl`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN_TS,
        "disagg",
        "status",
        "--prefill",
        p.base,
        "--decode",
        d.base,
        "--watch",
        "--count",
        "3",
        "--interval",
        "1",
        "--window",
        "0.2",
        "--timeline",
        path,
        "--json",
      ],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const stdoutLines = new TextDecoder().decode(out.stdout).trim().split("\n");
    assert.equal(stdoutLines.length, 3);
    const raw = await Deno.readTextFile(path);
    assert.ok(raw.endsWith("\n"));
    const lines = raw.trimEnd().split("\n");
    assert.equal(lines.length, 3);
    for (const [i, line] of lines.entries()) {
      const rec = JSON.parse(line);
      assert.equal(rec.schema_version, "inferguard-timeline/v1");
      assert.equal(rec.sequence, i + 1);
      assert.deepEqual([rec.status, rec.proof_level], ["ok", "live"]);
      assert.equal(rec.disagg_status.schema_version, "disagg-status/v1");
      assert.equal(rec.disagg_status.observed_at, rec.observed_at);
      assert.deepEqual(Object.keys(rec.disagg_status).sort(), [
        "decode",
        "findings",
        "observed_at",
        "prefill",
        "schema_version",
        "transfer",
        "window_s",
      ]);
    }
    const parsed = await parseTimeline(asyncLines(lines));
    assert.deepEqual(parsed.issues, []);
    assert.deepEqual(parsed.samples.map((s) => s.sequence), [1, 2, 3]);
    assert.equal(p.scrapes(), 6); // two scrapes per sample
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stopping the watch loop (abort signal) finishes the current line and exits with the findings' code", async () => {
  await using p = fakeEngine(() => new Response("", { status: 404 }));
  const port = freePort();
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/t.jsonl`;
    const stop = new AbortController();
    const lines: string[] = [];
    const code = await runDisagg(
      [
        "status",
        "--prefill",
        p.base,
        "--decode",
        `http://127.0.0.1:${port}`,
        "--watch",
        "--interval",
        "30",
        "--window",
        "0",
        "--timeline",
        path,
        "--json",
      ],
      {
        stdout: (l) => {
          lines.push(l);
          stop.abort(); // interrupt after the first sample, during the 30 s interval wait
        },
        stderr: () => {},
        signal: stop.signal,
      },
    );
    assert.equal(code, 2);
    assert.equal(lines.length, 1);
    const written = (await Deno.readTextFile(path)).split("\n");
    assert.deepEqual([written.length, written[1]], [2, ""]);
    assert.deepEqual(JSON.parse(written[0]).disagg_status.findings.map((f: Json) => f.code), [
      "endpoint_unreachable",
      "metrics_disabled",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SIGINT stops a real watch process cleanly with complete timeline lines", async () => {
  const vllm = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  await using p = fakeEngine(() => text(vllm));
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/t.jsonl`;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN_TS,
        "disagg",
        "status",
        "--prefill",
        p.base,
        "--decode",
        p.base,
        "--watch",
        "--interval",
        "0.2",
        "--window",
        "0",
        "--timeline",
        path,
      ],
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let size = 0;
    for (let i = 0; i < 200 && size === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      size = await Deno.stat(path).then((s) => s.size, () => 0);
    }
    child.kill("SIGINT");
    const status = await child.output();
    assert.equal(status.code, 0, new TextDecoder().decode(status.stderr));
    const raw = await Deno.readTextFile(path);
    assert.ok(raw.endsWith("\n"));
    for (const line of raw.trimEnd().split("\n")) {
      assert.equal(JSON.parse(line).schema_version, "inferguard-timeline/v1");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Spawn `main.ts disagg status` with `args`; stdout discarded, stderr kept. */
function spawnDisagg(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN_TS, "disagg", "status", ...args],
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

/** Reads `reader` until what it carried matches `pattern` (the child reached that point). */
async function waitFor(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  pattern: RegExp,
): Promise<string> {
  let seen = "";
  const decoder = new TextDecoder();
  while (!pattern.test(seen)) {
    const { done, value } = await reader.read();
    if (done) break;
    seen += decoder.decode(value, { stream: true });
  }
  return seen;
}

Deno.test({
  name: "SIGINT while the --timeline FIFO waits for a reader ends the run at once (exit 130)",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const fifo = `${dir}/timeline.fifo`;
      assert.ok((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
      const port = freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = spawnDisagg(["--prefill", url, "--decode", url, "--timeline", fifo]);
      const killer = setTimeout(() => child.kill("SIGKILL"), 30_000); // a hang fails, not stalls
      try {
        // No reader ever opens the FIFO: the child's open waits, with its handlers installed.
        await waitForFifoOpen(child);
        child.kill("SIGINT");
        const status = await child.output();
        const stderr = new TextDecoder().decode(status.stderr);
        assert.equal(status.signal, null, stderr);
        assert.equal(status.code, 130, stderr);
        assert.match(stderr, /interrupted/);
      } finally {
        clearTimeout(killer);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("a second SIGINT ends a run stuck in a scrape at once; the first only asks it to stop", async () => {
  let release = () => {};
  const released = new Promise<void>((r) => release = r);
  await using p = fakeEngine(async () => {
    await released; // answer only when the test is over
    return text("");
  });
  const child = spawnDisagg([
    "--prefill",
    p.base,
    "--decode",
    p.base,
    "--window",
    "0",
    "--timeout",
    "60",
  ]);
  try {
    const reader = child.stderr.getReader();
    for (let i = 0; i < 400 && p.scrapes() < 2; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(p.scrapes(), 2);
    child.kill("SIGINT");
    const first = await waitFor(reader, /again to stop now/);
    assert.match(first, /stopping after this sample/);
    child.kill("SIGINT");
    // The scrapes wait up to --timeout 60: only the second SIGINT can end the run before the
    // killer does (which would give 137, not 130).
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const rest = await waitFor(reader, /(?!)/); // to the end of stderr
    const { code } = await child.status;
    clearTimeout(killer);
    assert.equal(code, 130, first + rest);
    assert.match(rest, /interrupted/);
  } finally {
    release();
  }
});

Deno.test("credentials in a URL reach the endpoint and never the output or the timeline", async () => {
  const body = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  const auth = `Basic ${btoa("scraper:s3cret-pw")}`;
  await using p = fakeEngine((_, req) =>
    req.headers.get("authorization") === auth ? text(body) : new Response("", { status: 401 })
  );
  const dir = await Deno.makeTempDir();
  try {
    const withCreds = p.base.replace("http://", "http://scraper:s3cret-pw@");
    const timeline = `${dir}/t.jsonl`;
    const r = await run([
      "status",
      "--prefill",
      withCreds,
      "--decode",
      p.base.replace("http://", "http://token-only@"),
      "--window",
      "0",
      "--json",
      "--timeline",
      timeline,
    ]);
    const rec = JSON.parse(r.stdout[0]);
    assert.equal(rec.prefill.scrape.outcome, "ok"); // the credentials were sent
    assert.equal(rec.decode.scrape.http_status, 401);
    assert.equal(rec.prefill.url, `${p.base.replace("http://", "http://***@")}/metrics`);
    const everything = [...r.stdout, ...r.stderr, await Deno.readTextFile(timeline)].join("\n");
    assert.doesNotMatch(everything, /s3cret-pw|scraper|token-only/);
    assert.match(everything, /\*\*\*@/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parsing one side's big page does not use up the other side's --timeout", async () => {
  // About 12 MB of histogram series (under the 16 MB body cap): parsing it holds the thread for
  // longer than the 1 s timeout below, so it must wait until the slower side has answered. On a
  // machine that parses it in under about 0.7 s this passes either way (it cannot fail wrongly).
  const les = ["0.001", "0.01", "0.02", "0.04", "0.06", "0.08", "0.1", "0.25", "0.5", "1", "2.5"];
  const lines = ["vllm:num_requests_running 1"];
  for (let i = 0; i < 9000; i++) {
    const labels = `engine="${i}",model_name="m"`;
    for (const le of [...les, "+Inf"]) {
      lines.push(`vllm:time_to_first_token_seconds_bucket{${labels},le="${le}"} ${i}`);
    }
    lines.push(`vllm:time_to_first_token_seconds_count{${labels}} ${i}`);
    lines.push(`vllm:time_to_first_token_seconds_sum{${labels}} ${i}`);
  }
  const big = lines.join("\n") + "\n";
  const small = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  await using p = fakeEngine(() => text(big));
  await using d = fakeEngine(async () => {
    await new Promise((r) => setTimeout(r, 300));
    return text(small);
  });
  const { rec } = await status(p.base, d.base, ["--window", "0", "--timeout", "1"]);
  assert.equal(rec.decode.scrape.outcome, "ok", JSON.stringify(rec.decode.scrape));
  assert.equal(rec.prefill.scrape.outcome, "ok", JSON.stringify(rec.prefill.scrape));
});

Deno.test("a bad URL in a usage error shows no credentials", async () => {
  const cases = [
    ["http://usr:S3CRET@/metrics", "http://***@/metrics"],
    ["usr:S3CRET@host:8000", "***@host:8000"],
    ["http://usr:p@S3CRET@/m", "http://***@/m"],
  ];
  for (const [bad, shown] of cases) {
    const r = await run(["status", "--prefill", bad, "--decode", "http://h"]);
    assert.equal(r.code, 3, bad);
    assert.doesNotMatch(r.stderr.join("\n"), /S3CRET|usr/, bad);
    assert.ok(r.stderr.join("\n").includes(`"${shown}"`), r.stderr.join("\n"));
  }
});

// ---------------------------------------------------------------------------------------------
// Engines and pages the audit found misread.

Deno.test("stand-alone TensorRT-LLM 1.1.0rc5 (JSON /metrics, unprefixed /prometheus/metrics): identified and read", async () => {
  // The real Dynamo TRT-LLM capture without Dynamo's families and prefix, as trtllm-serve prints
  // it (reference §4.4); the second scrape has one more request (2 → 3) and TTFT observation.
  const page = standaloneTrtllmPage(await readPage("ai-dynamo_dynamo__trtllm.log"));
  let later = setSample(page, "request_success_total", {}, (x) => x + 1);
  later = setSample(later, "time_to_first_token_seconds_bucket", { le: "+Inf" }, (x) => x + 1);
  later = setSample(later, "time_to_first_token_seconds_count", {}, (x) => x + 1);
  let scrapes = 0;
  const models = Response.json({ data: [{ id: "Qwen/Qwen3-0.6B", owned_by: "tensorrt_llm" }] });
  await using p = fakeEngine(
    () => Response.json([{ numActiveRequests: 0, numQueuedRequests: 0 }]),
    (path) =>
      path === "/prometheus/metrics"
        ? text(++scrapes === 1 ? page : later)
        : path === "/v1/models"
        ? models.clone()
        : null,
  );
  const vllm = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  await using d = fakeEngine(() => text(vllm));
  const { code, rec } = await status(p.base, d.base, ["--window", "0.2", "--fail-on", "warning"]);
  const ep = rec.prefill;
  assert.deepEqual([ep.engine, ep.kind, ep.engine_decided_by, ep.wrapper], [
    "trtllm",
    "engine",
    "page",
    null,
  ]);
  assert.deepEqual([ep.lifetime.requests_completed, ep.deltas.requests_completed], [3, 1]);
  assert.deepEqual(ep.latency.ttft.count, 1);
  assert.match(ep.unavailable.running, /unprefixed metric names \(1\.1\.0rc5 era/);
  // Once a page, not probes only, the engine (it was metrics_disabled / engine_unidentified).
  // The idle vLLM decode received nothing while prefill completed a request: a stall, seen in
  // one window (info).
  assert.deepEqual(codes(rec), ["kv_transfer_stall"]);
  assert.equal(rec.findings[0].severity, "info");
  assert.equal(code, 0);
});

Deno.test("Triton TensorRT-LLM backend page: running, waiting and KV usage read from its labelled gauges", async () => {
  // Families and label values as the backend registers them (no real capture is available).
  const req = (type: string, v: number) =>
    `nv_trt_llm_request_metrics{model="tensorrt_llm",request_type="${type}",version="1"} ${v}`;
  const kv = (type: string, v: number) =>
    `nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="${type}",model="tensorrt_llm",version="1"} ${v}`;
  const page = [
    "# TYPE nv_trt_llm_request_metrics gauge",
    ...[["context", 1], ["scheduled", 4], ["max", 64], ["active", 5], ["waiting", 7]].map((
      [t, v],
    ) => req(t as string, v as number)),
    "# TYPE nv_trt_llm_kv_cache_block_metrics gauge",
    ...[["tokens_per", 64], ["used", 900], ["free", 100], ["max", 1000], ["fraction", 0.9]].map((
      [t, v],
    ) => kv(t as string, v as number)),
    "",
  ].join("\n");
  await using p = fakeEngine(() => text(page));
  await using d = fakeEngine(() => text(page));
  const { rec } = await status(p.base, d.base, ["--window", "0"]);
  assert.equal(rec.prefill.engine, "trtllm");
  assert.deepEqual(rec.prefill.gauges, {
    running: 5,
    waiting: 7,
    waiting_on_transfer: null,
    kv_usage: 0.9,
    capacity_tokens: 64000,
    inflight_requests: null,
  });
  for (const f of ["running", "waiting", "kv_usage"]) {
    assert.equal(rec.prefill.unavailable[f], undefined, f);
  }
});

Deno.test("prefill shows NIXL families and the decode vLLM page none: connector_mismatch", async () => {
  // The real stand-alone vLLM page, once with the NIXL connector's families (all 0 at start-up,
  // as vLLM registers them) and once without: the decode runs no NIXL.
  const vllm = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  const l = { engine: "0", model_name: "Qwen/Qwen1.5-0.5B-Chat" };
  const nixl = vllm +
    "# TYPE vllm:nixl_num_failed_transfers_total counter\n" +
    'vllm:nixl_num_failed_transfers_total{engine="0",model_name="Qwen/Qwen1.5-0.5B-Chat"} 0\n' +
    "# TYPE vllm:nixl_xfer_time_seconds histogram\n" +
    histogramText("vllm:nixl_xfer_time_seconds", l, {
      bounds: [0.01, 0.1],
      counts: [0, 0, 0],
      sum: 0,
    }) +
    "\n";
  await using p = fakeEngine(() => text(nixl));
  await using d = fakeEngine(() => text(vllm));
  const { code, rec } = await status(p.base, d.base, ["--window", "0", "--fail-on", "warning"]);
  assert.deepEqual([rec.prefill.connectors, rec.decode.connectors], [["nixl"], []]);
  assert.deepEqual(codes(rec), ["connector_mismatch"]);
  assert.equal(
    rec.findings[0].message,
    "Prefill shows KV connector nixl but decode shows none: its vLLM page has no vllm:nixl_* " +
      "families, which vLLM exports whenever it runs that connector",
  );
  assert.equal(code, 1);
  // A decode whose engine shows no connector families on /metrics (SGLang): no finding.
  const sg = await readPage("sgl-project_sglang__production_metrics_md_40ef116f.prom");
  await using s = fakeEngine(() => text(sg));
  const quiet = await status(p.base, s.base, ["--window", "0"]);
  assert.deepEqual(quiet.rec.findings, []);
});

Deno.test("a second scrape cut short inside a histogram: its window is unknown, not a reset", async () => {
  // The real vLLM page after 1000 requests (300 TTFTs ≤ 1 ms), then the same process's page cut
  // off after its first TTFT bucket line (no +Inf, no _count): 300 is not the total.
  const vllm = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  const TTFT = "vllm:time_to_first_token_seconds";
  let busy = setSample(vllm, `${TTFT}_bucket`, {}, () => 1000);
  busy = setSample(busy, `${TTFT}_bucket`, { le: "0.001" }, () => 300);
  busy = setSample(busy, `${TTFT}_count`, {}, () => 1000);
  const at = busy.indexOf(`${TTFT}_bucket{`);
  const cut = busy.slice(0, busy.indexOf("\n", at) + 1);
  await using p = fakeEngine((n) => text(n === 1 ? busy : cut));
  await using d = fakeEngine(() => text(vllm));
  const { rec } = await status(p.base, d.base, ["--window", "0.2"]);
  assert.equal(rec.prefill.latency.ttft, undefined);
  assert.match(
    rec.prefill.unavailable.ttft,
    /has neither a \+Inf bucket nor _count on the second scrape/,
  );
  assert.deepEqual(rec.prefill.counter_resets, []);
});

Deno.test("a watch ends once the reader of stdout is gone, with the sample in hand recorded", async () => {
  const vllm = await readPage("Ahasannn_hardware-aware-router__vllm_metrics.txt");
  await using p = fakeEngine(() => text(vllm));
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/t.jsonl`;
    const args = [
      "status",
      "--prefill",
      p.base,
      "--decode",
      p.base,
      "--watch",
      "--interval",
      "0.05",
      "--window",
      "0",
      "--timeline",
      path,
      "--json",
    ];
    // In process: the second line cannot be printed (the reader left after the first).
    let printed = 0;
    const code = await runDisagg(args, { stdout: () => ++printed < 2, stderr: () => {} });
    assert.equal(code, 0);
    assert.equal(printed, 2);
    assert.equal((await Deno.readTextFile(path)).trimEnd().split("\n").length, 2);
    // A real process piped into a reader that takes one line and closes its end (`| head -1`).
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN_TS, "disagg", ...args, "--fail-on", "never"],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.getReader();
    await waitFor(reader, /\n/);
    await reader.cancel();
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const status = await child.status;
    clearTimeout(timer);
    const stderr = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
    assert.equal(status.signal, null, "the watch had to be killed");
    assert.equal(status.code, 0, stderr);
    assert.equal(stderr, "", "a reader that left is no error");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
