/**
 * Deterministic generator of synthetic benchmark campaigns that look like real InferenceX and
 * AgentX result trees (shapes taken from `../shared/realdata/`, but nothing here reads it).
 *
 * Every byte is a function of the seed: a small PRNG (mulberry32) replaces `Math.random`, so two
 * runs with the same options write identical trees.
 *
 * - fixed-seq: N single-node cells as raw `benchmark_serving` JSON (one line, Python separators)
 *   plus `agg_<RF>.json` (indent 2, derived from the raw file the way `process_result.py` does),
 *   laid out as `bmk_<RF>/` + `power_audit_<RF>/` artifact directories or as flat pairs, with
 *   `server_logs_<RF>/results/server.log` and small `*.tar.gz` files beside some of them. Cells
 *   form concurrency curves (4 … 512) with saturating throughput, growing TTFT/TPOT, some cliffs,
 *   partial and failed points.
 * - agentx: M AgentX trace-replay cells, `agentic_<RF>/trace_replay/detailed_results.csv` (23
 *   columns, pandas quoting, Python list reprs, some `token_timestamps` fields over 128 KiB, a few
 *   failed rows) and `agentic_<RF>/metrics_server_metrics.csv` (25 columns, ~1 row/s, cumulative
 *   counters that only grow).
 * - mixed: fixed-seq cells, AMD multi-node raw curves with their aggs, AgentX cells and noise.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write bench/generate.ts fixed-seq --cells 10000 --out bench/out/fs10k
 * deno run --allow-read --allow-write bench/generate.ts detailed --mb 200 --out bench/out/dr200
 * deno run --allow-read --allow-write bench/generate.ts agentx --cells 50 --mb 20 --out bench/out/ax
 * deno run --allow-read --allow-write bench/generate.ts mixed --cells 2000 --out bench/out/mixed
 * ```
 * @module
 */
import { numberFlag, oneOf, UsageError } from "../lib/io/cli_args.ts";
import { runTool, toolArgs } from "./cli.ts";

/** A seeded pseudo-random source (mulberry32); the only randomness the generator uses. */
export class Rng {
  #s: number;
  /** Start a stream from a 32-bit seed. */
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** What a generator wrote. */
export interface GenStats {
  /** Files written. */
  files: number;
  /** Bytes written. */
  bytes: number;
  /** Benchmark cells (points) the tree is meant to contain. */
  cells: number;
}

function emptyStats(): GenStats {
  return { files: 0, bytes: 0, cells: 0 };
}

function addStats(a: GenStats, b: GenStats): GenStats {
  return { files: a.files + b.files, bytes: a.bytes + b.bytes, cells: a.cells + b.cells };
}

// ------------------------------------------------------------------------------------------------
// Output helpers

const enc = new TextEncoder();

/** Writes many small files with bounded concurrency, creating directories once. */
class SmallFileWriter {
  #dirs = new Set<string>();
  #pending: Promise<void>[] = [];
  stats: GenStats = emptyStats();
  constructor(readonly root: string, readonly parallel = 32) {}

  async write(rel: string, data: string | Uint8Array): Promise<void> {
    const abs = `${this.root}/${rel}`;
    const dir = abs.slice(0, abs.lastIndexOf("/"));
    if (!this.#dirs.has(dir)) {
      this.#dirs.add(dir);
      await Deno.mkdir(dir, { recursive: true });
    }
    const bytes = typeof data === "string" ? enc.encode(data) : data;
    this.stats.files++;
    this.stats.bytes += bytes.length;
    this.#pending.push(Deno.writeFile(abs, bytes));
    if (this.#pending.length >= this.parallel) await this.flush();
  }

  async flush(): Promise<void> {
    const p = this.#pending;
    this.#pending = [];
    await Promise.all(p);
  }
}

/** Buffers string pieces and writes them to one big file in ~1 MiB blocks. */
class BigFileWriter {
  #parts: string[] = [];
  #len = 0;
  bytes = 0;
  private constructor(readonly file: Deno.FsFile) {}

  static async open(path: string): Promise<BigFileWriter> {
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    return new BigFileWriter(
      await Deno.open(path, { write: true, create: true, truncate: true }),
    );
  }

