/**
 * The `inferguard analyze` command: arguments, discovery, loading, analysis, atomic writes and the
 * exit-code contract (0/1/2 after writing, 3 for no report).
 * @module
 */
import { isIsoTime } from "../coerce.ts";
import { parseArgs } from "node:util";
import { basename, dirname } from "node:path";
import { analyze, type Report, VERSION } from "../analyze.ts";
import { defaultThresholds, parseThresholds } from "../thresholds.ts";
import { DEFAULT_TIMELINE_GLOB, isParsedKind } from "../sniff.ts";
import type { TimelineInput } from "../timeline.ts";
import {
  type ArtifactRef,
  type Cell,
  type Finding,
  overlongLine,
  type Severity,
  SEVERITY_RANK,
} from "../types.ts";
import { parseTimeline } from "../../parsers/timeline.ts";
import { renderJsonChunks } from "../../render/json.ts";
import { renderMarkdown } from "../../render/markdown.ts";
import { DEFAULT_LIMITS, type LoadLimits, scanAndLoad, scannerUrl } from "./load.ts";
import { parseResultName } from "../names.ts";
import { readOptionFile, textLines } from "./read.ts";
import { sameBytesOf } from "./same_bytes.ts";
import {
  argsMessage,
  oneOf,
  pathArg,
  printStdout,
  UsageError,
  versionLine,
  writeFully,
} from "./cli_args.ts";
import { errText, type WalkIssue } from "./walk.ts";
import {
  commitWrites,
  discardWrites,
  type PendingWrite,
  removePendingWrites,
  writeTemp,
} from "./write.ts";

/** Usage text of `inferguard analyze`. */
export const ANALYZE_USAGE = `Usage: inferguard analyze <results_dir> [OPTIONS]

Read a tree of InferenceX / AgentX / eval results and write report.json and report.md.

Options:
  --output-dir PATH              Where reports go (default: <results_dir>/inferguard_report)
  --format json|md|both          Which reports to write (default: both)
  --fail-on never|warning|critical
                                 Exit non-zero when a finding at or above this severity exists
                                 (default: critical)
  --strict | --best-effort       Strict: a missing or unreadable required artifact is fatal
                                 (exit 3, no report). Default: --best-effort
  --timeline-glob GLOB           Live-overlay timelines, relative to <results_dir>
                                 (default: **/inferguard_timeline.jsonl)
  --baseline PATH                A previous results dir or report.json to compare against
                                 (a dir is read with this run's glob and limits)
  --thresholds PATH              JSON file overriding detector thresholds
  --json                         Also print report.json to stdout
  --generated-at ISO8601         Pin generated_at (default: now, or SOURCE_DATE_EPOCH)
  --max-file-mb N                Largest file read whole: JSON, a --baseline report.json
                                 (default: 256)
  --max-line-mb N                Longest JSONL line (default: 64)
  --quiet                        No summary on stderr
  -h, --help                     This help
  --version                      The version and build

Exit codes: 0 report written, nothing at or above --fail-on; 1 highest finding is a warning and
--fail-on is warning; 2 a critical finding and --fail-on is warning or critical; 3 no report.`;

/** Output channels and environment, injectable for tests. */
export interface AnalyzeIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** An environment variable; `undefined` when unset. Throws when it may not be read. */
  env(name: string): string | undefined;
  now(): Date;
  isTty: boolean;
  /** Whether to install SIGINT/SIGTERM handlers (the real process does; in-process tests do not). */
  handleSignals?: boolean;
}

function defaultIo(): AnalyzeIo {
  const enc = new TextEncoder();
  return {
    stdout: (t) => writeFully(Deno.stdout, enc.encode(t)),
    stderr: (t) => writeFully(Deno.stderr, enc.encode(t)),
    env: (n) => Deno.env.get(n),
    now: () => new Date(),
    isTty: Deno.stderr.isTerminal(),
    handleSignals: true,
  };
}

function megabytes(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) {
    throw new UsageError(
      `Invalid value "${value}" for --${flag}; expected a positive number of MiB`,
    );
  }
  return Math.round(n * 1024 * 1024);
}

