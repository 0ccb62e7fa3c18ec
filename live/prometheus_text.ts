/**
 * Prometheus text (0.0.4) and OpenMetrics 1.0 exposition parser.
 *
 * Why hand-written: npm has one candidate, `parse-prometheus-text-format` 1.1.1 (last release
 * 2024-12; `prom2json` is not on npm), and it fails the traps real engine pages contain. It throws
 * on the first line it does not understand, so one bad line loses the whole page; it keeps values
 * and timestamps as strings (`"+Inf"`, `"NaN"`, `"8.128902e+06"`); it flattens every series of a
 * labelled histogram into one bucket map keyed by the `le` string, so vLLM's `engine="0"` and
 * `engine="1"` buckets overwrite each other and the `_sum`/`_count` of labelled histograms are
 * dropped; it only groups a family's lines when they are contiguous; and it knows neither
 * OpenMetrics counters (`# TYPE c counter` with `c_total` samples becomes a new untyped family) nor
 * `_created` series, exemplars or `# EOF`. Patching all of that would mean rewriting it, so this
 * module implements the small, well-specified grammar directly and is tested against every trap in
 * `engine-metrics.md` §5 and the five real captures: samples keep their full label sets (escapes
 * `\\`, `\"`, `\n` decoded), values are numbers (`NaN`, `±Inf` included), timestamps and
 * exemplars are split off, `# TYPE`/`# HELP` are kept per family, `_created` samples are attached
 * to their family and never mixed into its values, histogram buckets are grouped per label set with
 * `le` parsed and sorted numerically, and bad lines become issues with line numbers (parsing never
 * throws).
 *
 * @example
 * ```ts
 * const page = parsePrometheusText('# TYPE x counter\nx_total{a="1"} 3\n');
 * page.samples.get("x_total"); // [{ name: "x_total", labels: { a: "1" }, value: 3, timestampMs: null }]
 * ```
 * @module
 */
import { setOwn } from "../lib/group_by.ts";

/** Metric type from a `# TYPE` line (`unknown` when undeclared or `untyped`). */
export type MetricType =
  | "counter"
  | "gauge"
  | "histogram"
  | "gaugehistogram"
  | "summary"
  | "info"
  | "stateset"
  | "unknown";

/** One sample line: full name, all labels, numeric value and optional timestamp. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs: number | null;
}

/** A metric family as declared by `# TYPE` / `# HELP` (or inferred from samples). */
export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string | null;
  /** Samples that belong to the family (bucket/sum/count/total included; `_created` excluded). */
  samples: PromSample[];
  /** `_created` samples of this family (start timestamps), kept apart from its values. */
  created: PromSample[];
}

/** One histogram series: buckets sorted by numeric `le`, plus `_sum` and `_count`. */
export interface HistogramSeries {
  /** Labels without `le`. */
  labels: Record<string, string>;
  buckets: { le: number; count: number }[];
  sum: number | null;
  count: number | null;
}

/** The parsed page. */
export interface PromPage {
  families: Map<string, MetricFamily>;
  /** Samples by exact sample name (e.g. `vllm:prompt_tokens_total`), `_created` excluded. */
  samples: Map<string, PromSample[]>;
  /** Number of sample lines parsed (including `_created`). */
  sampleCount: number;
  /** Number of `_created` samples seen. */
  createdCount: number;
  /** Whether an OpenMetrics `# EOF` line ended the page. */
  eof: boolean;
  /** Lines that could not be parsed (1-based line numbers). */
  issues: { line: number; message: string }[];
}

const TYPES = new Set<MetricType>([
  "counter",
  "gauge",
  "histogram",
  "gaugehistogram",
  "summary",
  "info",
  "stateset",
  "unknown",
]);

const SUFFIXES: Record<string, string[]> = {
  counter: ["_total"],
  histogram: ["_bucket", "_sum", "_count"],
  gaugehistogram: ["_bucket", "_gsum", "_gcount"],
  summary: ["_sum", "_count"],
  info: ["_info"],
};

