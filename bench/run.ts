/**
 * The benchmark harness: generates synthetic campaigns (bench/generate.ts), runs the real CLI on
 * them as a child process, and prints wall time, peak RSS, bytes parsed, MB/s and cells/s as a
 * Markdown table, with the hardware it ran on. Timings are never asserted; this only measures.
 *
 * Peak RSS: when `/usr/bin/time` is GNU time the child runs under `/usr/bin/time -v` and the
 * "Maximum resident set size" it reports (the kernel's ru_maxrss of the child) is used; otherwise
 * `/proc/<pid>/status` is polled every 20 ms while the child runs and the largest VmHWM/VmRSS
 * seen is kept (it can miss a spike shorter than 20 ms, and a child seen by fewer than
 * {@link MIN_RSS_POLLS} polls gets no figure). The table says which method was used.
 *
 * Generated data goes to `bench/out/data/` (git-ignored) and is reused when a tree with the same
 * parameters already exists; `--fresh` regenerates it.
 *
 * @example
 * ```sh
 * deno task bench            # full run, median of 3 runs per scenario
 * deno task bench --quick    # smaller scenarios, 1 run each
 * ```
 * @module
 */
import { shortHash } from "../lib/hash.ts";
import { fileURLToPath } from "node:url";
import {
  generateAgentx,
  generateDetailedResults,
  generateFixedSeq,
  generateMixed,
  type GenStats,
} from "./generate.ts";
import {
  describeReference,
  type MachineReference,
  machineReference,
  REFERENCE_ROUNDS,
} from "./reference.ts";
import { ladder } from "../lib/stats.ts";
import { numberFlag, UsageError } from "../lib/io/cli_args.ts";
import { errText } from "../lib/io/walk.ts";
import { runTool, toolArgs } from "./cli.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const MAIN_TS = `${REPO}/main.ts`;
const TIME_BIN = "/usr/bin/time";

/**
 * The V8 flags `deno task analyze` and the compiled binary run with, read from deno.json so the
 * benchmark measures the program as it is shipped.
 */
