/**
 * Tests of the `disagg status` shell against loopback fake engines (127.0.0.1 only) serving the
 * real captures in `testdata/metrics/` (byte-identical copies of `realdata/metrics/`): per-side
 * windows, non-finite gauges in the table, timeline appends and timeline write failures.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { renderTable } from "./disagg_main.ts";
import { fakeEngine, freePort, readPage, run, text } from "../../tests/_disagg.ts";
import { parseTimeline } from "../../parsers/timeline.ts";
import { histogramText, nanDynamoTrtPage, setSample, zeroPage } from "../../live/_test_pages.ts";
import { identifyPage } from "../../live/identify.ts";
import { parsePrometheusText } from "../../live/prometheus_text.ts";
import { buildSnapshot } from "../../live/snapshot.ts";
import { computeEndpointSample, computeTransfer, type PairSample } from "../../live/window.ts";

const MAIN_TS = fileURLToPath(new URL("../../main.ts", import.meta.url));
const VLLM = "Ahasannn_hardware-aware-router__vllm_metrics.txt";
const VLLM_LABELS = { engine: "0", model_name: "Qwen/Qwen1.5-0.5B-Chat" };

/** A loopback base URL nothing listens on (connection refused). */
function refusedBase(): string {
  return `http://127.0.0.1:${freePort()}`;
}

async function* linesOf(text: string): AsyncIterable<string> {
  for (const l of text.split("\n")) yield l;
}

/**
 * The real stand-alone vLLM page plus NIXL counters: `transfers` transfers of 1 MB each (all in
 * the 1e6..1e7 bucket) and `failed` failed transfers, lifetime.
 */
