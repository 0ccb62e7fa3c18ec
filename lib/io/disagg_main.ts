/**
 * The `disagg status` shell: flags, the scrape/sample loop, output, timeline appends, signals and
 * the exit code. All network, clock, file and console access of the live overlay lives here.
 * @module
 */
import {
  argsMessage,
  MAX_TIMER_SECONDS,
  numberFlag,
  oneOf,
  pathArg,
  printStdout,
  UsageError,
} from "./cli_args.ts";
import { parseArgs } from "node:util";
import { type Finding, SEVERITY_RANK } from "../types.ts";
import {
  type EngineOverride,
  type Identification,
  identifyFromProbes,
  identifyPage,
  type Probes,
} from "../../live/identify.ts";
import { parsePrometheusText } from "../../live/prometheus_text.ts";
import { runLiveRules } from "../../live/rules/mod.ts";
import { buildSnapshot, type EndpointSnapshot } from "../../live/snapshot.ts";
import {
  computeEndpointSample,
  computeTransfer,
  type EndpointSample,
  failedEndpointSample,
  type PairSample,
  type ScrapeStatus,
  windowsDiffer,
} from "../../live/window.ts";
import {
  type FetchOptions,
  type MetricsScrape,
  type MetricsTarget,
  probeEndpoint,
  resolveMetricsTarget,
  scrapeMetrics,
} from "./http.ts";

/** Schema version of one status record. */
export const DISAGG_STATUS_SCHEMA = "disagg-status/v1";
/** Schema version of one timeline line. */
export const TIMELINE_SCHEMA = "inferguard-timeline/v1";

const ENGINES = ["auto", "vllm", "sglang", "dynamo", "trtllm"] as const;
const FAIL_ON = ["never", "warning", "critical"] as const;

const USAGE = `Usage: inferguard disagg status --prefill URL --decode URL [OPTIONS]

Scrape the Prometheus metrics of a prefill/decode disaggregated deployment and report findings.

Options:
  --prefill URL, --decode URL   Base URL (http://host:port) or an explicit metrics URL (required)
  --engine auto|vllm|sglang|dynamo|trtllm   Force the engine adapter (default auto)
  --json                        Print one disagg-status/v1 JSON object per sample
  --window SECONDS              Gap between the two scrapes of a sample (default 5; 0 = gauges only)
  --timeout SECONDS             Per-request timeout (default 5)
  --watch                       Keep sampling until interrupted
  --interval SECONDS            Time between samples in watch mode (default 15)
  --count N                     Stop after N samples (implies --watch)
  --duration SECONDS            Stop after this long (implies --watch)
  --timeline PATH               Append one inferguard-timeline/v1 line per sample
  --fail-on never|warning|critical   Exit non-zero from the worst finding (default critical)
  -h, --help                    Show this help

Exit codes: 0 no finding at or above --fail-on, 1 warning, 2 critical, 3 bad usage.`;

/** Parsed and validated flags. */
export interface DisaggOptions {
  prefill: MetricsTarget;
  decode: MetricsTarget;
  engine: EngineOverride;
  json: boolean;
  windowS: number;
  timeoutS: number;
  watch: boolean;
  intervalS: number;
  count: number | null;
  durationS: number | null;
  timeline: string | null;
  failOn: typeof FAIL_ON[number];
}