/**
 * A decimal number: sign, digits with an optional fraction (or a fraction alone), optional
 * exponent. Written without nested ambiguity (the integer part is `\d+` followed by an optional
 * group that must start with `.`), so a failed match backtracks over the digits once: matching
 * is linear in the length of the text, however many digits an exporter prints.
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A hexadecimal integer with an optional sign (linear: one character class, no alternation). */
const HEX = /^([+-]?)0[xX][0-9a-fA-F]+$/;

/**
 * Parse a number as Prometheus writes it (`NaN`, `+Inf`, `-Inf`, scientific notation), `null`
 * when the text is not one. Linear in the length of `text`: a value of 100 000 digits is
 * rejected (or read) in one pass, never by quadratic backtracking.
 *
 * @example
 * ```ts
 * parsePromNumber("8.128902e+06"); // 8128902
 * parsePromNumber("+Inf"); // Infinity
 * parsePromNumber("1.2.3"); // null
 * ```
 */
export function parsePromNumber(text: string): number | null {
  switch (text) {
    case "+Inf":
    case "Inf":
    case "+inf":
    case "inf":
      return Infinity;
    case "-Inf":
    case "-inf":
      return -Infinity;
    case "NaN":
    case "nan":
      return NaN;
  }
  if (DECIMAL.test(text)) return Number(text);
  const hex = HEX.exec(text);
  if (hex === null) return null;
  // `Number` reads an unsigned hex literal only ("-0x10" would be NaN): apply the sign here.
  const magnitude = Number(text.slice(hex[1].length));
  return hex[1] === "-" ? -magnitude : magnitude;
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n|")/g, (_m, c: string) => (c === "n" ? "\n" : c));
}

interface LineResult {
  sample?: PromSample;
  error?: string;
}