function shippedV8Flags(): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${REPO}/deno.json`));
  const flag = String(config.tasks?.analyze ?? "").match(/--v8-flags=\S+/);
  return flag ? [flag[0]] : [];
}
/** A scenario whose first run takes longer than this is not repeated. */
const SLOW_S = 30;

/** How one scenario's input is produced. */
interface Scenario {
  name: string;
  /** What the target in the issue says, if any (printed beside the result, never asserted). */
  target?: string;
  /** Cache key of the generated tree (parameters). */
  key: string;
  generate: (dir: string) => Promise<GenStats>;
  /** Run the bundle instead of main.ts. */
  viaBundle?: boolean;
}

/** One measured run. */
export interface Sample {
  wallS: number;
  rssKb: number | null;
  code: number;
  /** The end of what the child wrote to stderr (for the message when it fails). */
  stderrTail: string;
}

/** A row of the result table; a scenario that failed has only its name, target and error. */
export interface Row {
  name: string;
  cells: number | null;
  files: number | null;
  bytesParsed: number | null;
  wallS: number | null;
  wallMinS: number | null;
  wallMaxS: number | null;
  /** Peak RSS in MB (10^6 bytes, the unit of the targets; the kernel reports KiB). */
  rssMb: number | null;
  rssMaxMb: number | null;
  runs: number;
  /** Wall time of the unmeasured warm-up run (see {@link measureRuns}), if there was one. */
  warmUpS: number | null;
  target: string;
  note: string;
  /** Why the scenario could not be measured (its data could not be made, or a run failed). */
  error?: string;
}

/** KiB (what the kernel reports) to MB of 10^6 bytes (what the targets and MB/s use). */
function kibToMb(kib: number): number {
  return (kib * 1024) / 1e6;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Text of a /proc file. Deno wants `--allow-all` to read /proc directly, so without it the file is
 * read through `cat` (the bench has `--allow-run`).
 */
async function readProc(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    const out = await new Deno.Command("cat", { args: [path], stdout: "piped", stderr: "null" })
      .output();
    if (out.code !== 0) throw new Error(`Cannot read ${path}`);
    return new TextDecoder().decode(out.stdout);
  }
}

/**
 * The CPU as /proc/cpuinfo describes its first processor: the model name, then its family, model,
 * clock and cache when the file gives them. A hypervisor often shows every instance type under one
 * name ("AMD EPYC"); the family, model and clock tell two of them apart (two instances of one
 * name differed by a factor of three in the machine reference). `null` without a model name.
 *
 * @example
 * ```ts
 * cpuDescription("model name\t: AMD EPYC\ncpu family\t: 23\nmodel\t\t: 1\n");
 * // "AMD EPYC (family 23, model 1)"
 * ```
 */
export function cpuDescription(cpuinfo: string): string | null {
  const first = cpuinfo.split(/\n\s*\n/)[0];
  const field = (name: string) =>
    new RegExp(`^${name}\\s*:\\s*(.+)$`, "m").exec(first)?.[1]?.trim() || null;
  const name = field("model name");
  if (name === null) return null;
  const details: string[] = [];
  const family = field("cpu family");
  const model = field("model");
  if (family !== null) details.push(`family ${family}`);
  if (model !== null) details.push(`model ${model}`);
  const mhz = Number(field("cpu MHz"));
  if (Number.isFinite(mhz) && mhz > 0) details.push(`${Math.round(mhz)} MHz`);
  const cache = field("cache size");
  if (cache !== null) details.push(`cache ${cache}`);
  return details.length > 0 ? `${name} (${details.join(", ")})` : name;
}

/** CPU model, logical cores and memory, from /proc (Linux) or Deno's APIs. */
async function hardware(): Promise<string> {
  let cpu = "unknown CPU";
  let memMb = (Deno.systemMemoryInfo?.().total ?? 0) / 1024 / 1024;
  try {
    const info = await readProc("/proc/cpuinfo");
    cpu = cpuDescription(info) ?? cpu;
    const mem = await readProc("/proc/meminfo");
    memMb = Number(/^MemTotal:\s+(\d+)/m.exec(mem)?.[1] ?? 0) / 1024;
  } catch {
    // Not Linux: keep what Deno reported.
  }
  const cores = navigator.hardwareConcurrency;
  return `${cpu}, ${cores} logical cores, ${
    (memMb / 1024).toFixed(1)
  } GiB RAM, ${Deno.build.target}, deno ${Deno.version.deno}`;
}

/** Polls of /proc a peak needs before it is reported: a process seen once or twice is not. */
export const MIN_RSS_POLLS = 3;

/**
 * Largest VmHWM/VmRSS of a running process, polled every 20 ms until `done` settles; `null` when
 * fewer than {@link MIN_RSS_POLLS} polls saw it: a process that lives some tens of milliseconds
 * is seen just after its start, when it holds a few MB, and that is not its peak.
 */
async function pollRss(pid: number, done: Promise<unknown>): Promise<number | null> {
  const readings: number[] = [];
  let finished = false;
  const stop = () => void (finished = true);
  done.then(stop, stop);
  while (!finished) {
    try {
      const kb = statusPeakKb(await readProc(`/proc/${pid}/status`));
      if (kb !== null) readings.push(kb);
    } catch {
      // The process is gone (or /proc is unavailable).
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return polledPeak(readings);
}

/**
 * The larger of VmHWM and VmRSS in a /proc status text, in KiB; `null` without either (a process
 * that has exited).
 *
 * @example
 * ```ts
 * statusPeakKb("Name:\tdeno\nVmHWM:\t  31160 kB\nVmRSS:\t  30988 kB\n"); // 31160
 * ```
 */
export function statusPeakKb(status: string): number | null {
  let max: number | null = null;
  for (const key of ["VmHWM", "VmRSS"]) {
    const m = new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status);
    if (m) max = Math.max(max ?? 0, Number(m[1]));
  }
  return max;
}

/**
 * The peak of polled readings (KiB), or `null` when there are fewer than {@link MIN_RSS_POLLS}.
 *
 * @example
 * ```ts
 * polledPeak([4444, 28852]); // null: seen twice
 * polledPeak([4444, 28852, 31160]); // 31160
 * ```
 */
export function polledPeak(readings: readonly number[]): number | null {
  return readings.length < MIN_RSS_POLLS ? null : Math.max(...readings);
}

/**
 * Whether `/usr/bin/time` is GNU time, whose `-v` reports the child's maximum resident set size
 * (BSD and macOS time have no `-v`; then RSS is polled).
 */
async function gnuTime(): Promise<boolean> {
  try {
    const out = await new Deno.Command(TIME_BIN, {
      args: ["-v", "true"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    return out.code === 0 &&
      new TextDecoder().decode(out.stderr).includes("Maximum resident set size");
  } catch {
    return false;
  }
}

/**
 * The child's exit code from GNU time's `-v` report: 128 + N for a child killed by signal N
 * (time then still reports `Exit status: 0`), else the exit status; `null` when the report has
 * neither (time itself failed).
 *
 * @example
 * ```ts
 * childExitCode("Command terminated by signal 9\n\tExit status: 0\n"); // 137
 * ```
 */
export function childExitCode(timeReport: string): number | null {
  const signal = /Command terminated by signal (\d+)/.exec(timeReport);
  if (signal) return 128 + Number(signal[1]);
  const status = /Exit status:\s*(\d+)/.exec(timeReport);
  return status ? Number(status[1]) : null;
}

/** Run `cmd args`, measuring wall time and peak RSS of the child. */
async function measure(cmd: string, args: string[], useTime: boolean): Promise<Sample> {
  if (useTime) {
    const stats = await Deno.makeTempFile({ prefix: "ig_bench_time_" });
    const t0 = performance.now();
    const out = await new Deno.Command(TIME_BIN, {
      args: ["-v", "-o", stats, cmd, ...args],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      cwd: REPO,
    }).output();
    const wallS = (performance.now() - t0) / 1000;
    const text = await Deno.readTextFile(stats);
    await Deno.remove(stats);
    const rss = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(text);
    const code = childExitCode(text);
    if (out.code !== 0 && code === null) {
      throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr).slice(0, 500)}`);
    }
    return {
      wallS,
      rssKb: rss ? Number(rss[1]) : null,
      code: code ?? out.code,
      stderrTail: tail(out.stderr),
    };
  }
  const t0 = performance.now();
  const child = new Deno.Command(cmd, {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    cwd: REPO,
  }).spawn();
  // Read as it comes, so a child that writes much to stderr never blocks on a full pipe.
  const output = child.output();
  const rssKb = await pollRss(child.pid, output);
  const { code, stderr } = await output;
  return { wallS: (performance.now() - t0) / 1000, rssKb, code, stderrTail: tail(stderr) };
}