/** Parse `disagg` arguments (after the word `disagg`); throws a usage error with the flag named. */
export function parseDisaggArgs(args: string[]): DisaggOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        prefill: { type: "string" },
        decode: { type: "string" },
        engine: { type: "string" },
        json: { type: "boolean" },
        window: { type: "string" },
        timeout: { type: "string" },
        watch: { type: "boolean" },
        interval: { type: "string" },
        count: { type: "string" },
        duration: { type: "string" },
        timeline: { type: "string" },
        "fail-on": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError(argsMessage(err).replace(/\.$/, ""));
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length === 0) {
    throw new UsageError('Missing subcommand: expected "disagg status"');
  }
  if (positionals[0] !== "status") {
    throw new UsageError(`Unknown disagg subcommand "${positionals[0]}" (allowed: status)`);
  }
  if (positionals.length > 1) throw new UsageError(`Unexpected argument "${positionals[1]}"`);
  const target = (flag: string, raw: string | undefined): MetricsTarget => {
    if (raw === undefined) throw new UsageError(`Missing required flag ${flag} URL`);
    const t = resolveMetricsTarget(raw);
    if (!t) {
      throw new UsageError(
        `Invalid value for ${flag}: "${hideUserInfo(raw)}" (expected an http:// or https:// URL)`,
      );
    }
    return t;
  };
  const prefill = target("--prefill", values.prefill);
  const decode = target("--decode", values.decode);
  const engine: EngineOverride = oneOf("--engine", values.engine ?? "auto", ENGINES);
  const failOn = oneOf("--fail-on", values["fail-on"] ?? "critical", FAIL_ON);
  const count = numberFlag("--count", values.count, null, { integer: true });
  const durationS = numberFlag("--duration", values.duration, null, { unit: "seconds" });
  if (values.timeline !== undefined && values.timeline.trim() === "") {
    throw new UsageError("Invalid value for --timeline: expected a file path");
  }
  return {
    prefill,
    decode,
    engine,
    json: values.json ?? false,
    windowS: numberFlag("--window", values.window, 5, {
      allowMin: true,
      max: MAX_TIMER_SECONDS,
      unit: "seconds",
    }),
    timeoutS: numberFlag("--timeout", values.timeout, 5, {
      max: MAX_TIMER_SECONDS,
      unit: "seconds",
    }),
    watch: (values.watch ?? false) || count !== null || durationS !== null,
    intervalS: numberFlag("--interval", values.interval, 15, {
      max: MAX_TIMER_SECONDS,
      unit: "seconds",
    }),
    count,
    durationS,
    timeline: values.timeline === undefined ? null : pathArg("--timeline", values.timeline),
    failOn,
  };
}

/** Optional hooks for embedding and tests. */
export interface RunDisaggHooks {
  /**
   * Receives each stdout line; `false` when stdout is gone (its reader stopped, or it cannot be
   * written), which ends a `--watch` after the sample in hand is recorded. The default writes to
   * the process's stdout (see {@link printStdout}).
   */
  stdout?: (line: string) => boolean | void;
  /** Receives each stderr line (default `console.error`). */
  stderr?: (line: string) => void;
  /** Aborting it stops the watch loop like SIGINT does. */
  signal?: AbortSignal;
  /**
   * Called once before any endpoint is scraped: after the arguments are parsed and `--timeline` is
   * opened, so that its last byte can still be read (see {@link mayEndCutShort}), or before a
   * usage message. The CLI gives up there the permissions `disagg` does not need (main.ts).
   */
  dropPermissions?: () => void;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

/**
 * `text` with the user info of every URL in it (`http://user:password@host`) replaced by `***`:
 * credentials reach the endpoint, never the table, the JSON or the timeline.
 *
 * @example
 * ```ts
 * redactUrls("http://u:pw@10.0.0.1:8000/metrics"); // "http://***@10.0.0.1:8000/metrics"
 * ```
 */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@?#]+@/gi, "$1***@");
}

/**
 * A value that failed to parse as a URL, with anything up to its last `@` hidden: it may hold
 * credentials in a form {@link redactUrls} does not see (`user:pw@host`, `http://u:p@ss@h`).
 */
function hideUserInfo(raw: string): string {
  const at = raw.lastIndexOf("@");
  if (at < 0) return raw;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(raw)?.[0] ?? "";
  return `${scheme}***${raw.slice(at)}`;
}

function toStatus(scrape: MetricsScrape): ScrapeStatus {
  const s = rawStatus(scrape);
  return {
    ...s,
    url: redactUrls(s.url),
    message: s.message === null ? null : redactUrls(s.message),
  };
}