/**
 * Largest `SOURCE_DATE_EPOCH` accepted: 9999-12-31T23:59:59Z, the last second `generated_at` can
 * write with a four-digit year (as `--generated-at` takes it).
 */
export const MAX_SOURCE_DATE_EPOCH = 253_402_300_799;

function resolveGeneratedAt(flag: string | undefined, io: AnalyzeIo): string {
  if (flag !== undefined) {
    const t = Date.parse(flag);
    if (!isIsoTime(flag)) {
      throw new UsageError(
        `Invalid value "${flag}" for --generated-at; expected an ISO 8601 time such as 2026-01-01T00:00:00Z`,
      );
    }
    return new Date(t).toISOString().replace(".000Z", "Z");
  }
  let epoch: string | undefined;
  try {
    epoch = io.env("SOURCE_DATE_EPOCH");
  } catch {
    // Without the permission, "not set" and "may not be read" look alike: say which it was, as
    // a report that should have been reproducible is not.
    tell(
      io,
      "inferguard analyze: SOURCE_DATE_EPOCH cannot be read without --allow-env=SOURCE_DATE_EPOCH " +
        "(as `deno task analyze` and the binary grant); generated_at is the current time. Pass " +
        "--generated-at for a reproducible report.\n",
    );
  }
  if (epoch !== undefined && epoch !== "") {
    if (!/^\d+$/.test(epoch) || Number(epoch) > MAX_SOURCE_DATE_EPOCH) {
      throw new UsageError(
        `Invalid SOURCE_DATE_EPOCH "${epoch}"; expected whole seconds since 1970, from 0 to ${MAX_SOURCE_DATE_EPOCH} (9999-12-31T23:59:59Z)`,
      );
    }
    return new Date(Number(epoch) * 1000).toISOString().replace(".000Z", "Z");
  }
  return io.now().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Whether an unreadable JSON file, whose content could not say what it is, is named like a result
 * artifact (an agg, a raw result, an lm-eval or aiperf export, or any name giving a benchmark
 * point's identity). Such a file is required by its result type and fails a strict run; a JSON
 * file named like nothing of the kind (notes, plot data) is required by none.
 */
function namesAnArtifact(path: string): boolean {
  const base = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (/^(agg_|bmk_|power_validation_|power_audit_|results_|profile_export)/.test(base)) return true;
  // SPEC §2's raw results (`*results*.json`) and lm-eval's `results.json`.
  if (/results.*\.json$/.test(base)) return true;
  return Object.keys(parseResultName(path).identity).length > 0;
}

/** Whether `path` is a directory (false when it cannot be looked at). */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

function stripSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, "") : p;
}

/**
 * The absolute path `path` names on this file system: links resolved, `.` and `..` taken as the
 * file system takes them, trailing slashes dropped. The part that does not exist yet (an output
 * dir to be created) is appended to its deepest existing ancestor as written, as creating it
 * would; when nothing can be looked at, the path as given.
 *
 * @example
 * ```ts
 * canonicalPath("results/"); // "/home/me/results" (or where a link named results points)
 * ```
 */
export function canonicalPath(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    const base = basename(path);
    const above = canonicalPath(parent);
    if (base === "" || base === ".") return above;
    if (base === "..") return dirname(above);
    return above === "/" ? `/${base}` : `${above}/${base}`;
  }
}

/**
 * Refuse an output dir that is a symbolic link to a directory of the results tree (the default
 * `inferguard_report -> raw`, or `-> .`): the reports would be written among the input, changing
 * it, and read as input by the next run. A link to a directory elsewhere is fine.
 */
function refuseLinkIntoRoot(outputDir: string, root: string, isDefault: boolean): void {
  let target: string;
  try {
    if (!Deno.lstatSync(outputDir).isSymlink) return;
    target = Deno.realPathSync(outputDir);
  } catch {
    return; // Missing, dangling or unreadable: creating or writing it says what is wrong.
  }
  const realRoot = canonicalPath(root);
  if (target !== realRoot && !target.startsWith(`${realRoot}/`)) return;
  const where = target === realRoot
    ? "the results directory itself"
    : `"${target.slice(realRoot.length + 1)}" in the results directory`;
  throw new UsageError(
    `${
      isDefault ? "The default output dir " : "--output-dir "
    }"${outputDir}" is a symbolic link to ${where}: reports written there would change the input and be read as input by the next run; ${
      isDefault ? "remove the link or give --output-dir" : "give a directory that is no such link"
    }`,
  );
}