/** The last non-empty line of a child's stderr, at most 300 characters. */
function tail(bytes: Uint8Array): string {
  const lines = new TextDecoder().decode(bytes).split("\n").map((l) => l.trim()).filter(Boolean);
  // Without its colours (Deno colours errors on a pipe too): the tail goes into a Markdown table.
  // deno-lint-ignore no-control-regex
  return (lines.at(-1) ?? "").replace(/\x1b\[[0-9;]*m/g, "").slice(0, 300);
}

/** Sum of the sizes of artifacts the report says were parsed, and the cell count. */
async function reportTotals(
  outDir: string,
): Promise<{ bytes: number; cells: number; files: number }> {
  const report = JSON.parse(await Deno.readTextFile(`${outDir}/report.json`));
  let bytes = 0;
  let files = 0;
  for (const a of report.artifact_manifest?.discovered ?? []) {
    files++;
    if (a.parsed === true) bytes += a.size ?? 0;
  }
  return { bytes, cells: report.run_summary?.cells_total ?? report.cells?.length ?? 0, files };
}

/** Generate a scenario's tree unless an identical one is cached. */
/** Trees generated by this run: `--fresh` regenerates each once, not once per scenario. */
const generatedNow = new Set<string>();

/**
 * A hash of the generator's source, kept in each tree's marker: a tree made by another version of
 * `generate.ts` is made again, never measured as if it were current.
 */
function generatorVersion(): string {
  try {
    return shortHash(Deno.readTextFileSync(new URL("./generate.ts", import.meta.url)));
  } catch {
    return "unknown";
  }
}

/** Whether the tree behind `marker` was made by this version of the generator. */
async function current(marker: string, version: string): Promise<boolean> {
  try {
    return JSON.parse(await Deno.readTextFile(marker)).generator === version;
  } catch {
    return false;
  }
}

async function ensureData(dataRoot: string, s: Scenario, fresh: boolean): Promise<string> {
  const dir = `${dataRoot}/${s.key}`;
  const marker = `${dir}.done.json`;
  const version = generatorVersion();
  if ((!fresh || generatedNow.has(dir)) && (await current(marker, version))) return dir;
  generatedNow.add(dir);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  const t0 = performance.now();
  const g = await s.generate(dir);
  const secs = (performance.now() - t0) / 1000;
  await Deno.writeTextFile(
    marker,
    JSON.stringify({ ...g, generateS: secs, generator: version }) + "\n",
  );
  log(
    `  generated ${s.key}: ${g.cells} cells, ${g.files} files, ${
      (g.bytes / 1e6).toFixed(1)
    } MB in ${secs.toFixed(1)} s`,
  );
  const flushS = await flushToDisk();
  if (flushS !== null) log(`  flushed to disk in ${flushS.toFixed(1)} s`);
  return dir;
}

/**
 * Write the page cache's dirty pages to disk (`sync`), so that the kernel's writeback of a tree
 * just generated does not run during the measured runs: on the development machine it made the
 * runs over a fresh 50k tree 7.6 s against 5.5–5.7 s once it was written. Seconds it took, or
 * null where there is no `sync` command (the runs then share the machine with the writeback).
 */
async function flushToDisk(): Promise<number | null> {
  const t0 = performance.now();
  try {
    const out = await new Deno.Command("sync", { stdin: "null", stdout: "null", stderr: "null" })
      .output();
    return out.success ? (performance.now() - t0) / 1000 : null;
  } catch {
    return null;
  }
}

function log(msg: string): void {
  console.error(msg);
}

function fmt(n: number | null, digits = 2): string {
  return n === null || !Number.isFinite(n) ? "–" : n.toFixed(digits);
}

function scenarios(quick: boolean): Scenario[] {
  const mb = 1e6;
  if (quick) {
    return [
      {
        name: "fixed-seq 1k cells",
        key: "fs-1000",
        generate: (d) => generateFixedSeq(d, { cells: 1000 }),
      },
      {
        name: "fixed-seq 5k cells",
        key: "fs-5000",
        generate: (d) => generateFixedSeq(d, { cells: 5000 }),
      },
      {
        name: "detailed_results.csv 50 MB",
        key: "dr-50",
        generate: (d) => singleDetailed(d, 50 * mb),
      },
      {
        name: "detailed_results.csv 200 MB",
        target: "≥ 175 MB/s, RSS < 200 MB",
        key: "dr-200",
        generate: (d) => singleDetailed(d, 200 * mb),
      },
      {
        name: "AgentX sweep 10 × 5 MB",
        key: "ax-10x5",
        generate: (d) => generateAgentx(d, { cells: 10, bytesPerCell: 5 * mb }),
      },
      {
        name: "mixed (500 fixed-seq, 2 multi-node curves, 4 AgentX × 5 MB)",
        key: "mixed-500-2-4x5",
        generate: (d) =>
          generateMixed(d, {
            fixedSeqCells: 500,
            multinodeCurves: 2,
            agentxCells: 4,
            agentxBytesPerCell: 5 * mb,
          }),
      },
    ];
  }
  return [
    {
      name: "fixed-seq 1k cells",
      key: "fs-1000",
      generate: (d) => generateFixedSeq(d, { cells: 1000 }),
    },
    {
      name: "fixed-seq 10k cells",
      target: "< 1.5 s, < 200 MB",
      key: "fs-10000",
      generate: (d) => generateFixedSeq(d, { cells: 10000 }),
    },
    {
      name: "fixed-seq 10k cells (bundle)",
      target: "< 1.5 s, < 200 MB",
      key: "fs-10000",
      generate: (d) => generateFixedSeq(d, { cells: 10000 }),
      viaBundle: true,
    },
    {
      name: "fixed-seq 50k cells",
      target: "< 7 s, < 500 MB",
      key: "fs-50000",
      generate: (d) => generateFixedSeq(d, { cells: 50000 }),
    },
    {
      name: "detailed_results.csv 200 MB",
      target: "≥ 175 MB/s, RSS < 200 MB",
      key: "dr-200",
      generate: (d) => singleDetailed(d, 200 * mb),
    },
    {
      name: "detailed_results.csv 1 GB",
      target: "≥ 175 MB/s, RSS < 200 MB (= 200 MB case)",
      key: "dr-1000",
      generate: (d) => singleDetailed(d, 1000 * mb),
    },
    {
      name: "fixed-seq 10k cells, full artifact download",
      key: "fsfull-10000",
      generate: (d) => generateFixedSeq(d, { cells: 10000, full: true }),
    },
    {
      name: "AgentX sweep 50 × 100 MB",
      key: "ax-50x100",
      generate: (d) => generateAgentx(d, { cells: 50, bytesPerCell: 100 * mb }),
    },
    {
      name: "mixed (2k fixed-seq, 8 multi-node curves, 10 AgentX × 10 MB)",
      key: "mixed-2000-8-10x10",
      generate: (d) =>
        generateMixed(d, {
          fixedSeqCells: 2000,
          multinodeCurves: 8,
          agentxCells: 10,
          agentxBytesPerCell: 10 * mb,
        }),
    },
  ];
}

/** One AgentX cell holding only a `detailed_results.csv` of `bytes` bytes. */
async function singleDetailed(dir: string, bytes: number): Promise<GenStats> {
  const st = await generateDetailedResults(
    `${dir}/agentic_dsr1_tp4_bs32_offloadoff_fp4_vllm_tp4-ep4-dpafalse_disagg-false_spec-none_conc32_b200-dgxc-slurm_7/trace_replay/detailed_results.csv`,
    { targetBytes: bytes, users: 32, seed: 99 },
  );
  return { files: 1, bytes: st.bytes, cells: 1 };
}

/** The row text of a scenario that needed the bundle when it could not be built. */
const BUNDLE_FAILED = "deno bundle failed (its error is in the log above)";

/** Bundle main.ts into `dir` as `deno task bundle` does; returns the entry or null on failure. */
async function buildBundle(dir: string): Promise<string | null> {
  const path = `${dir}/bundle/main.js`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "deno",
      "--code-splitting",
      "--outdir",
      `${dir}/bundle`,
      MAIN_TS,
    ],
    cwd: REPO,
    stdout: "null",
    stderr: "piped",
  }).output();
  const worker = out.code === 0
    ? await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "deno",
        "-o",
        `${dir}/bundle/scan_worker.js`,
        `${REPO}/lib/io/scan_worker.ts`,
      ],
      cwd: REPO,
      stdout: "null",
      stderr: "piped",
    }).output()
    : out;
  if (worker.code !== 0) {
    log(`  deno bundle failed: ${new TextDecoder().decode(worker.stderr).trim().slice(0, 300)}`);
    return null;
  }
  return path;
}

