/**
 * Acceptance checks on the real artifacts in `../shared/realdata/`. Every expected value is computed
 * here from the input JSON files themselves (never copied from the program's output); each test says
 * how. Ignored (visibly) when the shared folder is absent.
 * @module
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { HAS_REALDATA, realdata } from "./_realdata.ts";
import { runAnalyze } from "../lib/io/analyze_main.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const PINNED = "2026-01-01T00:00:00Z";

/** Run analyze in-process on a realdata folder (or an absolute path); returns the exit code and the parsed report. */
async function analyzeDir(rel: string, ...extra: string[]): Promise<{ code: number; rep: Json }> {
  const out = await Deno.makeTempDir({ prefix: "inferguard_realdata_" });
  let stdout = "";
  try {
    const code = await runAnalyze(
      [
        rel.startsWith("/") ? rel : realdata(rel),
        "--output-dir",
        out,
        "--generated-at",
        PINNED,
        "--json",
        "--quiet",
        ...extra,
      ],
      {
        stdout: (t) => void (stdout += t),
        stderr: () => {},
        env: () => undefined,
        now: () => new Date(0),
        isTty: false,
      },
    );
    return { code, rep: stdout ? JSON.parse(stdout) : null };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

function readJson(rel: string): Json {
  return JSON.parse(readFileSync(realdata(rel), "utf8"));
}

function jsonFiles(rel: string): string[] {
  return readdirSync(realdata(rel)).filter((n) => n.endsWith(".json")).sort();
}

function close(actual: unknown, expected: number, rel = 1e-12, what = ""): void {
  assert.equal(typeof actual, "number", `${what}: expected ${expected}, got ${actual}`);
  const a = actual as number;
  assert.ok(
    Math.abs(a - expected) <= rel * Math.max(1, Math.abs(expected)),
    `${what}: expected ${expected}, got ${a}`,
  );
}

/** The one cell whose artifacts include `file` (by base name). */
function cellWith(rep: Json, file: string): Json {
  const hits = rep.cells.filter((c: Json) =>
    Object.values(c.artifacts).flat().some((p) => String(p).split("/").pop() === file)
  );
  assert.equal(hits.length, 1, `exactly one cell must hold ${file}`);
  return hits[0];
}

Deno.test({
  name: "realdata: kimik2.5-mi355x raw + agg pairs fold into 3 cells with the agg's numbers",
  ignore: !HAS_REALDATA,
  async fn() {
    const dir = "fixed-seq/kimik2.5-mi355x";
    const { rep } = await analyzeDir(dir);
    // Expected: pair every raw `X.json` with `agg_X.json` in the folder listing.
    const aggs = jsonFiles(dir).filter((n) => n.startsWith("agg_"));
    const raws = jsonFiles(dir).filter((n) => !n.startsWith("agg_"));
    assert.equal(aggs.length, 3);
    assert.deepEqual(aggs.map((a) => a.slice(4)), raws);
    assert.equal(rep.cells.length, 3);
    for (const rawName of raws) {
      const raw = readJson(`${dir}/${rawName}`);
      const agg = readJson(`${dir}/agg_${rawName}`);
      const cell = cellWith(rep, rawName);
      assert.deepEqual(cell.artifacts.agg, [`agg_${rawName}`], "raw and agg are one cell");
      assert.deepEqual(cell.artifacts.raw_result, [rawName]);
      // Agg latencies are already seconds; tput_per_gpu is the agg's own number.
      close(cell.metrics.p99_ttft, agg.p99_ttft, 1e-12, `${rawName} p99_ttft`);
      close(cell.metrics.mean_tpot, agg.mean_tpot, 1e-12, `${rawName} mean_tpot`);
      close(cell.metrics.tput_per_gpu, agg.tput_per_gpu, 1e-12, `${rawName} tput_per_gpu`);
      // The agg carries no absolute throughput: total comes from the raw file.
      close(cell.metrics.total_tput_tps, raw.total_token_throughput, 1e-12, `${rawName} total`);
      // And the raw file confirms the agg (§4.3: single node, tp 8 GPUs; ms → s).
      close(raw.total_token_throughput / agg.tp, agg.tput_per_gpu, 1e-9, `${rawName} T/tp`);
      close(raw.p99_ttft_ms / 1000, agg.p99_ttft, 1e-9, `${rawName} ms→s`);
      assert.equal(cell.hardware, agg.hw.toLowerCase());
      assert.equal(cell.model, agg.infmax_model_prefix);
      assert.equal(cell.precision, agg.precision);
      assert.equal(cell.framework, agg.framework);
      assert.equal(cell.isl, agg.isl);
      assert.equal(cell.osl, agg.osl);
      assert.equal(cell.concurrency, agg.conc);
      assert.equal(cell.concurrency, raw.max_concurrency);
      assert.equal(cell.metrics.num_requests_successful, raw.completed);
      assert.equal(cell.status, raw.completed === raw.num_prompts ? "complete" : "partial");
    }
  },
});

Deno.test({
  name: "realdata: a kimik2.5 agg whose input_tput_per_gpu disagrees with its raw file is flagged",
  ignore: !HAS_REALDATA,
  async fn() {
    // Expected: the raw file's input total is total_token_throughput − output_throughput, and a
    // single-node cell divides it by tp (reference §4.3). The real agg agrees within rounding; the
    // same agg with its input_tput_per_gpu doubled does not, and the cell keeps the agg's number.
    const dir = "fixed-seq/kimik2.5-mi355x";
    const rawName = jsonFiles(dir).find((n) => !n.startsWith("agg_") && n.includes("conc32"))!;
    const raw = readJson(`${dir}/${rawName}`);
    const agg = readJson(`${dir}/agg_${rawName}`);
    const measured = (raw.total_token_throughput - raw.output_throughput) / agg.tp;
    close(agg.input_tput_per_gpu, measured, 0.01, "the real agg agrees");
    const tree = await Deno.makeTempDir({ prefix: "inferguard_input_per_gpu_" });
    try {
      Deno.copyFileSync(realdata(`${dir}/${rawName}`), `${tree}/${rawName}`);
      const write = (a: Json) =>
        Deno.writeTextFileSync(`${tree}/agg_${rawName}`, JSON.stringify(a, null, 2));
      const mismatches = async () => {
        const { rep } = await analyzeDir(tree);
        return rep.findings.filter((f: Json) => f.code === "aggregate_mismatch");
      };
      write(agg);
      assert.deepEqual(await mismatches(), []);
      write({ ...agg, input_tput_per_gpu: agg.input_tput_per_gpu * 2 });
      const found = await mismatches();
      assert.equal(found.length, 1);
      const field = found[0].evidence.fields.input_tput_per_gpu;
      close(field.raw, measured, 1e-12, "measured input per GPU");
      close(field.raw_total, raw.total_token_throughput - raw.output_throughput, 1e-12, "total");
      assert.equal(field.divisor, agg.tp);
      assert.equal(field.aggregate, agg.input_tput_per_gpu * 2);
      assert.equal(field.used, "aggregate");
    } finally {
      await Deno.remove(tree, { recursive: true });
    }
  },
});

/** SPEC/reference §6.2: conc → [total_token_throughput, output_throughput], 2 decimals. */
const AMD_TABLE: Record<number, [number, number]> = {
  4: [918.43, 459.22],
  8: [1857.97, 928.98],
  16: [3451.16, 1725.58],
  32: [5971.12, 2985.56],
  64: [10005.21, 5002.61],
  128: [16736.56, 8368.28],
  256: [27951.89, 13975.94],
  512: [45068.31, 22534.15],
};

Deno.test({
  name: "realdata: AMD disagg raw curve is 8 cells, one curve, per-GPU by P+D, D and P",
  ignore: !HAS_REALDATA,
  async fn() {
    const dir = "multinode/gptoss-mi355x-disagg-raw";
    const { rep } = await analyzeDir(dir);
    const files = jsonFiles(dir);
    assert.equal(files.length, 8);
    assert.equal(rep.cells.length, 8);
    for (const f of files) {
      const raw = readJson(`${dir}/${f}`);
      // The GPU split is read from the name here with our own regex (ctx = P, gen = D).
      const m = f.match(/^concurrency_(\d+)_req_rate_inf_gpus_(\d+)_ctx_(\d+)_gen_(\d+)\.json$/)!;
      const [conc, gpus, p, d] = m.slice(1).map(Number);
      assert.equal(gpus, p + d);
      assert.deepEqual([p, d], [8, 8]);
      const t = raw.total_token_throughput;
      const o = raw.output_throughput;
      // Cross-check the raw numbers with the reference table (§6.2).
      close(t, AMD_TABLE[conc][0], 0.01 / AMD_TABLE[conc][0], `table T c${conc}`);
      close(o, AMD_TABLE[conc][1], 0.01 / AMD_TABLE[conc][1], `table O c${conc}`);
      const cell = cellWith(rep, f);
      assert.equal(cell.concurrency, conc);
      assert.equal(cell.concurrency, raw.max_concurrency);
      assert.equal(cell.is_multinode, true);
      assert.equal(cell.metrics.num_prefill_gpu, 8);
      assert.equal(cell.metrics.num_decode_gpu, 8);
      close(cell.metrics.total_tput_tps, t, 1e-12, `c${conc} total`);
      close(cell.metrics.tput_per_gpu, t / (p + d), 1e-12, `c${conc} tput_per_gpu = T/16`);
      close(cell.metrics.output_tput_per_gpu, o / d, 1e-12, `c${conc} output = O/8`);
      close(cell.metrics.input_tput_per_gpu, (t - o) / p, 1e-9, `c${conc} input = I/8`);
      close(cell.metrics.p99_ttft, raw.p99_ttft_ms / 1000, 1e-12, `c${conc} p99_ttft s`);
      assert.equal(cell.status, "complete");
    }
    // §4.3 check value: conc 64 per-GPU = 625.325667.
    close(
      cellWith(rep, files.find((f) => f.startsWith("concurrency_64_"))!).metrics.tput_per_gpu,
      625.325667,
      1e-8,
      "§4.3 check",
    );
    const curves = rep.cross_run.curves.filter((c: Json) =>
      c.points.some((p: Json) => rep.cells.some((x: Json) => x.cell_id === p.cell_id))
    );
    assert.equal(curves.length, 1, "one topology, one curve");
    assert.deepEqual(
      curves[0].points.map((p: Json) => p.concurrency),
      [4, 8, 16, 32, 64, 128, 256, 512],
    );
    // Names carry no hardware, model or framework: they stay unknown.
    for (const c of rep.cells) {
      assert.equal(c.hardware, null);
      assert.equal(c.framework, null);
    }
  },
});

Deno.test({
  name: "realdata: failed-run zero-success raw is critical, exit 2; --fail-on never exits 0",
  ignore: !HAS_REALDATA,
  async fn() {
    const dir = "fixed-seq/failed-run";
    const { code, rep } = await analyzeDir(dir);
    assert.equal(code, 2);
    // The failed point is the file whose `completed` is 0.
    const failed = jsonFiles(dir).filter((f) => readJson(`${dir}/${f}`).completed === 0);
    assert.deepEqual(failed, ["minimaxm2.5_8k1k_conc64.json"]);
    const cell = cellWith(rep, failed[0]);
    assert.equal(cell.status, "failed");
    const crit = rep.findings.filter((f: Json) =>
      f.code === "invalid_run_no_successful_requests" && f.severity === "critical"
    );
    assert.equal(crit.length, 1);
    assert.equal(crit[0].cell_id, cell.cell_id);
    // A failed run has no latency: every statistic in the file is 0.0 ("unknown"), never 0 s.
    assert.equal(cell.metrics.p99_ttft, null);
    assert.equal(cell.metrics.total_tput_tps, null);
    // The re-runs succeeded (completed = num_prompts) and are complete, not failed.
    for (const f of jsonFiles(dir).filter((n) => !failed.includes(n))) {
      const raw = readJson(`${dir}/${f}`);
      assert.equal(raw.completed, raw.num_prompts);
      assert.equal(cellWith(rep, f).status, "complete", f);
    }
    const never = await analyzeDir(dir, "--fail-on", "never");
    assert.equal(never.code, 0);
  },
});

Deno.test({
  name: "realdata: gptoss-h200-agg is 9 cells with power sidecars attached; tp2/tp4 power invalid",
  ignore: !HAS_REALDATA,
  async fn() {
    const dir = "fixed-seq/gptoss-h200-agg";
    const { rep } = await analyzeDir(dir);
    const aggs = jsonFiles(dir).filter((n) => n.startsWith("agg_"));
    const sidecars = jsonFiles(dir).filter((n) => n.startsWith("power_validation_"));
    assert.equal(aggs.length, 9);
    assert.equal(sidecars.length, 9);
    assert.equal(rep.cells.length, 9, "sidecars are not cells of their own");
    for (const a of aggs) {
      const agg = readJson(`${dir}/${a}`);
      const sidecarName = `power_validation_${a.slice(4)}`;
      const side = readJson(`${dir}/${sidecarName}`);
      const cell = cellWith(rep, a);
      assert.deepEqual(cell.artifacts.power_validation, [sidecarName]);
      // Validity from the files: agg int 0/1 and sidecar bool agree.
      assert.equal(agg.power_valid === 1, side.power_valid);
      assert.equal(cell.notes.power_valid, side.power_valid, a);
      if (agg.tp === 2 || agg.tp === 4) assert.equal(cell.notes.power_valid, false, a);
      if (agg.tp === 8) assert.equal(cell.notes.power_valid, true, a);
      close(cell.metrics.tput_per_gpu, agg.tput_per_gpu, 1e-12, `${a} tput_per_gpu`);
      assert.equal(cell.metrics.tp, agg.tp);
      assert.equal(cell.concurrency, agg.conc);
    }
  },
});

Deno.test({
  name: "realdata: collected agg_bmk.json gives one cell per row (17)",
  ignore: !HAS_REALDATA,
  async fn() {
    const rows: Json[] = readJson("collected/agg_bmk.json");
    const { rep } = await analyzeDir("collected");
    assert.equal(rows.length, 17);
    assert.equal(rep.cells.length, rows.length);
    const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);
    assert.deepEqual(
      sortNum(rep.cells.map((c: Json) => c.concurrency)),
      sortNum(rows.map((r) => r.conc)),
    );
    // Multi-node rows (is_multinode true) keep their P/D split.
    const multi = rows.filter((r) => r.is_multinode === true).length;
    assert.equal(rep.cells.filter((c: Json) => c.is_multinode === true).length, multi);
    assert.equal(
      rep.cells.reduce((s: number, c: Json) => s + c.metrics.tput_per_gpu, 0).toFixed(6),
      rows.reduce((s, r) => s + r.tput_per_gpu, 0).toFixed(6),
    );
  },
});

Deno.test({
  name: "realdata: glm-4.7-gaudi3 raw curve is 8 cells, unknown hardware, 8 GPUs from the summary",
  ignore: !HAS_REALDATA,
  async fn() {
    const dir = "fixed-seq/glm-4.7-gaudi3-raw";
    const { rep } = await analyzeDir(dir);
    const files = jsonFiles(dir);
    assert.equal(files.length, 8);
    assert.equal(rep.cells.length, 8);
    for (const f of files) {
      const raw = readJson(`${dir}/${f}`);
      const cell = cellWith(rep, f);
      assert.equal(cell.hardware, null, `${f}: names carry no hardware`);
      assert.equal(cell.concurrency, raw.max_concurrency);
      close(cell.metrics.total_tput_tps, raw.total_token_throughput, 1e-12, f);
      // The raw files name no GPU count; the uploader summary beside them says 8 GPUs on every
      // row (glm47_gaudi3_summary.csv, column num_gpus), so per-GPU throughput is the raw total ÷ 8.
      assert.equal(cell.metrics.num_gpus, 8, f);
      close(cell.metrics.tput_per_gpu, raw.total_token_throughput / 8, 1e-12, f);
      assert.deepEqual(cell.artifacts.summary_csv, ["glm47_gaudi3_summary.csv"], f);
    }
  },
});