function rawStatus(scrape: MetricsScrape): ScrapeStatus {
  const o = scrape.outcome;
  if (o.kind === "ok") {
    if (scrape.jsonAtMetrics && !scrape.fallbackUsed) {
      return {
        ok: false,
        outcome: "json_body",
        url: scrape.target.metrics,
        http_status: o.status,
        message: "JSON body at the metrics path; /prometheus/metrics had no Prometheus text",
      };
    }
    const notes = [
      scrape.fallbackUsed
        ? "JSON at /metrics; Prometheus text read from /prometheus/metrics"
        : null,
      o.replacedInvalidUtf8 ? "invalid UTF-8 replaced with U+FFFD" : null,
    ].filter((x) => x !== null);
    return {
      ok: true,
      outcome: "ok",
      url: o.url,
      http_status: o.status,
      message: notes.length ? notes.join("; ") : null,
    };
  }
  const url = o.url;
  switch (o.kind) {
    case "http_status":
      return { ok: false, outcome: o.kind, url, http_status: o.status, message: null };
    case "empty_body":
      return { ok: false, outcome: o.kind, url, http_status: o.status, message: "empty body" };
    case "timeout":
      return {
        ok: false,
        outcome: o.kind,
        url,
        http_status: null,
        message: `no complete answer within ${o.timeoutMs / 1000} s`,
      };
    case "body_too_large":
      return {
        ok: false,
        outcome: o.kind,
        url,
        http_status: null,
        message: `body exceeded ${o.limitBytes} bytes; cut off`,
      };
    case "too_many_redirects":
      return {
        ok: false,
        outcome: o.kind,
        url,
        http_status: null,
        message: `more than ${o.maxRedirects} redirects`,
      };
    case "redirect_refused":
      return {
        ok: false,
        outcome: o.kind,
        url,
        http_status: null,
        message: `${o.message}: ${o.location}`,
      };
    default:
      return { ok: false, outcome: o.kind, url, http_status: null, message: o.message };
  }
}

interface Side {
  name: "prefill" | "decode";
  target: MetricsTarget;
  probes: Probes | null;
}

interface Reading {
  status: ScrapeStatus;
  snapshot: EndpointSnapshot | null;
  /** Who answered: from the page, or from the probes when the scrape gave no page. */
  identity: Identification | null;
  at: number;
}

/** One side's scrape (and first-time probes), not yet parsed. */
interface Fetched {
  side: Side;
  scrape: MetricsScrape;
  status: ScrapeStatus;
  at: number;
}

async function fetchSide(side: Side, fetchOpts: FetchOptions): Promise<Fetched> {
  const scrape = await scrapeMetrics(side.target, fetchOpts);
  const at = performance.now();
  const status = toStatus(scrape);
  const reachable = status.ok || status.outcome === "http_status" && status.http_status === 404 ||
    status.outcome === "json_body";
  if (side.probes === null && reachable) {
    side.probes = await probeEndpoint(side.target.base, fetchOpts);
  }
  return { side, scrape, status, at };
}

/** Whether any probe answered (a 404 server may still say who it is). */
function probesAnswered(p: Probes | null): p is Probes {
  return p !== null &&
    (p.modelsOwnedBy !== null || p.modelId !== null || p.version !== null || p.serverInfo !== null);
}

function parseSide({ side, scrape, status, at }: Fetched, opts: DisaggOptions): Reading {
  if (!status.ok || scrape.outcome.kind !== "ok") {
    // The server answered HTTP (404, JSON body, error status): what its probes said about engine
    // and role still holds. Without an answer this time, old probes are not repeated as news.
    const answered = status.http_status !== null && probesAnswered(side.probes);
    const identity = answered ? identifyFromProbes(side.probes, { engine: opts.engine }) : null;
    return { status, snapshot: null, identity, at };
  }
  const page = parsePrometheusText(scrape.outcome.body);
  const identity = identifyPage(page, { probes: side.probes, engine: opts.engine });
  return { status, snapshot: buildSnapshot(page, identity), identity, at };
}

/**
 * Both sides' readings. Both scrapes finish before either page is parsed: parsing a big page
 * holds the thread for a second or more, and the other side's request, still in flight, would
 * then run out of its time through no fault of its endpoint.
 */
async function readBoth(
  sides: [Side, Side],
  opts: DisaggOptions,
  fetchOpts: FetchOptions,
): Promise<[Reading, Reading]> {
  const [a, b] = await Promise.all([
    fetchSide(sides[0], fetchOpts),
    fetchSide(sides[1], fetchOpts),
  ]);
  return [parseSide(a, opts), parseSide(b, opts)];
}