/**
 * The result table, in Markdown; a failed scenario's row says why instead of its figures.
 *
 * @example
 * ```ts
 * console.log(table(rows, "`/usr/bin/time -v`"));
 * ```
 */
export function table(rows: Row[], rssMethod: string): string {
  const lines = [
    `| Scenario | Cells | Files | Parsed MB | Wall s (median) | min–max s | Peak RSS MB (median / max) | MB/s | cells/s | Runs | Target |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|`,
  ];
  for (const r of rows) {
    if (r.error !== undefined) {
      lines.push(
        `| ${r.name} (failed: ${
          r.error.replaceAll("|", "\\|")
        }) | – | – | – | – | – | – | – | – | ${r.runs} | ${r.target} |`,
      );
      continue;
    }
    const wall = r.wallS;
    const mbps = r.bytesParsed === null || !wall ? null : r.bytesParsed / 1e6 / wall;
    const cps = r.cells === null || r.cells === 0 || !wall ? null : r.cells / wall;
    lines.push(
      `| ${r.name}${r.note ? ` (${r.note})` : ""} | ${r.cells ?? "–"} | ${r.files ?? "–"} | ${
        r.bytesParsed === null ? "–" : fmt(r.bytesParsed / 1e6, 1)
      } | ${fmt(r.wallS, 3)} | ${fmt(r.wallMinS, 3)}–${fmt(r.wallMaxS, 3)} | ${fmt(r.rssMb, 0)} / ${
        fmt(r.rssMaxMb, 0)
      } | ${fmt(mbps, 1)} | ${
        fmt(cps, cps !== null && cps < 10 ? 2 : 0)
      } | ${r.runs} | ${r.target} |`,
    );
  }
  lines.push("", `Peak RSS (MB of 10^6 bytes) measured with ${rssMethod}.`);
  return lines.join("\n");
}