/**
 * Write one diagnostic line to stderr. When stderr itself cannot be written (a closed pipe, a full
 * disk) there is nowhere left to say so: the run's outcome is its exit code.
 */
function tell(io: AnalyzeIo, text: string): void {
  try {
    io.stderr(text);
  } catch {
    // Nowhere to report it.
  }
}

/**
 * Print report.json on stdout for `--json`, after the reports are in place. A reader that stops
 * early (`| head`) closes the pipe: that is no error. Any other failure is named on stderr; the
 * exit code stays the findings' either way, since the reports are written.
 */
function printJson(report: Report, io: AnalyzeIo): void {
  printStdout(renderJsonChunks(report), "inferguard analyze", {
    write: io.stdout,
    stderr: (t) => tell(io, t),
    what: "report.json",
    note: " (the reports are written)",
  });
}

/** Load a baseline: a previous `report.json`, or a results directory analyzed the same way. */
async function loadBaseline(
  path: string,
  thresholds: Record<string, Record<string, number>>,
  limits: LoadLimits,
  timelineGlob: string,
): Promise<{ source: string; cells: Cell[] }> {
  if (await isDirectory(path)) {
    // Read as this run's tree is: same limits, same timelines.
    const built = await buildReport(path, {
      outputDir: `${stripSlash(path)}/inferguard_report`,
      timelineGlob,
      thresholds,
      generatedAt: "1970-01-01T00:00:00Z",
      baseline: null,
      limits,
    });
    if (built.report === null) {
      throw new UsageError(
        `No supported artifacts in --baseline directory "${path}"${unreadText(built.walkIssues)}`,
      );
    }
    // Named as the results root is (`run/` and `run` are one directory, one report).
    return { source: stripSlash(path), cells: built.report.cells };
  }
  // A report.json is a JSON document read whole: --max-file-mb bounds it (about 7.2 KB per cell,
  // so the default 256 MiB holds some 37,000 cells).
  const text = await readOptionFile(path, limits.maxJsonBytes);
  if (!text.ok) {
    throw new UsageError(
      `Cannot read --baseline "${path}": ${text.message}${
        /limit/.test(text.message) ? " (raise it with --max-file-mb)" : ""
      }`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text.text);
  } catch (e) {
    throw new UsageError(`Cannot parse --baseline "${path}": ${errText(e)}`);
  }
  const v = value as Partial<Report>;
  const schema = (v as { schema_version?: unknown } | null)?.schema_version;
  if (
    typeof schema === "string" && schema.startsWith("inferguard-analyze/") &&
    schema !== "inferguard-analyze/v1"
  ) {
    throw new UsageError(
      `--baseline "${path}" is an inferguard report of schema "${schema}"; this inferguard reads "inferguard-analyze/v1" reports (or give the results directory it was made from)`,
    );
  }
  if (v?.schema_version !== "inferguard-analyze/v1" || !Array.isArray(v.cells)) {
    throw new UsageError(
      `--baseline "${path}" is neither a results directory nor an inferguard report.json`,
    );
  }
  const bad = v.cells.findIndex((c) => !isCellLike(c));
  if (bad >= 0) {
    throw new UsageError(
      `--baseline "${path}": cells[${bad}] is not an inferguard cell (it needs a string cell_id and a metrics object)`,
    );
  }
  return { source: path, cells: v.cells as Cell[] };
}

/** What matching a baseline cell reads without a guard (the rest may be missing or null). */
function isCellLike(c: unknown): boolean {
  const isObject = (x: unknown) => typeof x === "object" && x !== null && !Array.isArray(x);
  if (!isObject(c)) return false;
  const { cell_id, metrics } = c as { cell_id?: unknown; metrics?: unknown };
  return typeof cell_id === "string" && isObject(metrics);
}