function endpointSample(a: Reading | null, b: Reading, scrapedAt: string): EndpointSample {
  if (!b.snapshot) {
    // A first scrape that read a page knows the endpoint better than the probes alone.
    const identity = a?.snapshot?.identity ?? b.identity;
    return failedEndpointSample(b.status, { scrapedAt, identity });
  }
  if (a === null) {
    return computeEndpointSample(null, b.snapshot, { windowS: 0, scrape: b.status, scrapedAt });
  }
  if (!a.snapshot) {
    return computeEndpointSample(null, b.snapshot, {
      windowS: 0,
      scrape: b.status,
      scrapedAt,
      singleReason: `first scrape failed (${a.status.outcome})`,
    });
  }
  const dt = Math.max((b.at - a.at) / 1000, 1e-3);
  return computeEndpointSample(a.snapshot, b.snapshot, {
    windowS: round(dt, 3),
    scrape: b.status,
    scrapedAt,
    // `at` is on the monotonic clock; a process start time is on the wall clock.
    firstScrapeS: (Date.now() - (performance.now() - a.at)) / 1000,
  });
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

async function takeSample(
  sides: [Side, Side],
  opts: DisaggOptions,
  stop: AbortSignal,
): Promise<PairSample> {
  const fetchOpts: FetchOptions = { timeoutMs: opts.timeoutS * 1000 };
  let first: [Reading, Reading] | null = null;
  if (opts.windowS > 0) {
    first = await readBoth(sides, opts, fetchOpts);
    await sleep(opts.windowS * 1000, stop);
  }
  const second = await readBoth(sides, opts, fetchOpts);
  const observedAt = new Date().toISOString();
  // The sample's stated window is prefill's gap; each side's numbers (rates, transfers, failures)
  // use that side's own gap, measured in endpointSample.
  const windowS = first ? round((second[0].at - first[0].at) / 1000, 3) : 0;
  const prefill = endpointSample(first?.[0] ?? null, second[0], observedAt);
  const decode = endpointSample(first?.[1] ?? null, second[1], observedAt);
  return {
    observed_at: observedAt,
    window_s: windowS,
    prefill,
    decode,
    transfer: computeTransfer(prefill, decode),
  };
}

/** The `disagg-status/v1` record of one sample. */
export function statusRecord(sample: PairSample, findings: Finding[]): Record<string, unknown> {
  return {
    schema_version: DISAGG_STATUS_SCHEMA,
    observed_at: sample.observed_at,
    window_s: sample.window_s,
    prefill: sample.prefill,
    decode: sample.decode,
    transfer: sample.transfer,
    findings,
  };
}

/** The `inferguard-timeline/v1` wrapper line of one sample. */
export function timelineRecord(
  sample: PairSample,
  options: { sequence: number; findings: Finding[] },
): Record<string, unknown> {
  const worst = worstSeverity(options.findings);
  return {
    schema_version: TIMELINE_SCHEMA,
    observed_at: sample.observed_at,
    sequence: options.sequence,
    status: worst === null ? "ok" : worst,
    proof_level: "live",
    capabilities: { diagnosis: "on", actuation: "off", replay: "off", recall: "off", llm: "off" },
    disagg_status: statusRecord(sample, options.findings),
  };
}

function worstSeverity(findings: Finding[]): Finding["severity"] | null {
  let worst: Finding["severity"] | null = null;
  for (const f of findings) {
    if (worst === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]) worst = f.severity;
  }
  return worst;
}