async function nixlPage(transfers: number, failed: number): Promise<string> {
  const real = await readPage(VLLM);
  return real + [
    "# TYPE vllm:nixl_num_failed_transfers_total counter",
    `vllm:nixl_num_failed_transfers_total{engine="0",model_name="Qwen/Qwen1.5-0.5B-Chat"} ${failed}`,
    "# TYPE vllm:nixl_bytes_transferred histogram",
    histogramText("vllm:nixl_bytes_transferred", VLLM_LABELS, {
      bounds: [1e6, 1e7],
      counts: [0, transfers, transfers],
      sum: transfers * 1e6,
    }),
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Defect: transfer rates and failure windows used the prefill side's clock.

Deno.test("decode's transfers and failures are divided by decode's own scrape gap, not prefill's", async () => {
  // Prefill's first answer comes after the 0.5 s timeout, so the sleep starts only then: decode's
  // first scrape is 0.5 s older than prefill's, and decode's gap is about 0.5 s longer than the
  // sample's stated (prefill) window. In the window decode moves 100 transfers, 100 MB, 2
  // failures (3 - 1).
  const real = await readPage(VLLM);
  const [a, b] = [await nixlPage(50, 1), await nixlPage(150, 3)];
  await using p = fakeEngine(async (n) => {
    if (n === 1) await new Promise((r) => setTimeout(r, 1500));
    return text(real);
  });
  await using d = fakeEngine((n) => text(n === 1 ? a : b));
  const r = await run([
    "status",
    "--prefill",
    p.base,
    "--decode",
    d.base,
    "--json",
    "--window",
    "0.3",
    "--timeout",
    "0.5",
  ]);
  const rec = JSON.parse(r.stdout[0]);
  const t = rec.transfer;
  const decodeS = rec.decode.window_s;
  assert.equal(rec.prefill.window_s, 0); // its first scrape timed out: no window of its own
  assert.ok(decodeS >= rec.window_s + 0.4, `decode ${decodeS} s, stated ${rec.window_s} s`);
  assert.deepEqual([t.transfers_side, t.transfers, t.bytes], ["decode", 100, 1e8]);
  assert.equal(t.bytes_per_s, 1e8 / decodeS);
  assert.equal(t.transfers_per_s, 100 / decodeS);
  assert.equal(rec.decode.rates.kv_transfer_failures, 2 / decodeS);
  const f = rec.findings.find((x: { code: string }) => x.code === "kv_transfer_errors_present");
  assert.equal(f.severity, "warning");
  assert.equal(
    f.message,
    `2 KV transfer failures in the last ${decodeS} s (decode's window; decode only: prefill failures unknown), 2.0 % of 100 transfers, below the 5.0 % critical ratio`,
  );
  assert.deepEqual([f.evidence.window_s, f.evidence.failures_side, f.evidence.failures_per_s], [
    decodeS,
    "decode",
    2 / decodeS,
  ]);
});

Deno.test("the table says whose window a rate covers when the sides' gaps differ", async () => {
  const snap = (body: string) => {
    const page = parsePrometheusText(body);
    return buildSnapshot(page, identifyPage(page));
  };
  const ok = { ok: true, outcome: "ok", url: "u", http_status: 200, message: null };
  const prefill = computeEndpointSample(null, snap(await readPage(VLLM)), {
    windowS: 0,
    scrape: ok,
    scrapedAt: null,
    singleReason: "first scrape failed (timeout)",
  });
  const decode = computeEndpointSample(snap(await nixlPage(50, 1)), snap(await nixlPage(150, 3)), {
    windowS: 4.98,
    scrape: ok,
    scrapedAt: null,
  });
  const sample: PairSample = {
    observed_at: "2026-01-01T00:00:05.000Z",
    window_s: 2.03,
    prefill,
    decode,
    transfer: computeTransfer(prefill, decode),
  };
  // 100 MB over decode's 4.98 s: 20.08 MB/s (over prefill's 2.03 s it would be 49.26).
  const lines = renderTable(sample, []).split("\n");
  assert.equal(
    lines[0],
    "inferguard disagg status  2026-01-01T00:00:05.000Z  window 2.03 s (prefill none, decode 4.98 s)",
  );
  assert.equal(
    lines[4],
    "transfer: 100 transfers, 20.08 MB/s over decode's 4.98 s, failures 2 (prefill unknown)",
  );
});

// ---------------------------------------------------------------------------------------------
// Defect: NaN gauges read outside the engine tables reached the table.

Deno.test("NaN Dynamo kvstats usage and in-flight requests: null with reason NaN, never printed", async () => {
  // The real Dynamo TRT-LLM worker page with its kvstats wired (total_blocks 100) but NaN usage
  // and in-flight requests, and a NaN TRT-LLM block count for the capacity.
  const page = nanDynamoTrtPage(await readPage("ai-dynamo_dynamo__trtllm.log"));
  await using p = fakeEngine(() => text(page));
  const args = ["status", "--prefill", p.base, "--decode", p.base, "--window", "0"];
  const json = await run([...args, "--json"]);
  const ep = JSON.parse(json.stdout[0]).prefill;
  assert.deepEqual(
    [ep.gauges.kv_usage, ep.gauges.inflight_requests, ep.gauges.capacity_tokens],
    [null, null, null],
  );
  assert.deepEqual(
    [ep.unavailable.kv_usage, ep.unavailable.inflight_requests, ep.unavailable.capacity_tokens],
    ["NaN", "NaN", "NaN"],
  );
  assert.ok(!ep.unavailable.running.includes("NaN"), ep.unavailable.running);
  const table = await run(args);
  const out = table.stdout.join("\n");
  assert.ok(!out.includes("NaN"), out);
  // side, engine, role, run/wait, xfer-wait, then kv: "-" for an unknown usage.
  assert.match(table.stdout[0].split("\n")[2], /^prefill\s+dynamo\/trtllm\s+\S+\s+\S+\s+\S+\s+-\s/);
});

// ---------------------------------------------------------------------------------------------
// Defect: a quantile bound lost its unit in the table.

Deno.test("TTFT bounds carry their unit in the table: > 30s (real SGLang), <= 1ms (first bucket)", async () => {
  const ok = { ok: true, outcome: "ok", url: "u", http_status: 200, message: null };
  const sampleOf = (body: string): PairSample => {
    const snap = (t: string) => {
      const page = parsePrometheusText(t);
      return buildSnapshot(page, identifyPage(page));
    };
    // Lifetime window: an all-zero scrape of the same page, then the page.
    const ep = computeEndpointSample(snap(zeroPage(body)), snap(body), {
      windowS: 10,
      scrape: ok,
      scrapedAt: null,
    });
    return {
      observed_at: "2026-01-01T00:00:05.000Z",
      window_s: 10,
      prefill: ep,
      decode: ep,
      transfer: computeTransfer(ep, ep),
    };
  };
  const ttftCell = (s: PairSample) => renderTable(s, []).split("\n")[2].split(/\s{2,}/).at(-1);
  // Real SGLang capture: 77.2 % of 11 008 TTFTs beyond the last bucket, 30 s (reference §6.3).
  const sglang = sampleOf(
    await readPage("sgl-project_sglang__production_metrics_md_40ef116f.prom"),
  );
  assert.equal(sglang.prefill.latency?.ttft?.p90, "> 30"); // the JSON form stays in seconds
  assert.equal(ttftCell(sglang), "> 30s");
  // The real vLLM page with 25 TTFTs, all in the first bucket (le 0.001 s).
  let vllm = await readPage(VLLM);
  vllm = setSample(vllm, "vllm:time_to_first_token_seconds_bucket", {}, () => 25);
  vllm = setSample(vllm, "vllm:time_to_first_token_seconds_count", {}, () => 25);
  vllm = setSample(vllm, "vllm:time_to_first_token_seconds_sum", {}, () => 0.0125);
  const first = sampleOf(vllm);
  assert.equal(first.prefill.latency?.ttft?.p90, "<= 0.001");
  assert.equal(ttftCell(first), "<= 1ms");
});

// ---------------------------------------------------------------------------------------------
// Defect: a timeline ending in a line cut short swallowed the next run's first sample.

const CUT = '{"schema_version":"inferguard-timeline/v1","observed_at":"2026-01-01T00:00:0';

/** One scrape of `base` as both sides, appended to the timeline at `path`. */
const timelineArgs = (base: string, path: string) => [
  "status",
  "--prefill",
  base,
  "--decode",
  base,
  "--window",
  "0",
  "--timeline",
  path,
];

Deno.test("a timeline whose last line was cut short keeps it as one bad line; the new sample reads", async () => {
  const real = await readPage(VLLM);
  await using p = fakeEngine(() => text(real));
  const dir = await Deno.makeTempDir();
  try {
    const args = (path: string) => timelineArgs(p.base, path);
    const cut = `${dir}/cut.jsonl`;
    await Deno.writeTextFile(cut, CUT);
    assert.equal((await run(args(cut))).code, 0);
    const raw = await Deno.readTextFile(cut);
    assert.ok(raw.startsWith(`${CUT}\n{`), raw.slice(0, 120));
    const parsed = await parseTimeline(linesOf(raw));
    assert.deepEqual(parsed.issues.map((i) => i.line), [1]);
    assert.equal(parsed.samples.length, 1);
    // A whole timeline gets no blank line: the next run appends right after its newline.
    const whole = `${dir}/whole.jsonl`;
    assert.equal((await run(args(whole))).code, 0);
    assert.equal((await run(args(whole))).code, 0);
    const lines = (await Deno.readTextFile(whole)).split("\n");
    assert.equal(lines.length, 3);
    assert.equal(lines[2], "");
    const two = await parseTimeline(linesOf(lines.join("\n")));
    assert.deepEqual([two.issues, two.samples.length], [[], 2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the CLI checks the timeline's last byte before it gives up read permission", async () => {
  const real = await readPage(VLLM);
  await using p = fakeEngine(() => text(real));
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/t.jsonl`;
    await Deno.writeTextFile(path, CUT);
    const cliArgs = [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-net=127.0.0.1",
      MAIN_TS,
      "disagg",
      ...timelineArgs(p.base, path),
    ];
    const cli = () =>
      new Deno.Command(Deno.execPath(), {
        args: cliArgs,
        env: { NO_COLOR: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
    const out = await cli();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const parsed = await parseTimeline(linesOf(await Deno.readTextFile(path)));
    assert.deepEqual(parsed.issues.map((i) => i.line), [1]);
    assert.equal(parsed.samples.length, 1);
    // The CLI reads the last byte before it gives up read permission: a whole timeline gets no
    // blank line.
    const again = await cli();
    assert.equal(again.code, 0, new TextDecoder().decode(again.stderr));
    const lines = (await Deno.readTextFile(path)).split("\n");
    assert.deepEqual([lines.length, lines.filter((l) => l === "").length], [4, 1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------------
// Defect: a timeline write failure ended the run as an internal error (exit 3).

Deno.test({
  name:
    "a timeline that cannot be written (a pipe whose reader left) stops with a clear error and the findings' exit code",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    // A FIFO whose reader takes one byte and leaves: the first line goes into the pipe, the
    // next write fails (EPIPE), as a full disk fails with ENOSPC. Decode refuses connections:
    // endpoint_unreachable is critical, so the findings' exit code is 2.
    const dir = await Deno.makeTempDir();
    const fifo = `${dir}/timeline.fifo`;
    try {
      const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
      assert.equal(made.code, 0, new TextDecoder().decode(made.stderr));
      const reader = new Deno.Command("head", {
        args: ["-c", "1", fifo],
        stdout: "null",
        stderr: "null",
      }).spawn();
      const real = await readPage(VLLM);
      await using p = fakeEngine(() => text(real));
      const r = await run([
        "status",
        "--prefill",
        p.base,
        "--decode",
        refusedBase(),
        "--window",
        "0",
        "--count",
        "5",
        "--interval",
        "0.2",
        "--timeline",
        fifo,
      ]);
      await reader.status;
      assert.equal(r.code, 2);
      // Every sample taken is printed; sampling stopped at the first that could not be recorded.
      assert.ok(r.stdout.length >= 2 && r.stdout.length < 5, r.stdout.join("\n"));
      assert.ok(r.stdout.every((s) => /CRITICAL endpoint_unreachable/.test(s)));
      assert.equal(r.stderr.length, 1, r.stderr.join("\n"));
      assert.match(
        r.stderr[0],
        new RegExp(
          `^inferguard disagg: Cannot write --timeline "${fifo}": .*; sample ${r.stdout.length} ` +
            "is printed above but not recorded, and sampling stops$",
        ),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