/**
 * Heap in use, in bytes, above which {@link collectFolded} collects: 128 MB. At the point of the
 * collection an analysis holds about 5.3 MB per 1,000 fixed-seq cells (62 MB at 10,000, 265 MB at
 * 50,000), so this is about 25,000 cells. Below it the pause is not worth it: the peak is far from
 * any bound, and a smaller heap is collected by V8 in its own time anyway.
 */
export const COLLECT_FOLDED_ABOVE_BYTES = 128e6;

/**
 * Collect the parsed records once they are folded into cells (the `recordsFolded` hand-over of
 * `analyze`), when the heap is large. On a big tree V8's last full collection comes near the end
 * of the scan, while every record is alive, and its next one only after the heap has grown by
 * about as much again, which an analysis never reaches before it exits: the records would stay in
 * memory next to the report being built, and the peak would hold both. Measured at 50,000 cells
 * (records packed, lib/packed.ts): peak RSS 516–523 MB without this collection, 424–433 MB with
 * it, for a pause of 0.25–0.37 s and no change in wall time beyond the noise.
 *
 * Needs V8's `gc` (`--v8-flags=--expose-gc`, which the tasks and the compiled binary pass);
 * without it, or below {@link COLLECT_FOLDED_ABOVE_BYTES}, it does nothing. Returns whether it
 * collected.
 *
 * @example
 * ```ts
 * collectFolded(); // false unless V8's gc is exposed and the heap holds over 128 MB
 * ```
 */
export function collectFolded(
  gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc,
  heapUsed: () => number = () => Deno.memoryUsage().heapUsed,
): boolean {
  if (typeof gc !== "function" || heapUsed() < COLLECT_FOLDED_ABOVE_BYTES) return false;
  gc();
  return true;
}

interface BuildOptions {
  outputDir: string | null;
  timelineGlob: string;
  thresholds: Record<string, Record<string, number>>;
  generatedAt: string;
  baseline: { source: string; cells: Cell[] } | null;
  inputLabel?: string;
  progress?: (text: string) => void;
  limits?: LoadLimits;
}

/**
 * What {@link buildReport} made: the report, or, for a tree without a supported artifact, none and
 * the entries the walk could not read or follow (which may be where the artifacts are).
 */
type Built = { report: Report } | { report: null; walkIssues: readonly WalkIssue[] };

/**
 * The entries a walk could not read or follow, for the message that no report is written:
 * `; 2 entries could not be read or followed, which may hold them: "a/agg_x.json" (Not a regular
 * file …), …`. Empty without any.
 */
function unreadText(issues: readonly WalkIssue[]): string {
  const problems = issues.filter((w) => w.benign !== true);
  if (problems.length === 0) return "";
  const shown = problems.slice(0, 5).map((w) => `"${w.path}" (${w.message})`).join(", ");
  const more = problems.length > 5 ? `, and ${problems.length - 5} more` : "";
  return `; ${problems.length} ${
    problems.length === 1 ? "entry" : "entries"
  } could not be read or followed, which may hold them: ${shown}${more}`;
}