function parseSampleLine(line: string): LineResult {
  let i = 0;
  const n = line.length;
  while (i < n && /[a-zA-Z0-9_:]/.test(line[i])) i++;
  const name = line.slice(0, i);
  if (name === "" || /^[0-9]/.test(name)) return { error: "invalid metric name" };
  const labels: Record<string, string> = {};
  if (line[i] === "{") {
    i++;
    for (;;) {
      while (line[i] === " " || line[i] === "\t") i++;
      if (line[i] === "}") {
        i++;
        break;
      }
      const start = i;
      while (i < n && /[a-zA-Z0-9_]/.test(line[i])) i++;
      const key = line.slice(start, i);
      if (key === "") return { error: `invalid label name at column ${i + 1}` };
      while (line[i] === " ") i++;
      if (line[i] !== "=") return { error: `expected "=" after label "${key}"` };
      i++;
      while (line[i] === " ") i++;
      if (line[i] !== '"') return { error: `expected a quoted value for label "${key}"` };
      i++;
      let value = "";
      let closed = false;
      while (i < n) {
        const c = line[i];
        if (c === "\\") {
          const next = line[i + 1];
          if (next === "n") value += "\n";
          else if (next === "\\" || next === '"') value += next;
          else value += "\\" + (next ?? "");
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) return { error: `unterminated value of label "${key}"` };
      // Label names are the page's: own properties only (`constructor` is a valid label name).
      if (Object.hasOwn(labels, key)) return { error: `duplicate label "${key}"` };
      setOwn(labels, key, value);
      while (line[i] === " ") i++;
      if (line[i] === ",") {
        i++;
        continue;
      }
      if (line[i] === "}") {
        i++;
        break;
      }
      return { error: `expected "," or "}" after label "${key}"` };
    }
  }
  let rest = line.slice(i);
  const exemplar = rest.indexOf(" # ");
  if (exemplar >= 0) rest = rest.slice(0, exemplar);
  const parts = rest.trim().split(/[ \t]+/);
  if (parts.length === 0 || parts[0] === "") return { error: `missing value for "${name}"` };
  if (parts.length > 2) return { error: `unexpected text after the value of "${name}"` };
  const value = parsePromNumber(parts[0]);
  if (value === null) return { error: `invalid value "${parts[0]}" for "${name}"` };
  let timestampMs: number | null = null;
  if (parts.length === 2) {
    const ts = parsePromNumber(parts[1]);
    if (ts === null || !Number.isFinite(ts)) {
      return { error: `invalid timestamp "${parts[1]}" for "${name}"` };
    }
    // OpenMetrics timestamps are seconds (may have a fraction); Prometheus text uses integer ms.
    timestampMs = parts[1].includes(".") || Math.abs(ts) < 1e11 ? ts * 1000 : ts;
  }
  return { sample: { name, labels, value, timestampMs } };
}

/** Parse a whole exposition page; never throws, bad lines become `issues`. */
export function parsePrometheusText(text: string): PromPage {
  const families = new Map<string, MetricFamily>();
  const samples = new Map<string, PromSample[]>();
  const issues: { line: number; message: string }[] = [];
  let sampleCount = 0;
  let createdCount = 0;
  let eof = false;

  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: "unknown", help: null, samples: [], created: [] };
      families.set(name, f);
    }
    return f;
  };
  const declared = (name: string): MetricFamily | undefined => families.get(name);
  const createdOwner = (name: string): MetricFamily | undefined => {
    if (!name.endsWith("_created")) return undefined;
    const base = name.slice(0, -"_created".length);
    for (const candidate of [base, `${base}_total`]) {
      const f = declared(candidate);
      if (f && ["counter", "histogram", "summary", "gaugehistogram"].includes(f.type)) return f;
    }
    return undefined;
  };

  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  for (let idx = 0; idx < lines.length; idx++) {
    const line = lines[idx].replace(/\r$/, "");
    const trimmed = line.trim();
    if (trimmed === "") continue;
    if (eof) {
      issues.push({ line: idx + 1, message: "Content after # EOF" });
      continue;
    }
    if (trimmed.startsWith("#")) {
      const m = /^#\s*(HELP|TYPE|UNIT|EOF)\b\s*(\S*)\s?(.*)$/.exec(trimmed);
      if (!m) continue; // plain comment
      const [, keyword, name, rest] = m;
      if (keyword === "EOF") {
        eof = true;
        continue;
      }
      if (name === "") {
        issues.push({ line: idx + 1, message: `# ${keyword} without a metric name` });
        continue;
      }
      if (keyword === "HELP") family(name).help = unescapeHelp(rest);
      else if (keyword === "TYPE") {
        const t = (rest.trim().toLowerCase() || "unknown") as MetricType;
        const type: MetricType = t === ("untyped" as MetricType) ? "unknown" : t;
        if (!TYPES.has(type)) {
          issues.push({ line: idx + 1, message: `Unknown metric type "${rest.trim()}"` });
          continue;
        }
        family(name).type = type;
      }
      continue;
    }
    const parsed = parseSampleLine(trimmed);
    if (!parsed.sample) {
      issues.push({ line: idx + 1, message: `Cannot parse sample: ${parsed.error}` });
      continue;
    }
    const s = parsed.sample;
    sampleCount++;
    // `_created` (start time) of a counter/histogram/summary: kept apart, never a value sample,
    // whether or not the page also declares it as its own gauge family (Python client).
    const createdBase = createdOwner(s.name);
    if (createdBase) {
      createdBase.created.push(s);
      createdCount++;
      continue;
    }
    // Resolve the family: exact declared name first, then a declared base with a legal suffix.
    let owner = declared(s.name);
    if (!owner || owner.type === "unknown") {
      for (const [type, suffixes] of Object.entries(SUFFIXES)) {
        for (const suffix of suffixes) {
          if (!s.name.endsWith(suffix)) continue;
          const base = declared(s.name.slice(0, -suffix.length));
          if (base && base.type === type) owner = base;
        }
      }
    }
    (owner ?? family(s.name)).samples.push(s);
    const list = samples.get(s.name);
    if (list) list.push(s);
    else samples.set(s.name, [s]);
  }
  // Drop the shadow `<name>_created` gauge families the Python client declares; their samples
  // were attached to the base family above.
  for (const [name, f] of families) {
    if (f.samples.length === 0 && createdOwner(name)) families.delete(name);
  }
  return { families, samples, sampleCount, createdCount, eof, issues };
}