function fmt(x: number | null | undefined, digits = 2): string {
  // Non-finite numbers never reach a sample (they are `null` with a reason); never print `NaN`.
  if (x === null || x === undefined || !Number.isFinite(x)) return "-";
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

/** A number with at most six significant digits and no trailing zeros (`300`, `0.01`, `2.5`). */
function short(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** A bucket bound in seconds, in the unit the table reads best: `300ms`, `1.9ms`, `30s`. */
function boundText(seconds: number): string {
  return seconds >= 1 ? `${short(seconds)}s` : `${short(seconds * 1000)}ms`;
}

/**
 * A windowed latency quantile for the table: a number in milliseconds (`156.3ms`), or a bound
 * that carries its unit too (`> 30s`, `<= 300ms`; the JSON keeps `"> 30"`, `"<= 0.3"`, seconds).
 */
function quant(x: number | string | null | undefined): string {
  if (typeof x === "number") return Number.isFinite(x) ? `${(x * 1000).toFixed(1)}ms` : "-";
  if (x === null || x === undefined) return "-";
  const m = /^(>|<=) (\S+)$/.exec(x);
  const bound = m ? Number(m[2]) : NaN;
  return m && Number.isFinite(bound) ? `${m[1]} ${boundText(bound)}` : x;
}

/** A side's own window for the table: `4.98 s`, or `none` without two scrapes. */
function sideWindow(windowS: number): string {
  return windowS > 0 ? `${windowS} s` : "none";
}

/** Compact human-readable table of one sample. */
export function renderTable(sample: PairSample, findings: Finding[]): string {
  const rows = [[
    "side",
    "engine",
    "role",
    "run/wait",
    "xfer-wait",
    "kv",
    "prompt/s",
    "gen/s",
    "req/s",
    "ttft p90",
  ]];
  for (const [name, ep] of [["prefill", sample.prefill], ["decode", sample.decode]] as const) {
    const named = ep.engine ? `${ep.wrapper ? `${ep.wrapper}/` : ""}${ep.engine}` : null;
    // A failed scrape keeps its outcome in view even when the probes named the engine.
    const engine = ep.scrape.ok
      ? (named ?? ep.kind ?? "unknown")
      : named
      ? `${named} (${ep.scrape.outcome})`
      : ep.scrape.outcome;
    rows.push([
      name,
      engine,
      ep.role,
      `${fmt(ep.gauges.running)}/${fmt(ep.gauges.waiting)}`,
      fmt(ep.gauges.waiting_on_transfer),
      fmt(ep.gauges.kv_usage),
      fmt(ep.rates?.prompt_tokens, 1),
      fmt(ep.rates?.generation_tokens, 1),
      fmt(ep.rates?.requests_completed, 2),
      ep.latency?.ttft?.status === "insufficient_samples"
        ? `n=${ep.latency.ttft.count}`
        : quant(ep.latency?.ttft?.p90),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  // The stated window is prefill's gap; when a side's own gap (which its rates use) differs, both
  // are shown.
  const own = (ep: EndpointSample) =>
    ep.window_s > 0 && windowsDiffer(ep.window_s, sample.window_s);
  const perSide = own(sample.prefill) || own(sample.decode)
    ? ` (prefill ${sideWindow(sample.prefill.window_s)}, decode ${
      sideWindow(sample.decode.window_s)
    })`
    : "";
  const lines = [
    `inferguard disagg status  ${sample.observed_at}  ${
      sample.window_s > 0 ? `window ${sample.window_s} s${perSide}` : "single scrape (gauges only)"
    }`,
    ...rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()),
  ];
  const t = sample.transfer;
  const f = t.failures;
  // A total over one side says so: "failures 3 (decode unknown)". Both servers count one failed
  // request, so with failures on both sides the larger count is shown, and each side beside it.
  const unknown = f.total !== null && f.unknown_sides.length === 1
    ? ` (${f.unknown_sides[0]} unknown)`
    : "";
  const bothSides = (f.prefill ?? 0) > 0 && (f.decode ?? 0) > 0;
  const failures = f.total === null ? null : Math.max(f.prefill ?? 0, f.decode ?? 0);
  // Transfer rates are over the transfer side's own gap: named when it is not the stated one.
  const xferSide = t.transfers_side === null ? null : sample[t.transfers_side];
  const over = xferSide !== null && t.bytes_per_s !== null &&
      windowsDiffer(xferSide.window_s, sample.window_s)
    ? ` over ${t.transfers_side}'s ${xferSide.window_s} s`
    : "";
  lines.push(
    `transfer: ${t.transfers === null ? "not exported" : `${t.transfers} transfers`}, ` +
      `${t.bytes_per_s === null ? "-" : `${fmt(t.bytes_per_s / 1e6)} MB/s${over}`}, failures ${
        fmt(failures)
      }${unknown}${bothSides ? ` (prefill ${f.prefill}, decode ${f.decode})` : ""}`,
  );
  if (findings.length === 0) lines.push("findings: none");
  else {
    lines.push("findings:");
    for (const f of findings) {
      lines.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.code}: ${f.message}`);
    }
  }
  return lines.join("\n");
}

async function writeLine(file: Deno.FsFile, line: string): Promise<void> {
  const bytes = new TextEncoder().encode(line);
  let off = 0;
  while (off < bytes.length) off += await file.write(bytes.subarray(off));
}

/** The timeline being appended to. */
interface Timeline {
  path: string;
  file: Deno.FsFile;
  /** Start the next line with a newline: the file may end in a line cut short. */
  newlineFirst: boolean;
}

/**
 * Open `--timeline` for appending. A timeline whose last line was cut short (the previous run
 * killed mid-write, a full disk) would glue this run's first sample onto that line and lose it,
 * so the first line written then starts with a newline: the partial line stays one bad line and
 * every new sample is readable.
 */
async function openTimeline(path: string): Promise<Timeline> {
  const file = await Deno.open(path, { append: true, create: true });
  try {
    return { path, file, newlineFirst: await mayEndCutShort(file, path) };
  } catch (e) {
    file.close();
    throw e;
  }
}

/**
 * Whether an open timeline may end without a newline. A FIFO (it cannot seek) or an empty file
 * never does. The CLI opens the timeline before it gives up read permission (`dropPermissions`),
 * so it reads the last byte. Run without read permission (`deno run --allow-net --allow-write`),
 * which also denies `stat`, seeking the write handle to its end still gives the size, but the last
 * byte cannot be checked: any non-empty file then counts as cut short and gets a newline first (at
 * worst one blank line per run, which timeline readers skip; a lost sample is worse).
 */
async function mayEndCutShort(file: Deno.FsFile, path: string): Promise<boolean> {
  let size: number;
  try {
    size = await file.seek(0, Deno.SeekMode.End);
  } catch {
    return false; // A FIFO or a socket: a stream, no last line to repair.
  }
  if (size <= 0) return false;
  const read = await Deno.permissions.query({ name: "read", path });
  if (read.state !== "granted") return true;
  const reader = await Deno.open(path, { read: true });
  try {
    await reader.seek(size - 1, Deno.SeekMode.Start);
    const last = new Uint8Array(1);
    return await reader.read(last) === 1 && last[0] !== 0x0a;
  } finally {
    reader.close();
  }
}

/** Append one sample's line (after a newline when the file may end in a line cut short). */
async function appendTimeline(timeline: Timeline, line: string): Promise<void> {
  await writeLine(timeline.file, `${timeline.newlineFirst ? "\n" : ""}${line}\n`);
  timeline.newlineFirst = false;
}

function closeTimeline(timeline: Timeline | null): void {
  try {
    timeline?.file.close();
  } catch {
    // Already closed.
  }
}

function exitCode(worst: Finding["severity"] | null, failOn: DisaggOptions["failOn"]): number {
  if (failOn === "never" || worst === null) return 0;
  if (worst === "critical") return 2;
  if (worst === "warning" && failOn === "warning") return 1;
  return 0;
}

/**
 * Run `inferguard disagg …` with the arguments after `disagg`; returns the exit code.
 *
 * @example
 * ```ts
 * const code = await runDisagg(["status", "--prefill", "http://p:8000", "--decode", "http://d:8000"]);
 * ```
 */
export async function runDisagg(args: string[], hooks: RunDisaggHooks = {}): Promise<number> {
  const out = hooks.stdout ?? ((line: string) => printStdout(`${line}\n`, "inferguard disagg"));
  const err = hooks.stderr ?? ((line: string) => console.error(line));
  const dropPermissions = hooks.dropPermissions ?? (() => {});
  let opts: DisaggOptions;
  try {
    const parsed = parseDisaggArgs(args);
    if (parsed === "help") {
      dropPermissions();
      out(USAGE);
      return 0;
    }
    opts = parsed;
  } catch (e) {
    dropPermissions();
    if (e instanceof UsageError) {
      err(`inferguard disagg: ${e.message}`);
      err('Run "inferguard disagg status --help" for usage');
      return 3;
    }
    throw e;
  }

  // Signals are heard before the timeline is opened: opening a FIFO waits for its reader.
  // The first SIGINT/SIGTERM ends the run after the sample in progress (the rest of its window is
  // cut short); a second one, or one before sampling starts, ends it at once (130/143), so a
  // scrape stuck until its --timeout never holds the terminal.
  const stop = new AbortController();
  let sampling = false;
  let timeline: Timeline | null = null;
  const handlers: [Deno.Signal, () => void][] = [];
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    const handler = () => {
      if (sampling && !stop.signal.aborted) {
        stop.abort();
        err("inferguard disagg: stopping after this sample (again to stop now)");
        return;
      }
      err("inferguard disagg: interrupted");
      closeTimeline(timeline);
      Deno.exit(sig === "SIGINT" ? 130 : 143);
    };
    try {
      Deno.addSignalListener(sig, handler);
      handlers.push([sig, handler]);
    } catch {
      // SIGTERM is not available on every platform.
    }
  }
  const onAbort = () => stop.abort();
  hooks.signal?.addEventListener("abort", onAbort);
  if (hooks.signal?.aborted) stop.abort();
  const unlisten = () => {
    for (const [sig, handler] of handlers) Deno.removeSignalListener(sig, handler);
    hooks.signal?.removeEventListener("abort", onAbort);
  };

  if (opts.timeline !== null) {
    try {
      timeline = await openTimeline(opts.timeline);
    } catch (e) {
      dropPermissions();
      unlisten();
      err(
        `inferguard disagg: Cannot open --timeline "${opts.timeline}": ${
          e instanceof Error ? e.message : e
        }`,
      );
      return 3;
    }
  }
  dropPermissions();
  sampling = true;

  const sides: [Side, Side] = [
    { name: "prefill", target: opts.prefill, probes: null },
    { name: "decode", target: opts.decode, probes: null },
  ];
  let worst: Finding["severity"] | null = null;
  const startedAt = performance.now();
  // Trend findings of the sample before: one seen again in this window becomes a warning.
  let previous = new Map<string, number>();
  try {
    for (let sequence = 1;; sequence++) {
      const began = performance.now();
      const sample = await takeSample(sides, opts, stop.signal);
      const seen = new Map<string, number>();
      const findings = runLiveRules(sample, { previous, seen });
      previous = seen;
      const w = worstSeverity(findings);
      if (w !== null && (worst === null || SEVERITY_RANK[w] > SEVERITY_RANK[worst])) worst = w;
      const printed = out(
        opts.json ? JSON.stringify(statusRecord(sample, findings)) : renderTable(sample, findings),
      );
      if (timeline) {
        // A timeline that cannot be written (full disk, a FIFO whose reader left) stops the run:
        // the samples so far were printed, the error names the file, and the exit code is the
        // findings' as after any other stop (3 is bad usage only). Watching on without the
        // record the user asked for would leave a silent gap that `analyze` cannot see.
        try {
          await appendTimeline(
            timeline,
            JSON.stringify(timelineRecord(sample, { sequence, findings })),
          );
        } catch (e) {
          err(
            `inferguard disagg: Cannot write --timeline "${timeline.path}": ${
              e instanceof Error ? e.message : e
            }; sample ${sequence} is printed above but not recorded, and sampling stops`,
          );
          break;
        }
      }
      // Nobody reads on (`| head -1`): the sample is recorded above, and watching on would
      // scrape the deployment for no one (for ever, without --count or --duration).
      if (printed === false) break;
      if (!opts.watch || stop.signal.aborted) break;
      if (opts.count !== null && sequence >= opts.count) break;
      const elapsed = (performance.now() - startedAt) / 1000;
      if (opts.durationS !== null && elapsed >= opts.durationS) break;
      let waitMs = opts.intervalS * 1000 - (performance.now() - began);
      if (opts.durationS !== null) waitMs = Math.min(waitMs, (opts.durationS - elapsed) * 1000);
      await sleep(waitMs, stop.signal);
      if (stop.signal.aborted) break;
      if (opts.durationS !== null && (performance.now() - startedAt) / 1000 >= opts.durationS) {
        break;
      }
    }
  } finally {
    unlisten();
    closeTimeline(timeline);
  }
  return exitCode(worst, opts.failOn);
}