/** Walk, load and analyze a results tree; no report when it holds no supported artifact. */
async function buildReport(root: string, opts: BuildOptions): Promise<Built> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  // A big tree is walked and read on a second thread while this one parses; see scanAndLoad.
  const { walked, loaded } = await scanAndLoad(root, {
    // Our own reports are never input: neither this run's output dir nor the default one, which
    // may hold an earlier run's reports when this run writes elsewhere.
    excludeDir: [opts.outputDir, `${root}/inferguard_report`].filter((d): d is string =>
      d !== null
    ),
    timelineGlob: opts.timelineGlob,
    limits,
    scannerUrl: scannerUrl(),
  });
  opts.progress?.(`discovered ${walked.artifacts.length} files`);
  // Timelines are streamed, never read whole, so the walk has sized them.
  const timelineRefs = walked.artifacts.filter((a) => a.kind === "timeline")
    .map((a): ArtifactRef => ({ ...a, size: a.size ?? 0 }));
  opts.progress?.(`parsed ${loaded.length} files`);
  const timelines: TimelineInput[] = [];
  for (const ref of timelineRefs) {
    const lines = (async function* () {
      for await (const l of textLines(`${root}/${ref.path}`, limits.maxLineBytes)) {
        yield l ?? overlongLine(limits.maxLineBytes);
      }
    })();
    try {
      const parsed = await parseTimeline(lines);
      timelines.push({ path: ref.path, samples: parsed.samples, bad_lines: parsed.issues.length });
      if (parsed.samples.length === 0 && parsed.issues.length === 0) {
        loaded.push({
          ref,
          result: {
            drafts: [],
            issues: [{ line: null, message: "Timeline holds no samples" }],
            unreadable: true,
          },
        });
      } else if (parsed.issues.length) {
        loaded.push({
          ref,
          result: { drafts: [], issues: parsed.issues, unreadable: parsed.samples.length === 0 },
        });
      } else loaded.push({ ref, result: { drafts: [], issues: [], unreadable: false } });
    } catch (e) {
      loaded.push({
        ref,
        result: { drafts: [], issues: [{ line: null, message: errText(e) }], unreadable: true },
      });
    }
  }
  loaded.sort((a, b) => (a.ref.path < b.ref.path ? -1 : a.ref.path > b.ref.path ? 1 : 0));
  // An uploader summary only adds GPU counts to the cells of other files: alone it supports nothing.
  const supported = loaded.some((l) =>
    l.result !== null && (l.ref.kind !== "json_other" || l.result.unreadable) &&
    isParsedKind(l.ref.kind) && l.ref.kind !== "summary_csv"
  );
  if (!supported) return { report: null, walkIssues: walked.issues };
  // Copies of measurement files (a multi-node run's `LOGS/` results) are counted once.
  const sameBytes = await sameBytesOf(root, loaded);
  const report = analyze({
    inputRoot: opts.inputLabel ?? root,
    generatedAt: opts.generatedAt,
    loaded,
    walkIssues: walked.issues,
    timelines,
    thresholds: opts.thresholds,
    baseline: opts.baseline,
    sameBytes,
    recordsFolded: () => collectFolded(),
  });
  // The walk's `unreadable` and `kind` are carried by the findings' evidence; the manifest's
  // `skipped` entries keep the schema's path, line and message.
  report.artifact_manifest.skipped = walked.issues.map(({ path, line, message }) => ({
    path,
    line,
    message,
  }));
  return { report };
}

function exitCodeFor(findings: readonly { severity: Severity }[], failOn: string): number {
  if (failOn === "never") return 0;
  const worst = findings.reduce((m, f) => Math.max(m, SEVERITY_RANK[f.severity]), -1);
  if (worst >= SEVERITY_RANK.critical) return 2;
  if (worst >= SEVERITY_RANK.warning && failOn === "warning") return 1;
  return 0;
}

/**
 * Run `inferguard analyze` with the arguments after `analyze`; returns the exit code.
 *
 * @example
 * ```ts
 * const code = await runAnalyze(["testdata/sample", "--format", "md"]);
 * ```
 */
export async function runAnalyze(args: string[], io: AnalyzeIo = defaultIo()): Promise<number> {
  const signals = io.handleSignals ? installSignalHandlers(io) : () => {};
  try {
    return await analyzeCommand(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      tell(io, `inferguard analyze: ${e.message}\n`);
      return 3;
    }
    tell(io, `inferguard analyze: internal error: ${errText(e)}\n`);
    return 3;
  } finally {
    signals();
  }
}

/**
 * On SIGINT/SIGTERM: remove half-written temporary files (the previous reports stay intact, since
 * reports are only ever renamed into place), say so on one line, and exit 130/143.
 */
/**
 * Set once every report of this run has been renamed into place, so a signal that arrives between
 * that and the end of the run does not claim that no report was written.
 */
let reportsInPlace = false;