/** What {@link measureRuns} measured. */
export interface Runs {
  samples: Sample[];
  /** Why fewer runs were made than asked for, if they were. */
  note: string;
  /** Wall time of the unmeasured warm-up run, when there was one. */
  warmUpS: number | null;
}

/**
 * Make `runs` measured runs of `run`, after one unmeasured warm-up run when `warmUp` is set. The
 * warm-up brings the scenario's files into the page cache: a tree generated by an earlier bench
 * and since evicted is read from disk once, and every measured run reads it from memory, as a
 * freshly generated tree would be (a cold 50k tree took 32 s where warm runs took 13–18 s). A run
 * that fails (exit code not 0), warm-up included, throws. A first measured run slower than
 * {@link SLOW_S} is not repeated.
 *
 * @example
 * ```ts
 * const { samples, warmUpS } = await measureRuns("1k", 3, true, () =>
 *   Promise.resolve({ wallS: 0.5, rssKb: 90_000, code: 0, stderrTail: "" }));
 * ```
 */
export async function measureRuns(
  label: string,
  runs: number,
  warmUp: boolean,
  run: () => Promise<Sample>,
): Promise<Runs> {
  const checked = async () => {
    const s = await run();
    if (s.code !== 0) {
      throw new Error(`exit code ${s.code}${s.stderrTail ? `: ${s.stderrTail}` : ""}`);
    }
    return s;
  };
  let warmUpS: number | null = null;
  if (warmUp) {
    warmUpS = (await checked()).wallS;
    log(`  ${label} warm-up (not counted): ${warmUpS.toFixed(3)} s`);
  }
  const samples: Sample[] = [];
  let note = "";
  for (let i = 0; i < runs; i++) {
    const s = await checked();
    samples.push(s);
    // Keep the whole bench under 10 minutes: a scenario this slow is measured once.
    if (i === 0 && runs > 1 && s.wallS > SLOW_S) {
      note = `1 run: first took > ${SLOW_S} s`;
      log(`  ${label}: ${s.wallS.toFixed(1)} s, measuring once`);
      break;
    }
    log(
      `  ${label} run ${i + 1}/${runs}: ${s.wallS.toFixed(3)} s, ${
        fmt(s.rssKb && kibToMb(s.rssKb), 0)
      } MB`,
    );
  }
  return { samples, note, warmUpS };
}

