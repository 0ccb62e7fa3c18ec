/**
 * Bad values and shapes that parse without error must still produce a finding naming the file
 * (SPEC §8): absurd numbers, empty timelines, files whose name promises an artifact their content
 * is not, over-long lines, hostile names, and line endings the CSV dialect does not accept.
 * @module
 */
import assert from "node:assert/strict";
import { copyFile, cp, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { copyDistinct } from "./_distinct.ts";
import {
  analyzeInProcess,
  assertContract,
  copySeed,
  findingsNaming,
  HOSTILE_DIR,
  HOSTILE_NAMES,
  REAL_AGG,
  withTemp,
} from "./_hostile.ts";

/** Analyze `files` (corpus paths) copied next to one real agg. */
async function withCorpusFiles<T>(
  files: readonly string[],
  fn: (r: Awaited<ReturnType<typeof analyzeInProcess>>) => T,
): Promise<T> {
  return await withTemp("hostile_findings", async (dir) => {
    for (const f of files) {
      await Deno.mkdir(`${dir}/in/${f.slice(0, f.lastIndexOf("/"))}`, { recursive: true });
      await Deno.copyFile(`${HOSTILE_DIR}${f}`, `${dir}/in/${f}`);
    }
    await copySeed(REAL_AGG, `${dir}/in/good/agg_good.json`);
    const r = await analyzeInProcess(`${dir}/in`, `${dir}/out`);
    assertContract(r, files.join(", "));
    return fn(r);
  });
}

Deno.test("non-finite, negative, absurd and wrongly typed agg values each get a finding naming the file and field", async () => {
  const files = [
    "values/agg_1e999.json",
    "values/agg_absurd.json",
    "values/agg_duplicate_keys.json",
    "values/agg_wrong_types.json",
  ];
  await withCorpusFiles(files, (r) => {
    for (const f of files) {
      const named = findingsNaming(r.report!, f);
      assert.ok(named.length > 0, `no finding names ${f}`);
      assert.ok(
        named.some((x) => x.code === "artifact_unreadable" && /Field "[^"]+"/.test(x.message)),
        `${f}: the finding names the offending field: ${named.map((x) => x.message).join(" | ")}`,
      );
    }
  });
});

Deno.test("an empty inferguard_timeline.jsonl is reported as holding no samples", async () => {
  await withCorpusFiles(["empty/inferguard_timeline.jsonl"], (r) => {
    const named = findingsNaming(r.report!, "empty/inferguard_timeline.jsonl");
    assert.ok(named.some((f) => /no samples/.test(f.message)), JSON.stringify(named));
  });
});

Deno.test("agg_*.json holding JSON of no known shape is artifact_unreadable", async () => {
  const files = ["values/agg_empty_object.json", "values/agg_null.json", "values/agg_scalar.json"];
  await withCorpusFiles(files, (r) => {
    for (const f of files) {
      const named = findingsNaming(r.report!, f);
      assert.ok(
        named.some((x) =>
          x.code === "artifact_unreadable" && /Named like an agg record/.test(x.message)
        ),
        `${f}: ${JSON.stringify(named.map((x) => x.message))}`,
      );
    }
  });
});

Deno.test("an over-long JSONL line is reported with its line number and the limit", async () => {
  await withTemp("hostile_line", async (dir) => {
    await Deno.mkdir(`${dir}/in`);
    await Deno.writeTextFile(
      `${dir}/in/profile_export.jsonl`,
      "[" + "1,".repeat(1_100_000) + "1]\n",
    );
    const r = await analyzeInProcess(`${dir}/in`, `${dir}/out`, ["--max-line-mb", "1"]);
    assertContract(r, "over-long line");
    const msg = findingsNaming(r.report!, "profile_export.jsonl").map((f) => f.message).join(" ");
    assert.match(msg, /line 1: Line longer than 1048576 bytes; skipped/);
    assert.ok(!msg.includes("\u0000"));
  });
});

Deno.test("mixed line endings in detailed_results.csv: every row is read, as Python's csv reads them", async () => {
  // The file ends its rows with \r\n, a lone \r or \n in turn. Each ends a record (Python's csv
  // module, and csv-parse for a file of one kind): 15 rows, all successful, no issue.
  await withTemp("hostile_cr", async (dir) => {
    await Deno.mkdir(`${dir}/in`);
    await Deno.copyFile(
      `${HOSTILE_DIR}lineendings/detailed_results.csv`,
      `${dir}/in/detailed_results.csv`,
    );
    const r = await analyzeInProcess(`${dir}/in`, `${dir}/out`);
    assertContract(r, "mixed line endings");
    const named = findingsNaming(r.report!, "detailed_results.csv");
    assert.deepEqual(named.filter((f) => f.code === "artifact_unreadable"), []);
    const m = r.report!.cells[0].metrics;
    assert.deepEqual([m.num_requests_total, m.num_requests_successful], [15, 15]);
  });
});

Deno.test("<script> in a file name never appears raw in report.md", async () => {
  await withTemp("hostile_script", async (dir) => {
    const name = HOSTILE_NAMES.find((n) => n.includes("<script>"))!;
    await copySeed(REAL_AGG, `${dir}/in/${name}`);
    const r = await analyzeInProcess(`${dir}/in`, `${dir}/out`);
    assertContract(r, "script name");
    assert.ok(!/<script/i.test(r.markdown!));
  });
});

const REAL = fileURLToPath(
  new URL(
    "../../shared/realdata/multinode/gptoss-mi355x-disagg-raw/concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8.json",
    import.meta.url,
  ),
);

Deno.test("analyze: a real raw multi-node file renamed gpus_16_ctx_4_gen_8 gets a gpu_count_mismatch", async () => {
  await withTemp("ig-gpu-count-", async (dir) => {
    await mkdir(`${dir}/in/mn`, { recursive: true });
    // The same real run twice: its own consistent name, and a copy whose name contradicts itself
    // (with its own bytes: a byte-for-byte copy would be counted once, lib/copies.ts).
    await copyFile(REAL, `${dir}/in/mn/concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8.json`);
    await copyDistinct(REAL, `${dir}/in/mn2/concurrency_64_req_rate_inf_gpus_16_ctx_4_gen_8.json`);
    const r = await analyzeInProcess(`${dir}/in`, `${dir}/out`);
    const report = r.report!;
    const hits = report.findings.filter((f) => f.code === "gpu_count_mismatch");
    assert.equal(hits.length, 1);
    assert.deepEqual(hits[0].evidence.artifacts, {
      raw_result: ["mn2/concurrency_64_req_rate_inf_gpus_16_ctx_4_gen_8.json"],
    });
    assert.equal(hits[0].evidence.per_gpu_divisor, 12);
    // The per-GPU throughput of the contradicting copy uses P + D = 12, the consistent one 16.
    const byPath = (p: string) =>
      report.cells.find((c) => c.artifacts.raw_result?.[0]?.startsWith(p));
    const ok = byPath("mn/")!;
    const bad = byPath("mn2/")!;
    assert.equal(bad.metrics.tput_per_gpu! * 12, ok.metrics.tput_per_gpu! * 16);
  });
});

Deno.test("analyze: a byte-for-byte copy whose name contradicts the run is one cell, and its name's claim is kept", async () => {
  await withTemp("ig-lying-copy-", async (dir) => {
    await mkdir(`${dir}/in/a`, { recursive: true });
    await copyFile(REAL, `${dir}/in/a/concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8.json`);
    await mkdir(`${dir}/in/b`);
    await copyFile(REAL, `${dir}/in/b/concurrency_64_req_rate_inf_gpus_12_ctx_4_gen_8.json`);
    const r = await analyzeInProcess(`${dir}/in`, `${dir}/out`);
    const report = r.report!;
    assert.equal(report.cells.length, 1);
    assert.deepEqual(report.cells[0].notes.same_bytes_copies, [{
      path: "b/concurrency_64_req_rate_inf_gpus_12_ctx_4_gen_8.json",
      same_bytes_as: "a/concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8.json",
      name_says: { num_prefill_gpu: 4 },
    }]);
    assert.ok(r.markdown!.includes("; its name says num_prefill_gpu `4`"), r.markdown!);
  });
});

Deno.test("timeline finding codes named like Object.prototype members are counted as codes", async () => {
  await withTemp("proto_codes", async (dir) => {
    const cell = `${dir}/in/cell`;
    await mkdir(cell, { recursive: true });
    const src = fileURLToPath(
      new URL("../testdata/cases/timeline_dedup/input/cell/", import.meta.url),
    );
    for (const e of Deno.readDirSync(src)) {
      if (e.name.endsWith(".json")) await copyFile(`${src}${e.name}`, `${cell}/${e.name}`);
    }
    const line = (at: string, codes: string[]) =>
      JSON.stringify({
        schema_version: "disagg-status/v1",
        observed_at: at,
        prefill: { scraped_at: at },
        decode: { scraped_at: at },
        transfer: {},
        findings: codes.map((code) => ({ code, severity: "warning", message: "m", evidence: {} })),
      });
    await Deno.writeTextFile(
      `${cell}/inferguard_timeline.jsonl`,
      [
        line("2026-05-27T10:00:00Z", ["constructor", "__proto__"]),
        line("2026-05-27T10:01:00Z", ["constructor", "toString"]),
      ].join("\n") + "\n",
    );
    const r = await analyzeInProcess(`${dir}/in`, `${dir}/out`);
    assertContract(r, "prototype-named codes");
    const byCode = r.report!.run_summary.findings_by_code as Record<string, unknown>;
    // One deduplicated timeline finding per code, with its own count: never an inherited member.
    assert.equal(byCode.constructor, 1);
    assert.equal(byCode.toString, 1);
    // `__proto__` is a code too, not the prototype.
    assert.equal(Object.getOwnPropertyDescriptor(byCode, "__proto__")?.value, 1);
    const counts = r.report!.cells[0].timeline!.finding_counts as Record<string, unknown>;
    assert.equal(JSON.stringify(counts), '{"__proto__":1,"constructor":2,"toString":1}');
  });
});

Deno.test("eval tasks named like Object.prototype members reach the cell's eval", async () => {
  await withTemp("proto_tasks", async (dir) => {
    const src = fileURLToPath(new URL("../testdata/cases/eval_regression/input/", import.meta.url));
    await cp(src, `${dir}/in`, { recursive: true });
    const file = [...Deno.readDirSync(`${dir}/in/eval_dsr1`)].find((e) =>
      e.name.startsWith("results_")
    )!.name;
    const path = `${dir}/in/eval_dsr1/${file}`;
    const doc = JSON.parse(await Deno.readTextFile(path));
    const gsm8k = doc.results.gsm8k;
    for (const task of ["constructor", "toString", "__proto__"]) {
      Object.defineProperty(doc.results, task, { value: gsm8k, enumerable: true });
    }
    await Deno.writeTextFile(path, JSON.stringify(doc));
    const r = await analyzeInProcess(`${dir}/in`, `${dir}/out`);
    assertContract(r, "prototype-named tasks");
    const cell = r.report!.cells.find((c) => c.eval !== null)!;
    assert.deepEqual(Object.keys(cell.eval!).sort(), [
      "__proto__",
      "constructor",
      "gsm8k",
      "toString",
    ]);
    assert.deepEqual(
      Object.getOwnPropertyDescriptor(cell.eval!, "constructor")!.value,
      cell.eval!.gsm8k,
    );
  });
});

Deno.test("--baseline: an eval task named like an Object.prototype member is compared", async () => {
  await withTemp("proto_baseline", async (dir) => {
    const src = fileURLToPath(new URL("../testdata/cases/eval_regression/", import.meta.url));
    await cp(src, `${dir}/case`, { recursive: true });
    for (const side of ["input", "baseline"]) {
      const evalDir = `${dir}/case/${side}/eval_dsr1`;
      const file = [...Deno.readDirSync(evalDir)].find((e) => e.name.startsWith("results_"))!;
      const path = `${evalDir}/${file.name}`;
      const doc = JSON.parse(await Deno.readTextFile(path));
      Object.defineProperty(doc.results, "constructor", {
        value: doc.results.gsm8k,
        enumerable: true,
      });
      await Deno.writeTextFile(path, JSON.stringify(doc));
    }
    const r = await analyzeInProcess(`${dir}/case/input`, `${dir}/out`, [
      "--baseline",
      `${dir}/case/baseline`,
    ]);
    assertContract(r, "prototype-named task against a baseline");
    const match = r.report!.cross_run.baseline!.matches.find((m) =>
      Object.keys(m.eval_deltas).length > 0
    )!;
    assert.deepEqual(Object.keys(match.eval_deltas).sort(), ["constructor", "gsm8k"]);
    const regressed = new Set(
      r.report!.findings.filter((f) => f.code === "eval_regression").map((f) => f.evidence.task),
    );
    assert.deepEqual([...regressed].sort(), ["constructor", "gsm8k"]);
    assert.equal(Object.hasOwn(Object, "gsm8k"), false);
  });
});