function installSignalHandlers(io: AnalyzeIo): () => void {
  reportsInPlace = false;
  const handlers: [Deno.Signal, () => void][] = (["SIGINT", "SIGTERM"] as const).map((sig) => [
    sig,
    () => {
      removePendingWrites();
      tell(
        io,
        reportsInPlace
          ? `inferguard analyze: interrupted by ${sig} after this run's reports were written\n`
          : `inferguard analyze: interrupted by ${sig}; no report written by this run\n`,
      );
      Deno.exit(sig === "SIGINT" ? 130 : 143);
    },
  ]);
  for (const [sig, h] of handlers) {
    try {
      Deno.addSignalListener(sig, h);
    } catch {
      // Signals are not available on this platform.
    }
  }
  return () => {
    for (const [sig, h] of handlers) {
      try {
        Deno.removeSignalListener(sig, h);
      } catch {
        // Not installed.
      }
    }
  };
}

async function analyzeCommand(args: string[], io: AnalyzeIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        "output-dir": { type: "string" },
        format: { type: "string", default: "both" },
        "fail-on": { type: "string", default: "critical" },
        strict: { type: "boolean", default: false },
        "best-effort": { type: "boolean", default: false },
        "timeline-glob": { type: "string", default: DEFAULT_TIMELINE_GLOB },
        json: { type: "boolean", default: false },
        baseline: { type: "string" },
        thresholds: { type: "string" },
        "generated-at": { type: "string" },
        quiet: { type: "boolean", default: false },
        "max-file-mb": { type: "string" },
        "max-line-mb": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", default: false },
      },
    });
  } catch (e) {
    throw new UsageError(`${argsMessage(e)}\n${ANALYZE_USAGE}`);
  }
  const o = parsed.values;
  if (o.help) {
    // Asked for, help is the output: on stdout (a usage error prints it on stderr).
    printStdout(ANALYZE_USAGE + "\n", "inferguard analyze", {
      write: io.stdout,
      stderr: (t) => tell(io, t),
      what: "the help",
    });
    return 0;
  }
  if (o.version) {
    // As `inferguard --version` prints it: on stdout, the only thing there.
    printStdout(versionLine() + "\n", "inferguard analyze", {
      write: io.stdout,
      stderr: (t) => tell(io, t),
      what: "the version",
    });
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    throw new UsageError(
      parsed.positionals.length === 0
        ? "Missing <results_dir>; see inferguard analyze --help"
        : `Expected one <results_dir>, got ${parsed.positionals.length}: ${
          parsed.positionals.join(" ")
        }`,
    );
  }
  if (o.strict && o["best-effort"]) {
    throw new UsageError("--strict and --best-effort exclude each other");
  }
  const format = oneOf("--format", o.format!, ["json", "md", "both"] as const);
  const failOn = oneOf("--fail-on", o["fail-on"]!, ["never", "warning", "critical"] as const);
  const generatedAt = resolveGeneratedAt(o["generated-at"], io);
  let thresholds = defaultThresholds();
  const paths: [string, string | undefined][] = [
    ["--thresholds", o.thresholds],
    ["--baseline", o.baseline],
    ["--output-dir", o["output-dir"]],
  ];
  for (const [flag, value] of paths) if (value !== undefined) pathArg(flag, value);
  pathArg("<results_dir>", parsed.positionals[0]);
  if (o.thresholds !== undefined) {
    const text = await readOptionFile(o.thresholds, DEFAULT_LIMITS.maxTextBytes);
    if (!text.ok) {
      throw new UsageError(`Cannot read --thresholds "${o.thresholds}": ${text.message}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text.text);
    } catch (e) {
      throw new UsageError(`Cannot parse --thresholds "${o.thresholds}": ${errText(e)}`);
    }
    const t = parseThresholds(value);
    if (!t.ok) throw new UsageError(`--thresholds "${o.thresholds}": ${t.message}`);
    thresholds = t.thresholds;
  }
  const root = stripSlash(parsed.positionals[0]);
  if (!(await isDirectory(root))) {
    throw new UsageError(`Results directory "${root}" does not exist or is not a directory`);
  }
  const limits = {
    ...DEFAULT_LIMITS,
    maxJsonBytes: megabytes("max-file-mb", o["max-file-mb"], DEFAULT_LIMITS.maxJsonBytes),
    maxLineBytes: megabytes("max-line-mb", o["max-line-mb"], DEFAULT_LIMITS.maxLineBytes),
  };
  const outputDir = stripSlash(o["output-dir"] ?? `${root}/inferguard_report`);
  // Reports written into the results root itself would be read as input by the next run, and
  // the root cannot be left out of its own walk: refused, however it is spelled.
  if (o["output-dir"] !== undefined && canonicalPath(outputDir) === canonicalPath(root)) {
    throw new UsageError(
      `--output-dir "${
        o["output-dir"]
      }" is the results directory itself: the next run would read this run's reports as input; give a directory inside it or elsewhere`,
    );
  }
  refuseLinkIntoRoot(outputDir, root, o["output-dir"] === undefined);
  const timelineGlob = o["timeline-glob"]!;
  const baseline = o.baseline !== undefined
    ? await loadBaseline(o.baseline, thresholds, limits, timelineGlob)
    : null;
  const progress = io.isTty && !o.quiet ? (t: string) => tell(io, `inferguard: ${t}\n`) : undefined;

  const built = await buildReport(root, {
    outputDir,
    timelineGlob,
    thresholds,
    generatedAt,
    baseline,
    progress,
    limits,
  });
  if (built.report === null) {
    tell(
      io,
      `inferguard analyze: no supported benchmark artifacts found under "${root}"${
        unreadText(built.walkIssues)
      }\n`,
    );
    return 3;
  }
  const report = built.report;
  if (o.strict) {
    // A timeline is required only where a manifest expects one (an overlay that has not
    // written its first sample yet leaves an empty file).
    const required = (f: Finding) =>
      f.evidence.kind === "timeline"
        ? report.run_summary.timeline_expected
        : f.evidence.kind !== "json_other" || namesAnArtifact(String(f.evidence.path));
    const fatal = report.findings.filter((f) =>
      (f.code === "missing_required_artifact") ||
      (f.code === "artifact_unreadable" && f.evidence.unreadable === true && required(f)) ||
      // A live timeline a manifest expects, and no timeline file at all.
      (f.code === "metrics_unavailable" && f.evidence.section === "live timeline")
    );
    if (fatal.length) {
      tell(
        io,
        `inferguard analyze: strict mode: ${fatal.length} missing or unreadable required artifact(s); first: ${
          fatal[0].message
        }\n`,
      );
      return 3;
    }
  }

  const written: string[] = [];
  // What the fold, the detectors and the report's assembly left behind is still on the heap
  // (about 45 MB at 50,000 cells); rendering report.md next to it set the peak (461–463 MiB
  // against 414–418 MiB with this collection, at 50,000 cells). Same rule as for the records.
  collectFolded();
  // Both reports are written under temporary names first and renamed into place together, so a
  // signal or a failed write never leaves a new report.md beside an old report.json.
  const temps: PendingWrite[] = [];
  try {
    if (format !== "json") {
      const md = await writeTemp(outputDir, "report.md", renderMarkdown(report));
      temps.push(md);
      report.artifact_manifest.written.push(md.written);
      written.push(`${outputDir}/report.md`);
    }
    if (format !== "md") {
      report.artifact_manifest.written.push({ path: "report.json", size: null, sha256: null });
      // Streamed, never held whole, and not hashed: the report cannot carry its own hash.
      temps.push(
        await writeTemp(outputDir, "report.json", renderJsonChunks(report), { sha256: false }),
      );
      written.unshift(`${outputDir}/report.json`);
    }
    commitWrites(temps);
  } catch (e) {
    discardWrites(temps);
    tell(io, `inferguard analyze: cannot write reports to "${outputDir}": ${errText(e)}\n`);
    return 3;
  }
  reportsInPlace = true;
  // From here on the reports are in place: what stdout and stderr do no longer changes the
  // outcome, which is the findings' exit code.
  if (o.json) printJson(report, io);
  const code = exitCodeFor(report.findings, failOn);
  if (!o.quiet) {
    const s = report.run_summary;
    tell(
      io,
      `inferguard ${VERSION}: ${s.cells_total} cells, ${s.findings_by_severity.critical} critical / ${s.findings_by_severity.warning} warning / ${s.findings_by_severity.info} info findings\n` +
        written.map((w) => `wrote ${w}\n`).join("") +
        `exit ${code} (--fail-on ${failOn})\n`,
    );
  }
  return code;
}