/**
 * Measure one scenario: its runs (see {@link measureRuns}; a scenario that reads a tree, one with
 * `outDir`, is warmed up first) and, from the report of the last run, its cells and bytes.
 */
async function runScenario(
  label: string,
  target: string,
  cmd: string,
  args: string[],
  runs: number,
  useTime: boolean,
  outDir: string | null,
): Promise<Row> {
  const { samples, note, warmUpS } = await measureRuns(label, runs, outDir !== null, async () => {
    if (outDir) await Deno.remove(outDir, { recursive: true }).catch(() => {});
    return await measure(cmd, args, useTime);
  });
  const totals = outDir ? await reportTotals(outDir) : null;
  const walls = samples.map((s) => s.wallS);
  const rss = samples.map((s) => s.rssKb).filter((x): x is number => x !== null);
  const median = ladder(walls).p50!;
  return {
    name: label,
    cells: totals?.cells ?? null,
    files: totals?.files ?? null,
    bytesParsed: totals?.bytes ?? null,
    wallS: median,
    wallMinS: Math.min(...walls),
    wallMaxS: Math.max(...walls),
    rssMb: rss.length ? kibToMb(ladder(rss).p50!) : null,
    rssMaxMb: rss.length ? kibToMb(Math.max(...rss)) : null,
    runs: samples.length,
    warmUpS,
    target,
    note: rowNote(note, warmUpS, median),
  };
}