/** Stable key of a label set (sorted `k="v"` pairs), optionally without some labels. */
export function labelKey(labels: Record<string, string>, omit: readonly string[] = []): string {
  return Object.keys(labels)
    .filter((k) => !omit.includes(k))
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(",");
}

/** Whether every label in `filter` matches (a list means any of its values). */
export function labelsMatch(
  labels: Record<string, string>,
  filter: Record<string, string | readonly string[]> | undefined,
): boolean {
  if (!filter) return true;
  for (const [k, want] of Object.entries(filter)) {
    const have = labels[k];
    if (have === undefined) return false;
    if (typeof want === "string" ? have !== want : !want.includes(have)) return false;
  }
  return true;
}

/**
 * Histogram series of `baseName` (`_bucket`, `_sum`, `_count` grouped by labels without `le`).
 * A series whose page has no `le="+Inf"` bucket gets one from `_count`; one with neither (a page
 * cut short inside the histogram) is returned as printed, without `+Inf`: its total is unknown
 * (its last finite bucket is not it), and {@link histogramComplete} says so.
 */
export function histogramSeries(
  page: PromPage,
  baseName: string,
  options: { filter?: Record<string, string | readonly string[]> } = {},
): HistogramSeries[] {
  const filter = options.filter;
  const byKey = new Map<string, HistogramSeries>();
  const get = (labels: Record<string, string>): HistogramSeries => {
    const rest = { ...labels };
    delete rest.le;
    const key = labelKey(rest);
    let s = byKey.get(key);
    if (!s) {
      s = { labels: rest, buckets: [], sum: null, count: null };
      byKey.set(key, s);
    }
    return s;
  };
  for (const b of page.samples.get(`${baseName}_bucket`) ?? []) {
    if (!labelsMatch(b.labels, filter)) continue;
    const le = b.labels.le === undefined ? null : parsePromNumber(b.labels.le);
    if (le === null || Number.isNaN(le)) continue;
    get(b.labels).buckets.push({ le, count: b.value });
  }
  // A series printed twice (an exporter bug) must not count twice: like counters, the larger
  // of two duplicate values is kept.
  const larger = (x: number | null, y: number) => x === null || y > x ? y : x;
  for (const s of page.samples.get(`${baseName}_sum`) ?? []) {
    if (labelsMatch(s.labels, filter)) get(s.labels).sum = larger(get(s.labels).sum, s.value);
  }
  for (const s of page.samples.get(`${baseName}_count`) ?? []) {
    if (labelsMatch(s.labels, filter)) get(s.labels).count = larger(get(s.labels).count, s.value);
  }
  const out = [...byKey.values()];
  for (const s of out) {
    s.buckets.sort((a, b) => a.le - b.le);
    s.buckets = s.buckets.filter((b, i, all) => {
      const next = all[i + 1];
      if (next === undefined || next.le !== b.le) return true;
      next.count = larger(next.count, b.count)!;
      return false;
    });
    // A histogram must end with `le="+Inf"`, equal to `_count`; when an exporter leaves it out,
    // `_count` stands in, so observations above the last bound are not lost from the quantiles.
    const last = s.buckets.at(-1);
    if (last !== undefined && last.le !== Infinity && s.count !== null) {
      s.buckets.push({ le: Infinity, count: larger(last.count, s.count)! });
    }
  }
  return out.sort((a, b) => labelKey(a.labels).localeCompare(labelKey(b.labels)));
}

/**
 * Whether a histogram series is complete: it ends with the `le="+Inf"` bucket (printed, or made
 * from `_count` by {@link histogramSeries}), so its total number of observations is known. A
 * series cut short (neither `+Inf` nor `_count`) is not, and no quantile or window may be read
 * from it as if it were.
 *
 * @example
 * ```ts
 * const page = parsePrometheusText('h_bucket{le="1"} 3\nh_bucket{le="+Inf"} 4\n');
 * histogramComplete(histogramSeries(page, "h")[0]); // true
 * ```
 */
export function histogramComplete(series: HistogramSeries): boolean {
  return series.buckets.at(-1)?.le === Infinity;
}
