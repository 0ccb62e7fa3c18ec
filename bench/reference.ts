/**
 * A machine reference for the benchmark: how fast this machine does the two things an
 * `analyze` run spends its time on, measured without inferguard's code. JSON parse plus indented
 * stringify (the parsers and report.json), and listing directories plus opening and reading small
 * files (the walk). Virtual machines of the same type differ by tens of percent from day to day;
 * with these figures beside the table, a slower run can be told apart from a slower program.
 *
 * @example
 * ```ts
 * const ref = machineReference(Deno.makeTempDirSync());
 * console.log(describeReference(ref));
 * ```
 * @module
 */
import { ladder } from "../lib/stats.ts";

/** What {@link machineReference} measured (each the median of its rounds). */
export interface MachineReference {
  /** MB of JSON text per second through `JSON.parse` and `JSON.stringify(v, null, 2)`. */
  jsonMBps: number;
  /** Microseconds to list one small directory (`Deno.readDirSync`). */
  readDirUs: number;
  /** Microseconds to open, read and close one small file. */
  readFileUs: number;
}

/** Sizes of the reference workload; the defaults take a few seconds. */
export interface ReferenceOptions {
  /** JSON documents parsed and stringified (about 1.5 KB each). */
  records?: number;
  /** Directories made, each holding two small files. */
  dirs?: number;
  /** Rounds of each measurement; the median is kept (default {@link REFERENCE_ROUNDS}). */
  rounds?: number;
}

/** Rounds of each measurement by default. */
export const REFERENCE_ROUNDS = 7;

/**
 * A record shaped like an InferenceX agg (strings, integers and latency statistics as doubles),
 * the same for the same index on every machine.
 */
function record(i: number): Record<string, unknown> {
  let x = (i + 1) * 2654435761 % 4294967296;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const out: Record<string, unknown> = {
    hw: "mi355x",
    conc: 4 << (i % 8),
    image: "vllm/vllm-openai-rocm:v0.21.0",
    model: "deepseek-ai/DeepSeek-R1-0528",
    framework: "sglang",
    precision: "fp4",
    isl: 1024,
    osl: 8192,
    tp: 8,
    ep: 1,
    dp_attention: false,
    tput_per_gpu: 1000 * next(),
    total_tput_tps: 10000 * next(),
  };
  for (const stat of ["mean", "median", "std", "p90", "p99", "p99.9"]) {
    for (const what of ["ttft", "tpot", "itl", "e2el"]) out[`${stat}_${what}`] = next();
  }
  return out;
}

/** Time `f` over `rounds` runs after one warm-up run; the median, in milliseconds (NaN for none). */
function timed(rounds: number, f: () => void): number {
  f();
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return ladder(times).p50 ?? NaN;
}

/**
 * Measure this machine (see the module doc). `dir` is an empty scratch directory; the files made
 * in it are removed again.
 */
export function machineReference(dir: string, opts: ReferenceOptions = {}): MachineReference {
  const records = opts.records ?? 4000;
  const dirs = opts.dirs ?? 500;
  const rounds = opts.rounds ?? REFERENCE_ROUNDS;

  const docs = Array.from({ length: records }, (_, i) => JSON.stringify(record(i), null, 2));
  const bytes = docs.reduce((n, d) => n + d.length, 0);
  let sink = 0;
  const jsonMs = timed(rounds, () => {
    for (const d of docs) sink += JSON.stringify(JSON.parse(d), null, 2).length;
  });

  const paths: string[] = [];
  const subdirs: string[] = [];
  const scratch = `${dir}/machine_reference`;
  try {
    for (let i = 0; i < dirs; i++) {
      // Names as long as InferenceX's: path lookups cost more per character on some file systems.
      const run =
        `dsr1_1k1k_fp4_sglang_tp8-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-mtp_conc${i}_mi355x`;
      const sub = `${scratch}/bmk_${run}`;
      Deno.mkdirSync(sub, { recursive: true });
      subdirs.push(sub);
      for (const name of [`agg_${run}.json`, `${run}.json`]) {
        const path = `${sub}/${name}`;
        Deno.writeTextFileSync(path, docs[(2 * i + paths.length) % docs.length]);
        paths.push(path);
      }
    }
    const buf = new Uint8Array(1 << 16);
    const listMs = timed(rounds, () => {
      for (const sub of subdirs) for (const _ of Deno.readDirSync(sub)) sink++;
    });
    const readMs = timed(rounds, () => {
      for (const path of paths) {
        using file = Deno.openSync(path);
        while ((file.readSync(buf) ?? 0) > 0) sink++;
      }
    });
    if (sink < 0) throw new Error("unreachable: keeps the measured work from being optimised away");
    return {
      jsonMBps: bytes / 1e6 / (jsonMs / 1000),
      readDirUs: (listMs * 1000) / subdirs.length,
      readFileUs: (readMs * 1000) / paths.length,
    };
  } finally {
    try {
      Deno.removeSync(scratch, { recursive: true });
    } catch {
      // Nothing was made.
    }
  }
}

/**
 * The figures for the benchmark's header; with a second reference (taken at the end of the run),
 * each figure reads `start → end`, which shows the machine drifting during the run.
 */
export function describeReference(ref: MachineReference, end?: MachineReference): string {
  const fig = (f: (r: MachineReference) => number) =>
    end ? `${f(ref).toFixed(0)} → ${f(end).toFixed(0)}` : f(ref).toFixed(0);
  return `JSON parse + indented stringify ${fig((r) => r.jsonMBps)} MB/s; list a directory ${
    fig((r) => r.readDirUs)
  } µs; open + read + close a small file ${fig((r) => r.readFileUs)} µs`;
}