/** A warm-up this many times slower than the median is shown beside the row. */
const SLOW_WARM_UP_RATIO = 1.5;

/**
 * The note beside a row: why it has fewer runs, and the warm-up's time when it was much slower
 * than the measured runs (most often because it read the tree from disk: what a first run on a
 * cold page cache costs; on a sub-second scenario it can also be noise).
 *
 * @example
 * ```ts
 * rowNote("", 32.4, 15.2); // "warm-up 32.4 s, not counted"
 * ```
 */
export function rowNote(runsNote: string, warmUpS: number | null, medianS: number): string {
  const notes = runsNote ? [runsNote] : [];
  if (warmUpS !== null && warmUpS > SLOW_WARM_UP_RATIO * medianS) {
    notes.push(`warm-up ${warmUpS.toFixed(1)} s, not counted`);
  }
  return notes.join("; ");
}

/**
 * A scenario's row, or, when `measure` throws (its data cannot be made, or a run fails), a row
 * that says why: the other scenarios still run and the table still prints.
 *
 * @example
 * ```ts
 * const row = await attempt("fixed-seq 1k cells", "", () => Promise.reject(new Error("exit code 3")));
 * row.error; // "exit code 3"
 * ```
 */
export async function attempt(
  name: string,
  target: string,
  measure: () => Promise<Row>,
): Promise<Row> {
  try {
    return await measure();
  } catch (e) {
    const error = errText(e);
    log(`  ${name}: failed: ${error}`);
    return failedRow(name, target, error);
  }
}

/**
 * The row of a scenario that could not be measured: its name, target and why.
 *
 * @example
 * ```ts
 * failedRow("fixed-seq 1k cells", "", "exit code 3").wallS; // null
 * ```
 */
export function failedRow(name: string, target: string, error: string): Row {
  return {
    name,
    cells: null,
    files: null,
    bytesParsed: null,
    wallS: null,
    wallMinS: null,
    wallMaxS: null,
    rssMb: null,
    rssMaxMb: null,
    runs: 0,
    warmUpS: null,
    target,
    note: "",
    error,
  };
}

const USAGE = `Usage: deno task bench [options]

Options:
  --quick              smaller scenarios, 1 run each
  --runs N             runs per scenario, the median reported (default 3; 1 with --quick)
  --only WORD,...      only the scenarios whose name contains one of the words ("startup" for
                       the --help scenarios)
  --data DIR           where generated trees are cached (default bench/out/data)
  --fresh              regenerate the trees
  --no-time            measure peak RSS by polling /proc, not with /usr/bin/time
  -h, --help           this text

Exit codes: 0 every scenario measured, 1 a scenario failed (its row says why), 2 a usage error.`;

/**
 * The benchmark's command line (see {@link USAGE}); returns the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await main(["--quick"]));
 * ```
 */
