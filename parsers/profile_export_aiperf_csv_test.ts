import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { chunked, enc } from "./_chunked.ts";
import { HAS_REALDATA, realdata } from "../tests/_realdata.ts";
import type { ParseResult, RecordDraft } from "../lib/types.ts";
import { parseAiperfProfile } from "./aiperf_profile.ts";
import { parseProfileExportAiperfCsv } from "./profile_export_aiperf_csv.ts";

const STATS = "Metric,avg,min,max,sum,p1,p5,p10,p25,p50,p75,p90,p95,p99,std";

/** A small export in aiperf's layout: statistics, a blank line, then scalars. */
const SMALL = [
  STATS,
  "Inter Token Latency (ms),20.00,10.00,40.00,2000.00,10.50,11.00,12.00,15.00,19.00,25.00,30.00,35.00,39.00,5.00",
  "Request Latency (ms),3000.00,500.00,9000.00,300000.00,510.00,600.00,700.00,1500.00,2500.00,4000.00,6000.00,7000.00,8800.00,1500.00",
  "Time to First Token (ms),400.00,100.00,2000.00,40000.00,101.00,110.00,120.00,200.00,300.00,500.00,800.00,1200.00,1900.00,300.00",
  "HTTP Chunks Sent,1.00,1.00,1.00,100.00,1.00,1.00,1.00,1.00,1.00,1.00,1.00,1.00,1.00,0.00",
  "",
  "Metric,Value",
  "Benchmark Duration (sec),120.50",
  "Error Request Count,4.00",
  "Request Count,96.00",
  "Theoretical Prefix Cache Hit (%),87.50",
].join("\n") + "\n";

function parse(text: string, cuts: number[] = []): Promise<ParseResult> {
  return parseProfileExportAiperfCsv(chunked(enc(text), cuts));
}

function only(result: ParseResult): RecordDraft {
  assert.equal(result.unreadable, false);
  assert.equal(result.drafts.length, 1);
  return result.drafts[0];
}

function close(actual: unknown, expected: number, label: string, abs = 1e-12): void {
  assert.equal(typeof actual, "number", `${label}: got ${actual}`);
  assert.ok(Math.abs((actual as number) - expected) <= abs, `${label}: ${actual} != ${expected}`);
}

/** Values of SMALL by hand: ms / 1000, percent / 100, errors added to the profiling total. */
function assertSmall(d: RecordDraft): void {
  const m = d.metrics;
  assert.equal(d.source_format, "agentx-aiperf");
  assert.equal(d.priority, 24, "below profile_export_aiperf.json (25)");
  assert.equal(d.primary, true);
  assert.equal(m.num_requests_successful, 96);
  assert.equal(m.num_requests_total, 100, "96 + 4 errors; warm-up unknown");
  close(m.success_rate, 0.96, "success_rate");
  close(m.mean_ttft, 0.4, "mean_ttft");
  close(m.p50_ttft, 0.3, "p50_ttft");
  close(m.p90_ttft, 0.8, "p90_ttft");
  close(m.p99_ttft, 1.9, "p99_ttft");
  close(m.p99_e2el, 8.8, "p99_e2el");
  close(m.p50_tpot, 0.019, "p50_tpot");
  close(m.p50_itl, 0.019, "p50_itl");
  close(m.intvty, 1 / 0.019, "intvty");
  close(m.duration_s, 120.5, "duration_s");
  close(m.theoretical_cache_hit_rate, 0.875, "theoretical_cache_hit_rate");
  close(d.extra_percentiles?.p95_ttft, 1.2, "p95_ttft");
  assert.equal(d.notes?.error_request_count, 4);
}

Deno.test("aiperf CSV: statistics and scalar sections give the JSON's record", async () => {
  const r = await parse(SMALL);
  assert.deepEqual(r.issues, []);
  assertSmall(only(r));
});

Deno.test("aiperf CSV: CRLF, a BOM and chunks cut anywhere", async () => {
  const text = "\uFEFF" + SMALL.replaceAll("\n", "\r\n");
  const bytes = enc(text);
  for (let cut = 1; cut < bytes.length; cut += 5) {
    const r = await parse(text, [cut, cut + 1, cut + 2]);
    assert.deepEqual(r.issues, [], `cut at ${cut}`);
    assertSmall(only(r));
  }
});

Deno.test("aiperf CSV: bad rows are issues with their line, never a crash", async () => {
  const lines = SMALL.trimEnd().split("\n");
  lines[1] = "Inter Token Latency (ms),20.00,10.00"; // line 2: too few fields
  lines[3] = lines[3].replace("1900.00", "slow"); // line 4: unreadable p99
  const r = await parse("Orphan,1\n" + lines.join("\n"));
  const d = only(r);
  assert.deepEqual(r.issues, [
    { line: 1, message: "A row before the Metric header; skipped" },
    { line: 3, message: "Expected 15 fields, found 3; row skipped" },
    { line: 5, message: 'Cannot read p99 of "Time to First Token" ("slow") as a number' },
  ]);
  assert.equal(d.metrics.p50_itl, undefined, "the skipped row gives nothing");
  assert.equal(d.metrics.p99_ttft, undefined);
  close(d.metrics.p90_ttft, 0.8, "the rest of the row is read");
});

