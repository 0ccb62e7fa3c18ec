/**
 * Where the time of one `analyze` goes: runs the pipeline's phases in-process (walk, load,
 * analyze, render JSON, render Markdown, encode) and prints the wall time of each, plus two
 * experiments (the walk and the loads on this thread alone) and two floors, the least an
 * analyzer running on Deno must do with the tree ({@link scanFloor}, and one native stringify of
 * the report). It imports the pipeline's modules and does not change them; the figures are
 * diagnostics, not the benchmark (that is `bench/run.ts`, which runs the real CLI).
 *
 * @example
 * ```sh
 * deno run --v8-flags=--max-semi-space-size=4,--expose-gc --allow-read --allow-write bench/phases.ts bench/out/data/fs-10000
 * ```
 * @module
 */
import { absolutePath, DEFAULT_LIMITS, loadAll, scanAndLoad, scannerUrl } from "../lib/io/load.ts";
import { walkResults } from "../lib/io/walk.ts";
import { sameBytesOf } from "../lib/io/same_bytes.ts";
import { writeAtomic } from "../lib/io/write.ts";
import { analyze } from "../lib/analyze.ts";
import { collectFolded, isDirectory } from "../lib/io/analyze_main.ts";
import { defaultThresholds } from "../lib/thresholds.ts";
import { renderJsonChunks } from "../render/json.ts";
import { renderMarkdown } from "../render/markdown.ts";
import { UsageError } from "../lib/io/cli_args.ts";
import { runTool, toolArgs } from "./cli.ts";

async function timed<T>(label: string, f: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  const v = await f();
  const mem = Deno.memoryUsage();
  const mb = (n: number) => (n / 1e6).toFixed(0);
  console.log(
    `| ${label} | ${(performance.now() - t0).toFixed(0)} | ${mb(mem.rss)} | ${
      mb(mem.heapTotal)
    } | ${mb(mem.heapUsed)} |`,
  );
  return v;
}

/** What {@link scanFloor} went through. */
export interface FloorCount {
  dirs: number;
  files: number;
  bytes: number;
}

/**
 * The floor of a scan: list every directory under `root` (breadth first, links not followed)
 * and read, decode and `JSON.parse` every file named `*.json`, keeping nothing. No kinds, no
 * parsers, no records, no second thread: whatever the pipeline does costs at least this, spread
 * over the cores it uses. Entries that cannot be listed, read or parsed are skipped.
 *
 * @example
 * ```ts
 * const { dirs, files, bytes } = scanFloor("bench/out/data/fs-1000");
 * ```
 */
export function scanFloor(root: string): FloorCount {
  const count: FloorCount = { dirs: 0, files: 0, bytes: 0 };
  const decoder = new TextDecoder();
  const dirs = [root];
  for (let i = 0; i < dirs.length; i++) {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dirs[i])];
    } catch {
      continue;
    }
    count.dirs++;
    for (const e of entries) {
      const path = `${dirs[i]}/${e.name}`;
      if (e.isDirectory) dirs.push(path);
      else if (e.isFile && e.name.endsWith(".json")) {
        try {
          const bytes = Deno.readFileSync(path);
          JSON.parse(decoder.decode(bytes));
          count.files++;
          count.bytes += bytes.length;
        } catch {
          // Skipped: the floor counts only what parses.
        }
      }
    }
  }
  return count;
}

const USAGE = `Usage: deno run --allow-read --allow-write bench/phases.ts <results_dir>

Runs analyze's phases on <results_dir> in this process and prints the time of each, then two
floors without inferguard's code. Add --v8-flags=--max-semi-space-size=4,--expose-gc (the flags
the CLI ships with) to measure the program as shipped.

Exit codes: 0 measured, 1 a failure while measuring (named), 2 a usage error.`;

/**
 * The command line (see {@link USAGE}); returns the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await main(["bench/out/data/fs-10000"]));
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const parsed = toolArgs(args, {}, USAGE);
  if (!parsed) return 0;
  const [root, ...extra] = parsed.positionals;
  if (root === undefined) throw new UsageError("Which results? (missing <results_dir>)");
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`);
  if (!(await isDirectory(root))) {
    throw new UsageError(`Results directory "${root}" does not exist or is not a directory`);
  }
  const out = await Deno.makeTempDir({ prefix: "inferguard_phases_" });
  try {
    await phases(root, out);
  } finally {
    await Deno.remove(out, { recursive: true }).catch(() => {});
  }
  return 0;
}

/** Time each phase of analyze on `root`, writing the reports into `out`, then the floors. */
async function phases(root: string, out: string): Promise<void> {
  console.log(
    `Phases of analyze on ${root}\n\n| Phase | ms | RSS after, MB | V8 heap after, MB | heap used after, MB |\n|---|---:|---:|---:|---:|`,
  );
  const scanned = await timed(
    "walk + read + parse (scanAndLoad, as the CLI does it)",
    () =>
      scanAndLoad(root, {
        excludeDir: [],
        timelineGlob: "**/inferguard_timeline.jsonl",
        scannerUrl: scannerUrl(),
      }),
  );
  console.log(`| (on the scanner thread: ${scanned.threaded}) | | | | |`);
  const loaded = scanned.loaded;
  loaded.sort((a, b) => (a.ref.path < b.ref.path ? -1 : a.ref.path > b.ref.path ? 1 : 0));
  const sameBytes = await timed(
    "find byte-identical measurement files (sameBytesOf)",
    () => sameBytesOf(root, loaded),
  );
  const report = await timed("analyze (fold, curves, rules, findings)", () =>
    analyze({
      inputRoot: root,
      generatedAt: "2026-01-01T00:00:00Z",
      loaded,
      walkIssues: scanned.walked.issues,
      timelines: [],
      thresholds: defaultThresholds(),
      baseline: null,
      sameBytes,
      // As the CLI does: the records are collected once folded, on a big tree with V8's gc.
      recordsFolded: () => collectFolded(),
    }));
  const md = await timed("renderMarkdown", () => renderMarkdown(report));
  await timed(
    "write report.md (encode, hash, write, fsync)",
    () => writeAtomic(out, "report.md", md),
  );
  const json = await timed(
    "render + write report.json (streamed)",
    () => writeAtomic(out, "report.json", renderJsonChunks(report), { sha256: false }),
  );
  console.log(
    `\n${report.cells.length} cells, ${report.findings.length} findings, report.json ${
      (json.size / 1e6).toFixed(1)
    } MB, report.md ${(md.length / 1e6).toFixed(1)} MB`,
  );
  // Experiments: the same walk and load on this thread only, for comparison.
  const walked = await timed(
    "experiment: walk on this thread (walkResults, every file stat'ed)",
    () => walkResults(root, { isTimeline: () => false }),
  );
  await timed(
    `experiment: read + parse ${walked.artifacts.length} files on this thread (loadAll)`,
    () => loadAll(root, walked.artifacts, DEFAULT_LIMITS),
  );
  // Floors: the least an analyzer running on Deno must do with this tree; none of inferguard's
  // code is in them.
  const floor = await timed(
    "floor: list every directory, read + decode + JSON.parse every .json file, nothing else",
    () => scanFloor(absolutePath(root)),
  );
  console.log(
    `| (floor: ${floor.dirs} directories, ${floor.files} JSON files, ${
      (floor.bytes / 1e6).toFixed(1)
    } MB) | | | | |`,
  );
  await timed(
    "floor: JSON.stringify(report, null, 2), not written",
    () => void JSON.stringify(report, null, 2).length,
  );
}

if (import.meta.main) Deno.exit(await runTool(USAGE, main));