async function main(argv: string[]): Promise<number> {
  const parsed = toolArgs(
    argv,
    {
      quick: { type: "boolean" },
      runs: { type: "string" },
      data: { type: "string" },
      only: { type: "string" },
      fresh: { type: "boolean" },
      "no-time": { type: "boolean" },
    },
    USAGE,
    { positionals: false },
  );
  if (!parsed) return 0;
  const { values } = parsed;
  const quick = values.quick ?? false;
  const runs = numberFlag("--runs", values.runs, quick ? 1 : 3, { integer: true });
  const dataRoot = values.data ?? `${REPO}/bench/out/data`;
  const dataStat = await Deno.stat(dataRoot).catch(() => null);
  if (dataStat && !dataStat.isDirectory) {
    throw new UsageError(`--data "${dataRoot}" is not a directory`);
  }
  const only = values.only?.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  const pick = (name: string) => !only || only.some((o) => name.toLowerCase().includes(o));
  const names = ["startup", ...scenarios(quick).map((s) => s.name)];
  if (!names.some(pick)) {
    throw new UsageError(
      `--only "${values.only}" matches no scenario; the scenarios are:\n  ${names.join("\n  ")}`,
    );
  }
  const useTime = !values["no-time"] && (await gnuTime());
  const rssMethod = useTime
    ? "`/usr/bin/time -v` (Maximum resident set size of the child)"
    : `polling \`/proc/<pid>/status\` VmHWM/VmRSS every 20 ms (no figure from fewer than ${MIN_RSS_POLLS} polls)`;

  const hw = await hardware();
  const v8Flags = shippedV8Flags();
  log(`inferguard benchmark — ${hw}`);
  const t0 = performance.now();
  const tmp = await Deno.makeTempDir({ prefix: "ig_bench_" });
  const reference = machineReference(tmp);
  log(`machine reference: ${describeReference(reference)}`);
  let referenceEnd: MachineReference | null = null;
  const deno = Deno.execPath();
  const runArgs = ["run", ...v8Flags, "--allow-read", "--allow-write"];
  const rows: Row[] = [];
  try {
    const bundle = await buildBundle(tmp);
    // Warm the module cache once so the first measured run is not a compile.
    await measure(deno, [...runArgs, MAIN_TS, "--help"], false);

    const startup = async (label: string, cmd: string, args: string[]) => {
      const name = `startup \`--help\` (${label})`;
      rows.push(
        await attempt(
          name,
          "",
          () => runScenario(name, "", cmd, args, Math.max(runs, 5), useTime, null),
        ),
      );
    };
    if (pick("startup")) {
      await startup("deno run main.ts", deno, ["run", ...v8Flags, MAIN_TS, "--help"]);
      if (bundle) {
        await startup("bundle", deno, ["run", ...v8Flags, "--no-config", bundle, "--help"]);
      } else rows.push(failedRow("startup `--help` (bundle)", "", BUNDLE_FAILED));
      const binary = `${REPO}/dist/inferguard`;
      if (await exists(binary)) await startup("compiled binary", binary, ["--help"]);
    }

    for (const s of scenarios(quick)) {
      if (!pick(s.name)) continue;
      if (s.viaBundle && !bundle) {
        rows.push(failedRow(s.name, s.target ?? "", BUNDLE_FAILED));
        continue;
      }
      log(`${s.name}`);
      rows.push(
        await attempt(s.name, s.target ?? "", async () => {
          const dir = await ensureData(dataRoot, s, values.fresh ?? false);
          const out = `${tmp}/report-${s.key}`;
          const entry = s.viaBundle ? ["--no-config", bundle!] : [MAIN_TS];
          const args = [
            ...runArgs,
            ...entry,
            "analyze",
            dir,
            "--output-dir",
            out,
            "--generated-at",
            "2026-01-01T00:00:00Z",
            "--fail-on",
            "never",
            "--quiet",
          ];
          return await runScenario(s.name, s.target ?? "", deno, args, runs, useTime, out);
        }),
      );
    }
    referenceEnd = machineReference(tmp);
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
  const totalS = (performance.now() - t0) / 1000;
  const md = [
    `## inferguard benchmark`,
    "",
    `Hardware: ${hw}`,
    "",
    `Machine reference (without inferguard, median of ${REFERENCE_ROUNDS}, at the start → end of the run): ${
      describeReference(reference, referenceEnd ?? undefined)
    }.`,
    "",
    `Runs per scenario: ${runs} (median reported)${quick ? ", --quick" : ""}. Total ${
      totalS.toFixed(0)
    } s including data generation. V8 flags as shipped: ${v8Flags.join(" ") || "none"}.`,
    "",
    table(rows, rssMethod),
    "",
  ].join("\n");
  console.log(md);
  await Deno.mkdir(`${REPO}/bench/out`, { recursive: true });
  // Only a full run (every scenario, the cached data) writes `results`: a quick or partial one
  // must not replace the table the README's figures come from.
  const full = !quick && values.only === undefined && values.data === undefined;
  const stem = `${REPO}/bench/out/${full ? "results" : "results-partial"}`;
  await Deno.writeTextFile(`${stem}.md`, md);
  await Deno.writeTextFile(
    `${stem}.json`,
    JSON.stringify(
      { hardware: hw, reference, referenceEnd, runs, quick, rssMethod, totalS, rows },
      null,
      2,
    ) +
      "\n",
  );
  const failed = rows.filter((r) => r.error !== undefined).length;
  if (failed > 0) log(`${failed} scenario${failed === 1 ? "" : "s"} failed (see the table)`);
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await runTool(USAGE, main));