Deno.test("aiperf CSV: edge cases (empty, no metric rows, no request count)", async () => {
  const empty = await parse("");
  assert.equal(empty.unreadable, true);
  assert.deepEqual(empty.issues, [{ line: null, message: "The file is empty" }]);
  const headerOnly = await parse(`${STATS}\n\nMetric,Value\n`);
  assert.equal(headerOnly.unreadable, true);
  assert.deepEqual(headerOnly.issues, [{ line: null, message: "No metric rows found" }]);
  // Rows the record does not use only: nothing to report a cell from.
  const unused = await parse("Metric,Value\nHTTP Chunks Sent,1.00\n");
  assert.equal(unused.unreadable, true);
  // Latency without a request count: read, and the missing count is said.
  const noCount = only(await parse(SMALL.replace("Request Count,96.00\n", "")));
  assert.equal(noCount.metrics.num_requests_successful, undefined);
  close(noCount.metrics.p99_ttft, 1.9, "p99_ttft");
  const r = await parse(SMALL.replace("Request Count,96.00\n", ""));
  assert.deepEqual(r.issues.map((i) => i.message), ['No "Request Count" row']);
});

/** The real aiperf exports beside their JSON (reference §9.6). */
function realDirs(): string[] {
  return readdirSync(realdata("agentx-aiperf"))
    .filter((n) => n.startsWith("agentic_"))
    .map((n) => `agentx-aiperf/${n}/aiperf_artifacts`)
    .sort();
}

Deno.test("aiperf CSV: the real exports agree with their JSON within the CSV's rounding", {
  ignore: !HAS_REALDATA,
}, async () => {
  const dirs = realDirs();
  assert.equal(dirs.length, 2);
  for (const dir of dirs) {
    const csv = only(
      await parseProfileExportAiperfCsv(
        chunked(readFileSync(realdata(`${dir}/profile_export_aiperf.csv`))),
      ),
    );
    const json = JSON.parse(readFileSync(realdata(`${dir}/profile_export_aiperf.json`), "utf8"));
    const fromJson = parseAiperfProfile(json).drafts[0];
    // Independent expectations, from the JSON file's own numbers: counts exactly; times are
    // written to 0.01 ms (0.01 s for the duration) in the CSV, percent to 0.01 %.
    assert.equal(csv.metrics.num_requests_successful, json.request_count.avg, dir);
    const errors = json.error_request_count?.avg ?? 0;
    assert.equal(csv.metrics.num_requests_total, json.request_count.avg + errors, dir);
    for (
      const [field, key, stat] of [
        ["mean_ttft", "time_to_first_token", "avg"],
        ["p50_ttft", "time_to_first_token", "p50"],
        ["p90_ttft", "time_to_first_token", "p90"],
        ["p99_ttft", "time_to_first_token", "p99"],
        ["mean_e2el", "request_latency", "avg"],
        ["p99_e2el", "request_latency", "p99"],
        ["p50_tpot", "inter_token_latency", "p50"],
        ["p99_itl", "inter_token_latency", "p99"],
      ] as const
    ) {
      close(csv.metrics[field], json[key][stat] / 1000, `${dir} ${field}`, 0.005 / 1000 + 1e-12);
    }
    close(csv.metrics.duration_s, json.benchmark_duration.avg, `${dir} duration`, 0.005 + 1e-9);
    const hit = json.theoretical_prefix_cache_hit;
    close(
      csv.metrics.theoretical_cache_hit_rate,
      hit.sum / hit.count,
      `${dir} hit`,
      0.00005 + 1e-12,
    );
    // Every metric the JSON parser gives, the CSV gives too (warm-up aside), to rounding (0.005 of
    // a 13 ms TPOT moves its reciprocal, intvty, by 4e-4 of itself).
    for (const [k, v] of Object.entries(fromJson.metrics)) {
      if (k === "num_requests_total" || k === "success_rate" || v === null) continue;
      const got = (csv.metrics as Record<string, number>)[k];
      assert.ok(
        Math.abs(got - (v as number)) <= Math.max(5e-4 * Math.abs(v as number), 0.005),
        `${dir} ${k}: ${got} vs ${v}`,
      );
    }
  }
});

Deno.test("aiperf CSV: hostile widths and lengths are issues, not memory", async () => {
  const wide = "Request Count," + Array.from({ length: 5000 }, () => "1").join(",");
  const long = `Time to First Token (ms),${"9".repeat(200_000)},1,1,1,1,1,1,1,1,1,1,1,1,1`;
  const r = await parse(`${STATS}\n${wide}\n${long}\nMetric,Value\nRequest Count,7\n`);
  assert.deepEqual(r.issues, [
    { line: 2, message: "Expected 15 fields, found 5001; row skipped" },
    { line: 3, message: 'Cannot read avg of "Time to First Token" ("(overlong)") as a number' },
  ]);
  const d = only(r);
  assert.equal(d.metrics.num_requests_successful, 7);
  close(d.metrics.p50_ttft, 0.001, "the rest of the long row is read");
});

Deno.test("parseProfileExportAiperfCsv: a file of only bad rows lists 100 issues and counts the rest", async () => {
  const r = await parseProfileExportAiperfCsv(chunked(enc("x,1\n".repeat(150))));
  assert.equal(r.unreadable, true);
  assert.deepEqual(r.issues[r.issues.length - 1].message.endsWith("more issues not listed"), true);
});