  async push(s: string): Promise<void> {
    this.#parts.push(s);
    this.#len += s.length;
    if (this.#len >= 1 << 20) await this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#parts.length === 0) return;
    const bytes = enc.encode(this.#parts.join(""));
    this.#parts = [];
    this.#len = 0;
    let off = 0;
    while (off < bytes.length) off += await this.file.write(bytes.subarray(off));
    this.bytes += bytes.length;
  }

  /** Bytes written plus bytes still buffered (all ASCII, so characters = bytes). */
  get size(): number {
    return this.bytes + this.#len;
  }

  async close(): Promise<void> {
    await this.#drain();
    this.file.close();
  }
}

/** A float the way Python's `repr` prints it (`1.0`, not `1`). */
function pyFloat(x: number): string {
  const s = String(x);
  return Number.isInteger(x) && !s.includes("e") ? `${s}.0` : s;
}

/** A value in a generated JSON document: floats keep Python's spelling. */
type PyValue = string | number | boolean | null | { int: number } | PyValue[];

function pyValue(v: PyValue): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return pyFloat(v);
  if (Array.isArray(v)) return `[${v.map(pyValue).join(", ")}]`;
  return String(v.int);
}

/** `json.dumps(obj)` (one line, `", "` and `": "` separators). */
function pyJsonLine(entries: [string, PyValue][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pyValue(v)}`).join(", ")}}`;
}

/** `json.dumps(obj, indent=2)`. */
function pyJsonIndent(entries: [string, PyValue][]): string {
  return `{\n${entries.map(([k, v]) => `  ${JSON.stringify(k)}: ${pyValue(v)}`).join(",\n")}\n}`;
}

const int = (n: number): { int: number } => ({ int: Math.round(n) });

// ------------------------------------------------------------------------------------------------
// Fixed-sequence cells

interface ModelSpec {
  prefix: string;
  modelId: string;
  precisions: readonly string[];
  /** Relative cost: bigger = slower per GPU. */
  weight: number;
}

const MODELS: readonly ModelSpec[] = [
  { prefix: "kimik2.5", modelId: "moonshotai/Kimi-K2.5", precisions: ["int4", "fp4"], weight: 3 },
  {
    prefix: "gptoss",
    modelId:
      "/models/models--openai--gpt-oss-120b/snapshots/b5c939de8f754692c1647ca79fbf85e8c1e70f8a/",
    precisions: ["fp4", "mxfp4"],
    weight: 0.6,
  },
  {
    prefix: "dsr1",
    modelId: "deepseek-ai/DeepSeek-R1-0528",
    precisions: ["fp4", "fp8"],
    weight: 2.5,
  },
  {
    prefix: "qwen3.5",
    modelId: "Qwen/Qwen3.5-397B-A17B",
    precisions: ["fp8", "bf16"],
    weight: 1.8,
  },
  { prefix: "dsv4", modelId: "deepseek-ai/DeepSeek-V4", precisions: ["fp4", "fp8"], weight: 2.8 },
  { prefix: "glm4.7", modelId: "zai-org/GLM-4.7", precisions: ["fp8", "bf16"], weight: 1.5 },
];

interface HardwareSpec {
  hw: string;
  runner: string;
  frameworks: readonly string[];
  image: string;
  speed: number;
}

const HARDWARE: readonly HardwareSpec[] = [
  {
    hw: "mi355x",
    runner: "mi355x-amds",
    frameworks: ["vllm", "sglang", "atom"],
    image: "vllm/vllm-openai-rocm:v0.21.0",
    speed: 1.1,
  },
  {
    hw: "mi300x",
    runner: "mi300x-amds",
    frameworks: ["vllm", "sglang", "atom"],
    image: "rocm/sgl-dev:v0.5.9-rocm700-mi30x",
    speed: 0.6,
  },
  {
    hw: "b200",
    runner: "b200-dgxc-slurm",
    frameworks: ["vllm", "sglang", "trt"],
    image: "vllm/vllm-openai:v0.21.0",
    speed: 1.3,
  },
  {
    hw: "h200",
    runner: "h200-nebius",
    frameworks: ["vllm", "sglang", "trt"],
    image: "lmsysorg/sglang:v0.5.9-cu129",
    speed: 0.7,
  },
  {
    hw: "b300",
    runner: "b300-nv",
    frameworks: ["vllm", "sglang", "trt"],
    image: "nvcr.io/nvidia/tensorrt-llm/release:1.2.0rc6",
    speed: 1.5,
  },
  {
    hw: "h100",
    runner: "h100-cw",
    frameworks: ["vllm", "sglang", "trt"],
    image: "vllm/vllm-openai:v0.20.2",
    speed: 0.45,
  },
];

const TPS = [1, 2, 4, 8] as const;
const SPECS = ["none", "mtp", "eagle3"] as const;
const SEQS = [
  { name: "1k1k", isl: 1024, osl: 1024 },
  { name: "8k1k", isl: 8192, osl: 1024 },
  { name: "1k8k", isl: 1024, osl: 8192 },
] as const;
/** The concurrency list of one InferenceX curve. */
export const CURVE_CONCS: readonly number[] = [4, 8, 16, 32, 64, 128, 256, 512];

interface FixedSeqConfig {
  model: ModelSpec;
  hardware: HardwareSpec;
  framework: string;
  precision: string;
  tp: number;
  ep: number;
  spec: string;
  seq: (typeof SEQS)[number];
  runnerIdx: number;
  /** Name era: 0 = 2026-02 (`tp8-ep1-dpafalse`), 1 = 2026-07 (dcp/pcp), 2 = 2026-08 (pp too). */
  era: number;
  layout: "artifacts" | "flat";
}

/** Number of distinct configurations the mixed-radix encoding can produce. */
const CONFIG_SPACE = MODELS.length * HARDWARE.length * 3 * TPS.length * 2 * SPECS.length *
  SEQS.length * 10;

/** The most fixed-seq cells {@link generateFixedSeq} can make, each configuration a whole curve. */
export const MAX_FIXED_SEQ_CELLS = CONFIG_SPACE * CURVE_CONCS.length;

/** Configuration number `k` (a bijection of [0, CONFIG_SPACE) through a stride permutation). */
function configAt(k: number, rng: Rng): FixedSeqConfig {
  let x = (k * 7919 + 12345) % CONFIG_SPACE;
  const digit = (n: number) => {
    const d = x % n;
    x = Math.floor(x / n);
    return d;
  };
  const model = MODELS[digit(MODELS.length)];
  const hardware = HARDWARE[digit(HARDWARE.length)];
  const framework = hardware.frameworks[digit(3)];
  const tp = TPS[digit(TPS.length)];
  const epWide = digit(2) === 1;
  const spec = SPECS[digit(SPECS.length)];
  const seq = SEQS[digit(SEQS.length)];
  // With tp1, "wide EP" is still ep1: use another runner index so the names stay unique.
  const runnerIdx = digit(10) + (tp === 1 && epWide ? 10 : 0);
  return {
    model,
    hardware,
    framework,
    precision: rng.pick(model.precisions),
    tp,
    ep: epWide ? tp : 1,
    spec,
    seq,
    runnerIdx,
    era: rng.int(0, 2),
    layout: rng.chance(0.6) ? "artifacts" : "flat",
  };
}

/** InferenceX single-node RESULT_FILENAME of one point. */
function resultFilename(c: FixedSeqConfig, conc: number): string {
  const par = c.era === 0
    ? `tp${c.tp}-ep${c.ep}-dpafalse`
    : c.era === 1
    ? `tp${c.tp}-dcp1-pcp1-ep${c.ep}-dpafalse`
    : `tp${c.tp}-pp1-dcp1-pcp1-ep${c.ep}-dpafalse`;
  return `${c.model.prefix}_${c.seq.name}_${c.precision}_${c.framework}_${par}_disagg-false_spec-${c.spec}_conc${conc}_${c.hardware.runner}_${
    String(c.runnerIdx).padStart(2, "0")
  }`;
}

const PCTS = ["mean", "median", "std", "p90", "p99", "p99.9"] as const;

/** Latency statistics (ms) of one metric around a mean, shaped like real files. */
function latencyStats(rng: Rng, meanMs: number, spread: number): Record<string, number> {
  const median = meanMs * rng.range(0.85, 1.0);
  const p90 = meanMs * (1 + spread * rng.range(0.8, 1.2));
  const p99 = p90 * (1 + spread * rng.range(1.5, 3));
  const p999 = p99 * rng.range(1.01, 1.15);
  return {
    mean: meanMs,
    median,
    std: meanMs * spread * rng.range(0.5, 1.5),
    p90,
    p99,
    "p99.9": p999,
  };
}

interface RawPoint {
  entries: [string, PyValue][];
  completed: number;
  tpotMs: Record<string, number>;
  latency: Record<string, Record<string, number>>;
  totalTput: number;
  outputTput: number;
}

/** One raw `benchmark_serving` result of a curve point. */
function rawPoint(c: FixedSeqConfig, conc: number, rng: Rng, fate: "ok" | "partial" | "failed") {
  const numPrompts = conc * 10;
  const completed = fate === "failed"
    ? 0
    : fate === "partial"
    ? Math.floor(numPrompts * rng.range(0.6, 0.94))
    : numPrompts;
  // Saturating per-GPU throughput; latency grows with load, with a knee (cliff) for some configs.
  const perGpuPeak = 4000 * c.hardware.speed / c.model.weight * (c.spec === "none" ? 1 : 1.3) *
    (c.seq.isl > c.seq.osl ? 3.5 : 1);
  const half = 48 * Math.sqrt(c.tp);
  const totalPeak = perGpuPeak * c.tp;
  const totalTput = totalPeak * conc / (conc + half) * rng.range(0.95, 1.05);
  const outShare = c.seq.osl / (c.seq.osl + 0.9 * c.seq.isl);
  const outputTput = totalTput * outShare;
  const inputTokens = Math.round(completed * c.seq.isl * rng.range(0.88, 0.92));
  const outputTokens = Math.round(completed * c.seq.osl * rng.range(0.97, 1.0));
  const duration = completed > 0 ? (inputTokens + outputTokens) / totalTput : rng.range(30, 300);
  const knee = 64 * (1 + (c.runnerIdx % 4));
  const ttftMs = 80 * c.model.weight * (c.seq.isl / 1024) ** 0.8 *
    (1 + (conc / knee) ** 2.2) * rng.range(0.9, 1.1);
  const tpotMs = 1000 * conc / Math.max(outputTput, 1) * rng.range(0.95, 1.05);
  const itlMs = tpotMs * (c.spec === "none" ? 1 : rng.range(2.2, 2.9));
  const e2elMs = ttftMs + tpotMs * c.seq.osl;
  const z = (_: number) => 0;
  const latency = {
    ttft: completed > 0 ? latencyStats(rng, ttftMs, 0.6) : mapStats(z),
    tpot: completed > 0 ? latencyStats(rng, tpotMs, 0.04) : mapStats(z),
    itl: completed > 0 ? latencyStats(rng, itlMs, 0.2) : mapStats(z),
    e2el: completed > 0 ? latencyStats(rng, e2elMs, 0.08) : mapStats(z),
  };
  const tput = completed > 0 ? totalTput : 0;
  const out = completed > 0 ? outputTput : 0;
  const entries: [string, PyValue][] = [
    ["date", `202605${String(rng.int(10, 28))}-${String(rng.int(100000, 235959))}`],
    ["backend", c.framework === "sglang" ? "sglang" : "vllm"],
    ["model_id", c.model.modelId],
    ["tokenizer_id", c.model.modelId],
    ["best_of", int(1)],
    ["num_prompts", int(numPrompts)],
    ["request_rate", "inf"],
    ["burstiness", 1.0],
    ["max_concurrency", int(conc)],
    ["duration", duration],
    ["completed", int(completed)],
    ["total_input_tokens", int(inputTokens)],
    ["total_output_tokens", int(outputTokens)],
    ["request_throughput", completed / duration],
    ["request_goodput:", null],
    ["output_throughput", out],
    ["total_token_throughput", tput],
  ];
  for (const metric of ["ttft", "tpot", "itl", "e2el"] as const) {
    for (const p of PCTS) entries.push([`${p}_${metric}_ms`, latency[metric][p]]);
  }
  return {
    entries,
    completed,
    tpotMs: latency.tpot,
    latency,
    totalTput: tput,
    outputTput: out,
  } satisfies RawPoint;
}

function mapStats(f: (n: number) => number): Record<string, number> {
  return Object.fromEntries(PCTS.map((p) => [p, f(0)]));
}

/** `agg_<RF>.json` derived from the raw point as `process_result.py` does it (§4.1). */
function aggOf(c: FixedSeqConfig, conc: number, raw: RawPoint): string {
  const entries: [string, PyValue][] = [
    ["hw", c.hardware.hw],
    ["conc", int(conc)],
    ["image", c.hardware.image],
    ["model", c.model.modelId],
    ["infmax_model_prefix", c.model.prefix],
    ["framework", c.framework],
    ["precision", c.precision],
    ["spec_decoding", c.spec],
    ["disagg", false],
  ];
  if (c.era === 2) entries.push(["recipe_fingerprint", ""]);
  entries.push(
    ["isl", int(c.seq.isl)],
    ["osl", int(c.seq.osl)],
    ["is_multinode", false],
    ["tp", int(c.tp)],
  );
  if (c.era >= 1) {
    if (c.era === 2) entries.push(["pp", int(1)]);
    entries.push(["dcp_size", int(1)], ["pcp_size", int(1)]);
  }
  entries.push(
    ["ep", int(c.ep)],
    ["dp_attention", "false"],
    ["tput_per_gpu", raw.totalTput / c.tp],
    ["output_tput_per_gpu", raw.outputTput / c.tp],
    ["input_tput_per_gpu", (raw.totalTput - raw.outputTput) / c.tp],
  );
  for (const metric of ["ttft", "tpot", "itl", "e2el"] as const) {
    for (const p of PCTS) {
      const ms = raw.latency[metric][p];
      entries.push([`${p}_${metric}`, ms / 1000]);
      if (metric === "tpot") entries.push([`${p}_intvty`, 1000 / ms]);
    }
  }
  return pyJsonIndent(entries) + "\n";
}

const LOG_LINES = [
  "INFO {t} [engine.py:{n}] Avg prompt throughput: {a} tokens/s, Avg generation throughput: {b} tokens/s, Running: {r} reqs, Waiting: 0 reqs, GPU KV cache usage: {k}%, Prefix cache hit rate: {h}%",
  "INFO {t} [launcher.py:{n}] Route: /v1/completions, Methods: POST",
  'INFO:     127.0.0.1:{n} - "POST /v1/completions HTTP/1.1" 200 OK',
  "INFO {t} [metrics.py:{n}] Engine 000: Avg prompt throughput: {a} tokens/s, Running: {r} reqs",
];

/** A server.log of a few KiB, vLLM-flavoured. */
function serverLog(rng: Rng, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const t = `05-27 ${String(10 + (i >> 10) % 14).padStart(2, "0")}:${
      String((i >> 4) % 60).padStart(2, "0")
    }:${String(i % 60).padStart(2, "0")}`;
    out.push(
      rng.pick(LOG_LINES).replace("{t}", t).replace("{n}", String(rng.int(40, 60000)))
        .replace("{a}", (rng.next() * 20000).toFixed(1)).replace(
          "{b}",
          (rng.next() * 3000).toFixed(1),
        ).replace("{r}", String(rng.int(0, 512))).replace("{k}", (rng.next() * 100).toFixed(1))
        .replace("{h}", (rng.next() * 100).toFixed(1)),
    );
  }
  return out.join("\n") + "\n";
}

/** A small binary blob that starts like gzip (never parsed, only listed). */
function fakeTarGz(rng: Rng, size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = rng.int(0, 255);
  b[0] = 0x1f;
  b[1] = 0x8b;
  b[2] = 8;
  return b;
}

/** Options of {@link generateFixedSeq}. */
export interface FixedSeqOptions {
  /** Number of cells (curve points). */
  cells: number;
  seed?: number;
  /** Sub-directory under the output root. */
  prefix?: string;
  /**
   * Write every artifact a full download of a job holds (format reference §2.4), not only the
   * agg + raw pair: `power_audit_<RF>/` also gets `power_validation_<RF>.json`, `gpu_metrics.csv`
   * and `gpu_metrics_identity.json`, and every job a `server_logs_<RF>/results/` with
   * `server.log`, `benchmark.log` and `<RF>_config.json`. Applies to the artifacts layout (the
   * flat one is a user's own folder); the trees without it are unchanged.
   */
  full?: boolean;
}

/** `power_validation_<RF>.json` of a job, shaped like the real ones (process_result.py). */
function powerValidation(c: FixedSeqConfig, rf: string, raw: RawPoint, rng: Rng): string {
  const field = (name: string): number => {
    const v = raw.entries.find(([k]) => k === name)?.[1];
    return typeof v === "number"
      ? v
      : v !== null && typeof v === "object" && "int" in v
      ? v.int
      : 0;
  };
  const duration = field("duration");
  const start = 1781000000 + rng.range(0, 900000);
  const gpus = Array.from({ length: c.tp }, (_, i) => String(i));
  const perGpu = (f: () => number) => Object.fromEntries(gpus.map((g) => [g, f()]));
  const watts = c.hardware.speed * rng.range(240, 700);
  const energy = perGpu(() => watts * duration * rng.range(0.95, 1.05));
  const total = Object.values(energy).reduce((a, b) => a + b, 0);
  const inTok = field("total_input_tokens");
  const outTok = field("total_output_tokens");
  return JSON.stringify(
    {
      schema_version: 1,
      power_valid: true,
      reasons: [],
      telemetry_source: `results/${rf}/gpu_metrics.csv`,
      benchmark_result: `${rf}.json`,
      benchmark_window: {
        start_time_unix: start,
        end_time_unix: start + duration,
        reported_duration_s: duration,
        integration_duration_s: duration * (1 - 1e-9),
        completed: raw.completed,
        total_input_tokens: inTok,
        total_output_tokens: outTok,
      },
      integration_method: "per_device_trapezoidal_with_linear_boundary_interpolation",
      expected_gpu_count: c.tp,
      observed_gpu_count: c.tp,
      observed_gpu_ids: gpus,
      per_gpu_sample_counts: perGpu(() => Math.round(duration) + 5),
      per_gpu_max_sample_gap_s: perGpu(() => 1 + rng.range(0, 0.01)),
      per_gpu_energy_j: energy,
      device_issues: {},
      accumulator_check: null,
      metrics: {
        avg_power_w: watts,
        avg_total_gpu_power_w: watts * c.tp,
        total_gpu_energy_j: total,
        joules_per_successful_query: total / Math.max(raw.completed, 1),
        joules_per_input_token: total / Math.max(inTok, 1),
        joules_per_output_token: total / Math.max(outTok, 1),
        joules_per_total_token: total / Math.max(inTok + outTok, 1),
      },
    },
    null,
    2,
  ) + "\n";
}

/** A `gpu_metrics.csv` of a few seconds of samples (listed, never parsed). */
function gpuMetricsCsv(c: FixedSeqConfig, rng: Rng): string {
  const lines = ["timestamp,gpu,power_w,util_pct,mem_used_mib,temp_c"];
  for (let t = 0; t < 5; t++) {
    for (let g = 0; g < c.tp; g++) {
      lines.push(
        `${1781000000 + t},${g},${(rng.range(200, 700)).toFixed(1)},${rng.int(0, 100)},${
          rng.int(1000, 140000)
        },${rng.int(30, 80)}`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

/** The files of a full download beside a job's agg + raw pair (see {@link FixedSeqOptions.full}). */
async function writeFullDownload(
  w: SmallFileWriter,
  base: string,
  c: FixedSeqConfig,
  rf: string,
  raw: RawPoint,
  hasAgg: boolean,
  rng: Rng,
): Promise<void> {
  const audit = `${base}power_audit_${rf}`;
  if (hasAgg) {
    await w.write(`${audit}/power_validation_${rf}.json`, powerValidation(c, rf, raw, rng));
  }
  await w.write(`${audit}/gpu_metrics.csv`, gpuMetricsCsv(c, rng));
  await w.write(
    `${audit}/gpu_metrics_identity.json`,
    JSON.stringify({
      gpus: Array.from({ length: c.tp }, (_, i) => ({
        index: i,
        uuid: `GPU-${rng.int(0x10000000, 0x7fffffff).toString(16)}`,
        name: c.hardware.hw,
      })),
    }) + "\n",
  );
  const logs = `${base}server_logs_${rf}/results`;
  await w.write(`${logs}/server.log`, serverLog(rng, 40));
  await w.write(`${logs}/benchmark.log`, serverLog(rng, 15));
  await w.write(
    `${logs}/${rf}_config.json`,
    JSON.stringify({
      model: c.model.modelId,
      tensor_parallel_size: c.tp,
      max_num_seqs: 512,
      gpu_memory_utilization: 0.9,
    }) + "\n",
  );
}

/**
 * Write `cells` fixed-sequence points (≈ 2 JSON files each) under `root`.
 *
 * @example
 * ```ts
 * await generateFixedSeq("/tmp/campaign", { cells: 1000 });
 * ```
 */
export async function generateFixedSeq(root: string, opts: FixedSeqOptions): Promise<GenStats> {
  const rng = new Rng(opts.seed ?? 1);
  // The full download's extra files draw from their own stream: the rest of the tree stays the
  // same bytes with or without them.
  const extra = new Rng(((opts.seed ?? 1) + 0x9e3779b9) >>> 0);
  const w = new SmallFileWriter(root);
  const base = opts.prefix ? `${opts.prefix}/` : "";
  const curves = Math.ceil(opts.cells / CURVE_CONCS.length);
  if (curves > CONFIG_SPACE) throw new Error(`At most ${MAX_FIXED_SEQ_CELLS} fixed-seq cells`);
  let cells = 0;
  for (let k = 0; k < curves && cells < opts.cells; k++) {
    const c = configAt(k, rng);
    // ~8 % of curves end with a partial point, ~3 % with a failed one.
    const tail = rng.chance(0.08) ? "partial" : rng.chance(0.03) ? "failed" : "ok";
    for (let i = 0; i < CURVE_CONCS.length && cells < opts.cells; i++, cells++) {
      const conc = CURVE_CONCS[i];
      const fate = i === CURVE_CONCS.length - 1 ? tail : "ok";
      const rf = resultFilename(c, conc);
      const raw = rawPoint(c, conc, rng, fate);
      const rawText = pyJsonLine(raw.entries);
      // A failed point (every TPOT 0) makes process_result.py divide by zero: no agg (§11).
      const agg = raw.completed > 0 ? aggOf(c, conc, raw) : null;
      if (c.layout === "artifacts") {
        if (agg) await w.write(`${base}bmk_${rf}/agg_${rf}.json`, agg);
        await w.write(`${base}power_audit_${rf}/${rf}.json`, rawText);
      } else {
        const dir = `${base}flat/${c.model.prefix}-${c.hardware.hw}-${c.seq.name}`;
        if (agg) await w.write(`${dir}/agg_${rf}.json`, agg);
        await w.write(`${dir}/${rf}.json`, rawText);
      }
      if (rng.chance(0.1)) {
        const log = serverLog(rng, 40);
        if (!(opts.full && c.layout === "artifacts")) {
          await w.write(`${base}server_logs_${rf}/results/server.log`, log);
        }
      }
      if (opts.full && c.layout === "artifacts") {
        await writeFullDownload(w, base, c, rf, raw, agg !== null, extra);
      }
      if (rng.chance(0.03)) {
        await w.write(
          `${base}multinode_server_logs_${rf}/multinode_server_logs.tar.gz`,
          fakeTarGz(rng, rng.int(512, 4096)),
        );
      }
    }
  }
  await w.flush();
  return { ...w.stats, cells };
}

// ------------------------------------------------------------------------------------------------
// Multi-node (AMD amd_utils) curves

/**
 * Write `curves` AMD disaggregated multi-node curves: raw per-point files named
 * `concurrency_<C>_req_rate_inf_gpus_16_ctx_8_gen_8.json` and the aggs beside them.
 */
export async function generateMultinode(
  root: string,
  opts: { curves: number; seed?: number; prefix?: string },
): Promise<GenStats> {
  const rng = new Rng(opts.seed ?? 7);
  const w = new SmallFileWriter(root);
  const base = opts.prefix ? `${opts.prefix}/` : "";
  let cells = 0;
  for (let k = 0; k < opts.curves; k++) {
    const model = MODELS[k % MODELS.length];
    const prec = model.precisions[0];
    const rf =
      `${model.prefix}_1k1k_${prec}_vllm-disagg_prefill-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_decode-tp8-pp1-dcp1-pcp1-ep1-dpfalse-nw1_disagg-true_spec-none_conc4x8x16x32x64x128x256x512_mi355x-amds_${k}`;
    const c: FixedSeqConfig = {
      model,
      hardware: HARDWARE[0],
      framework: "vllm-disagg",
      precision: prec,
      tp: 16,
      ep: 1,
      spec: "none",
      seq: SEQS[0],
      runnerIdx: k,
      era: 2,
      layout: "flat",
    };
    for (const conc of CURVE_CONCS) {
      const point = `concurrency_${conc}_req_rate_inf_gpus_16_ctx_8_gen_8`;
      const raw = rawPoint(c, conc, rng, "ok");
      raw.entries[1] = ["backend", "openai"];
      await w.write(`${base}multinode_${rf}/raw/${point}.json`, pyJsonLine(raw.entries));
      const agg: [string, PyValue][] = [
        ["hw", "mi355x-disagg"],
        ["conc", int(conc)],
        ["image", "unknown"],
        ["model", model.modelId],
        ["infmax_model_prefix", model.prefix],
        ["framework", "vllm-disagg"],
        ["precision", prec],
        ["spec_decoding", "none"],
        ["disagg", true],
        ["recipe_fingerprint", ""],
        ["isl", int(1024)],
        ["osl", int(1024)],
        ["is_multinode", true],
      ];
      for (const role of ["prefill", "decode"]) {
        agg.push(
          [`${role}_tp`, int(8)],
          [`${role}_pp`, int(1)],
          [`${role}_dcp_size`, int(1)],
          [`${role}_pcp_size`, int(1)],
          [`${role}_ep`, int(1)],
          [`${role}_dp_attention`, "false"],
          [`${role}_num_workers`, int(1)],
        );
      }
      agg.push(
        ["num_prefill_gpu", int(8)],
        ["num_decode_gpu", int(8)],
        ["tput_per_gpu", raw.totalTput / 16],
        ["output_tput_per_gpu", raw.outputTput / 8],
        ["input_tput_per_gpu", (raw.totalTput - raw.outputTput) / 8],
      );
      for (const metric of ["ttft", "tpot", "itl", "e2el"] as const) {
        for (const p of PCTS) {
          const ms = raw.latency[metric][p];
          agg.push([`${p}_${metric}`, ms / 1000]);
          if (metric === "tpot") agg.push([`${p}_intvty`, 1000 / ms]);
        }
      }
      await w.write(`${base}multinode_${rf}/agg/agg_${rf}_${point}.json`, pyJsonIndent(agg) + "\n");
      cells++;
    }
  }
  await w.flush();
  return { ...w.stats, cells };
}

// ------------------------------------------------------------------------------------------------
// AgentX trace replay

const DETAILED_HEADER =
  "user_id,request_idx,trace_id,timestamp,request_type,input_tokens,output_tokens_expected,output_tokens_actual,cache_hit_blocks,cache_miss_blocks,ttft,ttlt,itl,delay_expected,delay_actual,success,error_message,theoretical_cache_hit_blocks,request_start_time,prefill_complete_time,request_complete_time,token_timestamps,tokens_per_chunk\n";

const METRICS_HEADER =
  "timestamp_sec,relative_time_sec,kv_cache_usage_pct,cpu_kv_cache_usage_pct,num_requests_running,num_requests_waiting,prefix_cache_hits,prefix_cache_queries,cpu_prefix_cache_hits,cpu_prefix_cache_queries,prompt_tokens_total,generation_tokens_total,num_preemptions_total,request_success_total,kv_offload_bytes_gpu_to_cpu,kv_offload_bytes_cpu_to_gpu,kv_offload_time_gpu_to_cpu,kv_offload_time_cpu_to_gpu,prompt_tokens_local_compute,prompt_tokens_local_cache_hit,prompt_tokens_external_kv_transfer,prefill_kv_computed_tokens_sum,prefill_kv_computed_tokens_count,interval_cache_hit_rate_pct,interval_throughput_tok_per_sec\n";

/** Options of {@link generateDetailedResults}. */
export interface DetailedResultsOptions {
  /** Stop after the first row that brings the file to at least this many bytes. */
  targetBytes: number;
  /** Simulated users (the cell's concurrency). */
  users?: number;
  seed?: number;
  /** Epoch seconds of the first request. */
  startS?: number;
}

/** What {@link generateDetailedResults} wrote. */
export interface DetailedResultsStats {
  bytes: number;
  rows: number;
  failedRows: number;
  /** Rows whose `token_timestamps` field exceeds 128 KiB. */
  longRows: number;
  /** Epoch seconds of the last completion. */
  endS: number;
  /** Sums the metrics CSV should be consistent with. */
  promptTokens: number;
  generationTokens: number;
  successes: number;
}

/**
 * Write one `trace_replay/detailed_results.csv` of about `opts.targetBytes` bytes.
 *
 * @example
 * ```ts
 * await generateDetailedResults("/tmp/x/trace_replay/detailed_results.csv", { targetBytes: 2e8 });
 * ```
 */
export async function generateDetailedResults(
  path: string,
  opts: DetailedResultsOptions,
): Promise<DetailedResultsStats> {
  const rng = new Rng(opts.seed ?? 3);
  const users = opts.users ?? 12;
  const w = await BigFileWriter.open(path);
  await w.push(DETAILED_HEADER);
  const next = Array.from(
    { length: users },
    () => (opts.startS ?? 1776752019.269) + rng.range(0, 5),
  );
  const turn = new Array<number>(users).fill(0);
  const history = new Array<number>(users).fill(0);
  const trace = Array.from({ length: users }, () => rng.int(0, 999));
  const st: DetailedResultsStats = {
    bytes: 0,
    rows: 0,
    failedRows: 0,
    longRows: 0,
    endS: 0,
    promptTokens: 0,
    generationTokens: 0,
    successes: 0,
  };
  while (w.size < opts.targetBytes) {
    // The user whose next request starts first.
    let u = 0;
    for (let i = 1; i < users; i++) if (next[i] < next[u]) u = i;
    const start = next[u];
    const failed = rng.chance(0.02);
    const long = !failed && rng.chance(0.03);
    const expected = rng.int(60, 1400);
    const actual = failed ? 0 : long ? rng.int(6700, 7400) : Math.max(
      2,
      Math.round(
        expected * rng.range(0.3, 2.5),
      ),
    );
    history[u] += rng.int(2000, 9000);
    const input = Math.min(history[u], 131072) + rng.int(200, 4000);
    const blocks = Math.ceil(input / 64);
    const miss = Math.max(1, Math.round(blocks * rng.range(0.005, 0.3)));
    const hit = blocks - miss;
    const ttft = failed ? 0 : input / rng.range(3000, 60000);
    const itl = rng.range(0.012, 0.045);
    const prefill = failed ? start : start + ttft;
    const ttlt = failed ? 0 : ttft + itl * (actual - 1);
    const complete = failed ? start + rng.range(0.1, 1.5) : start + ttlt;
    const delay = rng.chance(0.3) ? rng.int(1, 3000) : rng.int(1, 120);
    let ts = "[]";
    let tpc = "[]";
    if (!failed) {
      const t: string[] = [];
      const k: string[] = [];
      let tokens = 0;
      let now = prefill;
      for (let i = 0; tokens < actual; i++) {
        const n = i === 0 ? Math.min(3, actual) : rng.chance(0.02) ? 2 : 1;
        t.push(String(now));
        k.push(String(n));
        tokens += n;
        now += itl * n * rng.range(0.8, 1.2);
      }
      ts = t.length > 1 ? `"[${t.join(", ")}]"` : `[${t[0]}]`;
      tpc = k.length > 1 ? `"[${k.join(", ")}]"` : `[${k[0]}]`;
      if (ts.length > 128 * 1024) st.longRows++;
    }
    const row = `User-${String(u).padStart(3, "0")},${turn[u]},trace_${
      String(trace[u]).padStart(4, "0")
    },${complete + rng.range(0, 0.001)},streaming,${input},${expected},${actual},${hit},${miss},${
      pyFloat(ttft)
    },${pyFloat(ttlt)},${pyFloat(failed ? 0 : itl)},${pyFloat(delay)},0,${
      failed ? "False" : "True"
    },,${failed ? 0 : hit},${start},${prefill},${complete},${ts},${tpc}\n`;
    await w.push(row);
    st.rows++;
    if (failed) st.failedRows++;
    else {
      st.successes++;
      st.promptTokens += input;
      st.generationTokens += actual;
    }
    st.endS = Math.max(st.endS, complete);
    turn[u]++;
    if (turn[u] > rng.int(8, 40)) {
      turn[u] = 0;
      history[u] = 0;
      trace[u] = rng.int(0, 999);
    }
    next[u] = complete + Math.min(delay, 30) * rng.range(0.05, 0.2);
  }
  await w.close();
  st.bytes = w.bytes;
  return st;
}

/** Options of {@link generateServerMetrics}. */
export interface ServerMetricsOptions {
  startS: number;
  endS: number;
  promptTokens: number;
  generationTokens: number;
  successes: number;
  users: number;
  offload: boolean;
  seed?: number;
  /** Cap on rows (one per second otherwise). */
  maxRows?: number;
}

/** Write a 25-column `metrics_server_metrics.csv`, ~1 row/s, counters cumulative. */
export async function generateServerMetrics(
  path: string,
  opts: ServerMetricsOptions,
): Promise<number> {
  const rng = new Rng(opts.seed ?? 5);
  const w = await BigFileWriter.open(path);
  await w.push(METRICS_HEADER);
  const span = Math.max(opts.endS - opts.startS, 10);
  const rows = Math.min(Math.ceil(span), opts.maxRows ?? 7200);
  const step = span / rows;
  // Counters are non-zero at t = 0 (queries seen before the test), as in the real files.
  let hits = 0;
  let queries = rng.int(10000, 50000);
  let cpuHits = 0;
  let cpuQueries = 0;
  let prompt = 0;
  let gen = 0;
  let preempt = 0;
  let succ = 0;
  let local = 0;
  let localHit = 0;
  let external = 0;
  let kvSum = 0;
  let kvCount = 0;
  const saturated = opts.users >= 24;
  const kvPlateau = saturated ? 100 : Math.min(95, 20 + opts.users * 3.5);
  let prevHits = 0;
  let prevQueries = queries;
  for (let i = 0; i <= rows; i++) {
    const dPrompt = Math.round(opts.promptTokens / rows * rng.range(0, 2));
    const dGen = Math.round(opts.generationTokens / rows * rng.range(0.5, 1.5));
    const hitShare = saturated ? rng.range(0.01, 0.3) : rng.range(0.7, 0.9);
    const extShare = opts.offload && saturated ? rng.range(0.3, 0.8) * (1 - hitShare) : 0;
    const dHit = Math.round(dPrompt * hitShare);
    const dExt = Math.round(dPrompt * extShare);
    if (i > 0) {
      prompt += dPrompt;
      gen += dGen;
      localHit += dHit;
      external += dExt;
      local += dPrompt - dHit - dExt;
      hits += dHit;
      queries += Math.round(dPrompt * (saturated ? rng.range(40, 150) : 1));
      if (opts.offload) {
        cpuQueries += dPrompt - dHit;
        cpuHits += dExt;
      }
      if (saturated && rng.chance(0.2)) preempt += rng.int(1, 4);
      if (rng.chance(opts.successes / rows)) succ++;
      kvSum += dPrompt - dHit - dExt;
      if (dPrompt > 0) kvCount++;
    }
    const t = opts.startS + i * step;
    const kv = Math.min(kvPlateau, kvPlateau * Math.min(1, i / (rows * 0.2)) * rng.range(0.9, 1.0));
    const dq = queries - prevQueries;
    const rate = i === 0 || dq === 0 ? 0 : 100 * (hits - prevHits) / dq;
    prevHits = hits;
    prevQueries = queries;
    await w.push(
      `${t.toFixed(3)},${(i * step).toFixed(3)},${kv.toFixed(2)},0.00,${rng.int(0, opts.users)},${
        saturated ? rng.int(0, opts.users) : 0
      },${hits},${queries},${cpuHits},${cpuQueries},${prompt},${gen},${preempt},${succ},0,0,0.000000,0.000000,${local},${localHit},${external},${kvSum},${kvCount},${
        rate.toFixed(2)
      },${i === 0 ? "0.00" : (dGen / step).toFixed(2)}\n`,
    );
  }
  await w.close();
  return w.bytes;
}

/** Options of {@link generateAgentx}. */
export interface AgentxOptions {
  cells: number;
  /** Size of each `detailed_results.csv`. */
  bytesPerCell: number;
  seed?: number;
  prefix?: string;
  /** Write `metrics_server_metrics.csv` and `status.txt` too (default true). */
  companions?: boolean;
}

const AGENTX_USERS = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 128, 256];

/**
 * Write an AgentX trace-replay sweep: `cells` run directories
 * `agentic_<RF>/{trace_replay/detailed_results.csv, metrics_server_metrics.csv, status.txt}`.
 */
export async function generateAgentx(root: string, opts: AgentxOptions): Promise<GenStats> {
  const rng = new Rng(opts.seed ?? 11);
  const base = opts.prefix ? `${opts.prefix}/` : "";
  let stats = emptyStats();
  for (let k = 0; k < opts.cells; k++) {
    const users = AGENTX_USERS[k % AGENTX_USERS.length];
    const offload = Math.floor(k / AGENTX_USERS.length) % 2 === 1;
    const runner = `${rng.pick(["b200-dgxc-slurm", "b200-nb"])}_${k}`;
    const rf = `dsr1_tp4_bs${users}_offload${
      offload ? "on" : "off"
    }_fp4_vllm_tp4-ep4-dpafalse_disagg-false_spec-none_conc${users}_${runner}`;
    const dir = `${root}/${base}agentic_${rf}`;
    const startS = 1776752019.269 + k * 7200;
    const dr = await generateDetailedResults(`${dir}/trace_replay/detailed_results.csv`, {
      targetBytes: opts.bytesPerCell,
      users,
      seed: rng.int(1, 2 ** 31),
      startS,
    });
    stats = addStats(stats, { files: 1, bytes: dr.bytes, cells: 1 });
    if (opts.companions ?? true) {
      const mb = await generateServerMetrics(`${dir}/metrics_server_metrics.csv`, {
        startS,
        endS: dr.endS,
        promptTokens: dr.promptTokens,
        generationTokens: dr.generationTokens,
        successes: dr.successes,
        users,
        offload,
        seed: rng.int(1, 2 ** 31),
        maxRows: 3600,
      });
      const status = dr.successes > 0 ? "SUCCESS\n" : "FAILED\n";
      await Deno.writeTextFile(`${dir}/status.txt`, status);
      stats = addStats(stats, { files: 2, bytes: mb + status.length, cells: 0 });
    }
  }
  return stats;
}

/** Options of {@link generateMixed}. */
export interface MixedOptions {
  fixedSeqCells: number;
  multinodeCurves: number;
  agentxCells: number;
  agentxBytesPerCell: number;
  seed?: number;
}

/** A mixed campaign: fixed-seq cells, multi-node curves, AgentX cells, logs and unknown files. */
export async function generateMixed(root: string, opts: MixedOptions): Promise<GenStats> {
  const seed = opts.seed ?? 21;
  let s = await generateFixedSeq(root, {
    cells: opts.fixedSeqCells,
    seed,
    prefix: "fixed-seq",
  });
  s = addStats(
    s,
    await generateMultinode(root, {
      curves: opts.multinodeCurves,
      seed: seed + 1,
      prefix: "multinode",
    }),
  );
  s = addStats(
    s,
    await generateAgentx(root, {
      cells: opts.agentxCells,
      bytesPerCell: opts.agentxBytesPerCell,
      seed: seed + 2,
      prefix: "agentx",
    }),
  );
  // Noise the walker must list and ignore: plots, notes, an empty file, a stray CSV.
  const rng = new Rng(seed + 3);
  const w = new SmallFileWriter(root);
  for (let i = 0; i < 50; i++) {
    await w.write(`plots/curve_${i}.png`, fakeTarGz(rng, rng.int(2000, 20000)));
  }
  await w.write("README.txt", "Campaign 2026-05 nightly sweep\n");
  await w.write("notes/empty.json", "");
  await w.write("run-stats/run_stats.csv", "job,seconds\nfixed,123\n");
  await w.flush();
  return addStats(s, { ...w.stats, cells: 0 });
}

// ------------------------------------------------------------------------------------------------
// Command line

const USAGE =
  `Usage: deno run --allow-read --allow-write bench/generate.ts <kind> --out DIR [options]

Kinds:
  fixed-seq --cells N                 N fixed-sequence cells (agg + raw pairs)
  detailed  --mb N [--users U]        one AgentX cell with a detailed_results.csv of ~N MB only
  agentx    --cells M --mb N          an AgentX sweep of M cells, each with a ~N MB CSV
  mixed     --cells N [--agentx M --mb N --multinode K]
Options:
  --seed S   PRNG seed, an integer >= 0 taken modulo 2^32 (default depends on the kind)
  -h, --help this text

Exit codes: 0 generated, 1 a failure while writing (named), 2 a usage error.`;

/** The kinds of tree {@link main} generates. */
const KINDS = ["fixed-seq", "detailed", "agentx", "mixed"] as const;

/**
 * The generator's command line (see {@link USAGE}); returns the exit code. Bad options are usage
 * errors (see bench/cli.ts).
 *
 * @example
 * ```ts
 * await main(["fixed-seq", "--cells", "100", "--out", "/tmp/fs100"]);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const parsed = toolArgs(args, {
    out: { type: "string" },
    cells: { type: "string" },
    mb: { type: "string" },
    users: { type: "string" },
    agentx: { type: "string" },
    multinode: { type: "string" },
    seed: { type: "string" },
  }, USAGE);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const [kindArg, ...extra] = positionals;
  if (kindArg === undefined) throw new UsageError("Which kind of tree? (missing <kind>)");
  const kind = oneOf("<kind>", kindArg, KINDS);
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`);
  const out = values.out;
  if (out === undefined || out.trim() === "") {
    throw new UsageError("Where to? (missing --out DIR)");
  }
  const count = (flag: "cells" | "users", fallback: number) =>
    numberFlag(`--${flag}`, values[flag], fallback, { integer: true });
  const fixedSeqCells = (fallback: number) => {
    const n = count("cells", fallback);
    if (n > MAX_FIXED_SEQ_CELLS) {
      throw new UsageError(
        `Invalid value for --cells: "${values.cells}" (at most ${MAX_FIXED_SEQ_CELLS} fixed-seq cells)`,
      );
    }
    return n;
  };
  const some = (flag: "agentx" | "multinode", fallback: number) =>
    numberFlag(`--${flag}`, values[flag], fallback, { integer: true, allowMin: true });
  const mb = (fallback: number) => numberFlag("--mb", values.mb, fallback, { unit: "MB" });
  const seed = numberFlag("--seed", values.seed, undefined, { integer: true, allowMin: true });
  // Every option is checked before anything is written.
  let make: () => Promise<GenStats>;
  switch (kind) {
    case "fixed-seq": {
      const cells = fixedSeqCells(1000);
      make = () => generateFixedSeq(out, { cells, seed });
      break;
    }
    case "detailed": {
      const targetBytes = mb(200) * 1e6;
      const users = count("users", 12);
      make = async () => {
        const st = await generateDetailedResults(
          `${out}/agentic_dsr1_tp4_bs12_offloadoff_fp4_vllm_tp4-ep4-dpafalse_disagg-false_spec-none_conc12_b200-dgxc-slurm_0/trace_replay/detailed_results.csv`,
          { targetBytes, users, seed },
        );
        console.error(
          `rows ${st.rows}, failed ${st.failedRows}, token_timestamps > 128 KiB: ${st.longRows}`,
        );
        return { files: 1, bytes: st.bytes, cells: 1 };
      };
      break;
    }
    case "agentx": {
      const cells = count("cells", 50);
      const bytesPerCell = mb(20) * 1e6;
      make = () => generateAgentx(out, { cells, bytesPerCell, seed });
      break;
    }
    case "mixed": {
      const opts = {
        fixedSeqCells: fixedSeqCells(2000),
        multinodeCurves: some("multinode", 8),
        agentxCells: some("agentx", 10),
        agentxBytesPerCell: mb(10) * 1e6,
        seed,
      };
      make = () => generateMixed(out, opts);
      break;
    }
  }
  await Deno.mkdir(out, { recursive: true });
  const t0 = performance.now();
  const s = await make();
  console.error(
    `${kind}: ${s.cells} cells, ${s.files} files, ${(s.bytes / 1e6).toFixed(1)} MB in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s -> ${out}`,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await runTool(USAGE, main));
