/**
 * `report.md`: the human-readable report, generated only from the report's evidence.
 * @module
 */
import type { Report } from "../lib/analyze.ts";
import { compareText, type Curve, type CurvePoint, type Frontier } from "../lib/curves.ts";
import type { Cell, Finding } from "../lib/types.ts";
import { codeSpan, escapeMd } from "./escape.ts";
import {
  bytes,
  change,
  conc,
  concList,
  fmt,
  listSome,
  ms,
  plural,
  pushAll,
  ratio,
  secs,
  table,
  times,
} from "./_format.ts";
import { type CurveView, curveView, nextWithTtft, type TputMetric } from "./_curve_view.ts";
import { topFindings } from "./_top_findings.ts";
import { type CurveRank, rankCurves } from "./_curve_rank.ts";
import { groupByDirectory } from "./_manifest_groups.ts";
import { baselineSection, baselineSummaryLine } from "./_baseline.ts";
import { groupBy } from "../lib/group_by.ts";
import { minMax } from "../lib/stats.ts";

/** How many artifact files section 8 lists before pointing to `report.json`. */
const MANIFEST_ROWS = 400;
/** How many cell rows section 4 lists before pointing to `report.json`. */
const CELL_ROWS = 500;
/** How many findings the executive summary shows, and how many of one code before others. */
const TOP_FINDINGS = 10;
const TOP_PER_CODE = 2;
/** How many paths one section-7 item names before saying how many more there are. */
const PATHS_PER_ITEM = 5;
/** An eval score of exactly 0 over at least this many samples is called out in section 7. */
const EVAL_ZERO_MIN_SAMPLES = 20;
/** Defaults of the thresholds section 6 and 7 read, when report.json does not carry them. */
const DEFAULT_MIN_SUCCESS_RATE = 0.95;
const DEFAULT_MAX_GAIN = 0.05;
/** Latency growth over a curve above this factor is material enough to attribute. */
const MATERIAL_GROWTH = 1.5;
/** A success rate this far from successful/total is shown next to the counts. */
const SUCCESS_RATE_TOLERANCE = 0.001;
/** Default TTFT ratio of a cliff (`ttft_cliff.ratio_warning`), when report.json lacks it. */
const DEFAULT_CLIFF_RATIO = 2;

// Caps that keep report.md readable at campaign scale (thousands of curves). Each capped list
// says how many entries it leaves out and where they are in report.json; small reports stay
// under every cap and are shown in full.
/** Entries an inline list of points, cells or concurrencies shows before "and N more". */
const INLINE_ENTRIES = 12;
/** Rows of the curve table at the top of section 6. */
const CURVE_TABLE_ROWS = 200;
/** Curves section 6 describes in detail: the first ones of the curve ranking. */
const DETAILED_CURVES = 50;
/** Findings listed under one detailed curve. */
const FINDINGS_PER_CURVE = 40;
/** Pareto frontiers section 6 shows, and rows per frontier table. */
const FRONTIERS = 20;
const FRONTIER_ROWS = 50;
/** Findings on no curve ("other signals") section 6 lists. */
const OTHER_SIGNALS = 100;
/** Section 7 items of one kind listed one by one; more become one item that counts them. */
const ITEMS_PER_KIND = 12;
/** Section 7 items listed in all. */
const MAX_ITEMS = 100;

/** Critical codes that make a result untrustworthy as published (others describe behaviour). */
const TRUST_CODES: ReadonlySet<string> = new Set([
  "invalid_run_no_successful_requests",
  "missing_required_artifact",
]);

/** Findings about the inputs themselves: listed in full in section 3, not in section 6. */
const INPUT_CODES: ReadonlySet<string> = new Set([
  "artifact_unreadable",
  "missing_required_artifact",
  "metrics_unavailable",
]);
/** Findings that say something about KV-cache capacity. */
const KV_CODES: readonly string[] = ["kv_offload_thrash", "kv_pressure", "prefix_cache_regression"];
/** Findings about a step between two points of a curve, which denser measurements can locate. */
const STEP_CODES: ReadonlySet<string> = new Set([
  "ttft_cliff",
  "throughput_plateau",
  "tpot_degradation",
]);
/** Artifact kinds that hold server metrics over time. */
const SERVER_METRICS_KINDS = ["server_metrics_csv", "aiperf_server_metrics"] as const;

/** A code span for a table cell. */
function tcode(value: unknown): string {
  return codeSpan(value, { inTable: true });
}

/**
 * Trim the end of the text that `lines` make, in place: afterwards `lines.join("\n")` equals
 * what `lines.join("\n").trimEnd()` was (blank lines at the end dropped, the last one trimmed).
 */
function trimEndLines(lines: string[]): string[] {
  while (lines.length > 0) {
    const last = lines[lines.length - 1].trimEnd();
    if (last !== "" || lines.length === 1) {
      lines[lines.length - 1] = last;
      break;
    }
    lines.pop();
  }
  return lines;
}

function configParts(k: Record<string, unknown>): string[] {
  const parts: string[] = [];
  for (const f of ["model", "hardware", "framework", "precision"]) {
    if (k[f] !== null && k[f] !== undefined) parts.push(String(k[f]));
  }
  if (k.model === null && typeof k.model_path === "string") parts.push(k.model_path);
  if (k.isl !== null && k.osl !== null && k.isl !== undefined) parts.push(`${k.isl}/${k.osl}`);
  if (k.scenario_type === "agentic-coding") parts.push("agentic");
  return parts;
}

function curveLabel(c: Curve): string {
  const k = c.key;
  const parts = configParts(k);
  if (k.is_multinode) {
    parts.push(`P${k.num_prefill_gpu ?? "?"}+D${k.num_decode_gpu ?? "?"} GPUs`);
    for (const side of ["prefill", "decode"]) parts.push(...sideParallelism(k, side));
  } else if (k.tp !== null && k.tp !== undefined) parts.push(`tp${k.tp}`);
  if (k.spec_decoding && k.spec_decoding !== "none") parts.push(`spec ${k.spec_decoding}`);
  if (k.offload_mode && k.offload_mode !== "none") parts.push(`offload ${k.offload_mode}`);
  return parts.length ? parts.join(" · ") : "unknown configuration";
}

/**
 * `decode dcp2` for the pp, dcp and pcp of a side other than 1, which only a curve key that tells
 * curves apart by them holds; nothing otherwise.
 */
function sideParallelism(k: Record<string, unknown>, side: string): string[] {
  const stated = ["pp", "dcp", "pcp"]
    .filter((f) => k[`${side}_${f}`] !== undefined && k[`${side}_${f}`] !== 1)
    .map((f) => `${f}${k[`${side}_${f}`]}`);
  return stated.length ? [`${side} ${stated.join(" ")}`] : [];
}

function cellConfigLabel(c: Cell): string {
  const parts = configParts(c as unknown as Record<string, unknown>);
  if (c.metrics.tp !== null) parts.push(`tp${c.metrics.tp}`);
  return parts.length ? parts.join(" · ") : "unknown configuration";
}

function frontierLabel(f: Frontier): string {
  const parts = configParts(f.key);
  return parts.length ? parts.join(" · ") : "unknown configuration";
}

function cellLabel(c: Cell): string {
  return codeSpan(c.cell_id);
}

/** `` `id` (c8)`` for prose. */
function cellAt(cellId: string, concurrency: number | null | undefined): string {
  return concurrency === null || concurrency === undefined
    ? codeSpan(cellId)
    : `${codeSpan(cellId)} (${conc(concurrency)})`;
}

function seenSuffix(f: Finding): string {
  return f.source === "timeline" && f.count
    ? ` — seen in ${plural(f.count, "sample")}, ${escapeMd(f.first_seen_at)} → ${
      escapeMd(f.last_seen_at)
    }`
    : "";
}

function findingLine(f: Finding): string {
  const where = f.cell_id ? ` (${codeSpan(f.cell_id)})` : "";
  return `- **${f.severity}** ${codeSpan(f.code)}${where}: ${escapeMd(f.message)}${seenSuffix(f)}`;
}

function numberAt(obj: unknown, key: string): number | null {
  if (obj === null || typeof obj !== "object") return null;
  const v = (obj as Record<string, unknown>)[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function stringAt(obj: unknown, key: string): string | null {
  if (obj === null || typeof obj !== "object") return null;
  const v = (obj as Record<string, unknown>)[key];
  return typeof v === "string" ? v : null;
}

/** Lookups that several sections need, built once per report (linear in cells and findings). */
interface Index {
  /** Cells by id (the last one, should an id repeat). */
  cellById: ReadonlyMap<string, Cell>;
  /** The curve each cell on a curve belongs to. */
  curveOfCell: ReadonlyMap<string, Curve>;
  /**
   * One view per curve, in the report's curve order, worked out again on each pass: held for
   * every curve at once, the views of a 50,000-cell report cost tens of MB at the peak. With
   * `only`, just the views of the curves it accepts.
   */
  views: (only?: (curve: Curve) => boolean) => Iterable<CurveView>;
  /** Findings of section 6 by curve id (cells on a curve), in report order. */
  curveFindings: ReadonlyMap<string, Finding[]>;
  /** Findings of section 6 that belong to no curve, in report order. */
  otherFindings: readonly Finding[];
  /** Findings about the inputs (section 3), in report order. */
  inputFindings: readonly Finding[];
  /** Every curve, most severe first (see {@link rankCurves}). */
  ranks: readonly CurveRank[];
  /** Curves section 6 describes in detail. */
  detailed: ReadonlySet<string>;
  /** Findings of section 6's scope it does not list (beyond its caps): only in report.json. */
  notInSection6: ReadonlySet<Finding>;
  minSuccessRate: number;
  maxGain: number;
  /** `ttft_cliff.ratio_warning`: a spike falls back below this multiple of the point before. */
  cliffRatio: number;
}

function threshold(r: Report, rule: string, key: string, fallback: number): number {
  const v = r.analyzer.thresholds[rule]?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

function buildIndex(r: Report): Index {
  const cellById = new Map<string, Cell>();
  for (const c of r.cells) cellById.set(c.cell_id, c);
  const curveOfCell = new Map<string, Curve>();
  for (const curve of r.cross_run.curves) {
    for (const p of curve.points) curveOfCell.set(p.cell_id, curve);
  }
  const minSuccessRate = threshold(
    r,
    "partial_run",
    "min_success_rate",
    DEFAULT_MIN_SUCCESS_RATE,
  );
  const maxGain = threshold(r, "throughput_plateau", "max_gain", DEFAULT_MAX_GAIN);
  const cliffRatio = threshold(r, "ttft_cliff", "ratio_warning", DEFAULT_CLIFF_RATIO);
  const successRate = (id: string) => cellById.get(id)?.metrics.success_rate ?? null;
  const views = function* (only?: (curve: Curve) => boolean): Iterable<CurveView> {
    for (const c of r.cross_run.curves) {
      if (only === undefined || only(c)) yield curveView(c, { successRate, minSuccessRate });
    }
  };
  const curveFindings = new Map<string, Finding[]>();
  // Every finding on a curve's cells, those about its inputs (listed in section 3) included:
  // the curve's rank, worst severity and counts in section 6 must not hide them.
  const rankedFindings = new Map<string, Finding[]>();
  const add = (map: Map<string, Finding[]>, id: string, f: Finding) => {
    const list = map.get(id);
    if (list) list.push(f);
    else map.set(id, [f]);
  };
  const otherFindings: Finding[] = [];
  const inputFindings: Finding[] = [];
  for (const f of r.findings) {
    const curve = f.cell_id === null ? undefined : curveOfCell.get(f.cell_id);
    if (curve !== undefined) add(rankedFindings, curve.curve_id, f);
    if (INPUT_CODES.has(f.code)) inputFindings.push(f);
    else if (curve === undefined) otherFindings.push(f);
    else add(curveFindings, curve.curve_id, f);
  }
  const ranks = rankCurves(
    r.cross_run.curves.map((c) => c.curve_id),
    (id) => rankedFindings.get(id) ?? [],
  );
  const detailed = new Set<string>();
  for (const rank of ranks.slice(0, DETAILED_CURVES)) detailed.add(rank.curveId);
  const notInSection6 = new Set<Finding>();
  for (const [id, list] of curveFindings) {
    if (!detailed.has(id)) { for (const f of list) notInSection6.add(f); }
    else if (list.length > FINDINGS_PER_CURVE) {
      const placed = placeFindings(list, cellById);
      for (let i = FINDINGS_PER_CURVE; i < placed.length; i++) notInSection6.add(placed[i].finding);
    }
  }
  for (let i = OTHER_SIGNALS; i < otherFindings.length; i++) notInSection6.add(otherFindings[i]);
  return {
    cellById,
    curveOfCell,
    views,
    curveFindings,
    otherFindings,
    inputFindings,
    ranks,
    detailed,
    notInSection6,
    minSuccessRate,
    maxGain,
    cliffRatio,
  };
}

// ---------------------------------------------------------------------------------------------
// 1. Executive summary

function section1(r: Report, index: Index): string[] {
  const s = r.run_summary;
  const worst = s.findings_by_severity.critical > 0
    ? "critical"
    : s.findings_by_severity.warning > 0
    ? "warning"
    : s.findings_by_severity.info > 0
    ? "info"
    : "clean";
  let verdict = {
    critical: criticalVerdict(r.findings, outlierCliffs(r, index)),
    warning: "**Verdict: warnings.** The results are usable, with the caveats listed below.",
    info: "**Verdict: informational findings only.**",
    clean: "**Verdict: no findings.**",
  }[worst];
  if (s.cells_total === 0) {
    verdict =
      "**Verdict: no results.** No benchmark cell could be formed from the inputs, so there is nothing to use; the findings below say why.";
  } else if (s.cells_by_status.failed === s.cells_total) {
    verdict =
      "**Verdict: no usable results.** Every cell failed: no request succeeded in any of them.";
  }
  const out = [
    "## 1. Executive summary",
    "",
    verdict,
    "",
    `- Input: ${codeSpan(r.input_root)}, analyzed by inferguard ${
      escapeMd(r.analyzer.version)
    } at ${escapeMd(r.generated_at)}`,
    `- Cells: ${s.cells_total} (complete ${s.cells_by_status.complete}, partial ${s.cells_by_status.partial}, failed ${s.cells_by_status.failed}, completion unknown ${s.cells_by_status.unknown})`,
    `- Findings: ${s.findings_by_severity.critical} critical, ${s.findings_by_severity.warning} warning, ${s.findings_by_severity.info} info`,
  ];
  const byCode = Object.entries(s.findings_by_code)
    .sort(([a, x], [b, y]) => y - x || compareText(a, b));
  if (byCode.length) {
    out.push(`- Findings by code: ${byCode.map(([c, n]) => `${codeSpan(c)} ${n}`).join(", ")}`);
  }
  out.push(
    `- Artifacts: ${s.artifacts_discovered} discovered, ${s.artifacts_parsed} parsed, ${s.artifacts_unreadable} unreadable`,
    `- Curves: ${r.cross_run.curves.length}; Pareto frontiers: ${r.cross_run.pareto_frontier.length}`,
  );
  const baseline = baselineSummaryLine(r.cross_run.baseline);
  if (baseline !== null) out.push(baseline);
  const top = topFindings(r.findings, {
    limit: TOP_FINDINGS,
    perCode: TOP_PER_CODE,
    groupOf: (f) =>
      f.cell_id === null ? "" : index.curveOfCell.get(f.cell_id)?.curve_id ?? f.cell_id,
  });
  if (top.length) {
    out.push(
      "",
      top.length < r.findings.length
        ? "Most important findings (critical first, at most two of a kind before other kinds):"
        : "Findings:",
      "",
    );
    pushAll(out, top.map(findingLine));
  }
  const shown = new Set(top);
  let inSection3 = 0;
  let inSection6 = 0;
  let jsonOnly = 0;
  let jsonOnlyCritical = 0;
  for (const f of r.findings) {
    if (shown.has(f)) continue;
    if (INPUT_CODES.has(f.code)) inSection3++;
    else if (index.notInSection6.has(f)) {
      jsonOnly++;
      if (f.severity === "critical") jsonOnlyCritical++;
    } else inSection6++;
  }
  const more = inSection3 + inSection6 + jsonOnly;
  if (more > 0) {
    const where: string[] = [];
    if (inSection3) where.push(`${inSection3} in section 3 (inputs)`);
    if (inSection6) where.push(`${inSection6} in section 6 (by curve, then other signals)`);
    if (jsonOnly) {
      where.push(
        `${jsonOnly}${
          jsonOnlyCritical > 0 ? ` (${jsonOnlyCritical} critical)` : ""
        } only in \`report.json\` (beyond the curves and findings section 6 lists)`,
      );
    }
    out.push(
      "",
      `${top.length ? `${plural(more, "more finding")}` : plural(more, "finding")}: ${
        where.join(", ")
      }; every finding is in \`report.json\`.`,
    );
  }
  return out;
}

/**
 * The verdict when a critical finding exists. Only a run without a successful request or a
 * missing primary record makes a result untrustworthy; other criticals (a TTFT cliff of 4× or
 * more, live transfer errors) are valid measurements of how the system behaved.
 */
/**
 * The critical TTFT cliffs that lead into a point section 6 calls a possible outlier (every run
 * at the next concurrency falls back), with that point's concurrency. Only curves with a
 * critical cliff are looked at.
 */
function outlierCliffs(r: Report, index: Index): Map<Finding, number> {
  const out = new Map<Finding, number>();
  const curves = new Set<string>();
  for (const f of r.findings) {
    if (f.severity !== "critical" || f.code !== "ttft_cliff" || f.cell_id === null) continue;
    const curve = index.curveOfCell.get(f.cell_id);
    if (curve) curves.add(curve.curve_id);
  }
  if (curves.size === 0) return out;
  for (const view of index.views((c) => curves.has(c.curve_id))) {
    const findings = index.curveFindings.get(view.curve.curve_id) ?? [];
    const spikes = new Map<string, number>();
    for (const s of spikesOf(view, findings, index.cliffRatio)) {
      spikes.set(s.to.cell_id, s.to.concurrency);
    }
    for (const f of findings) {
      const to = stringAt(f.evidence.to, "cell_id");
      const at = to === null ? undefined : spikes.get(to);
      if (f.severity === "critical" && f.code === "ttft_cliff" && at !== undefined) out.set(f, at);
    }
  }
  return out;
}

function criticalVerdict(findings: readonly Finding[], outliers: Map<Finding, number>): string {
  const trust = new Map<string, number>();
  const behaviour = new Map<string, number>();
  for (const f of findings) {
    if (f.severity !== "critical") continue;
    const into = TRUST_CODES.has(f.code) ? trust : behaviour;
    into.set(f.code, (into.get(f.code) ?? 0) + 1);
  }
  const codes = (m: Map<string, number>) =>
    [...m].sort(([a, x], [b, y]) => y - x || compareText(a, b))
      .map(([c, n]) => `${codeSpan(c)} ${n}`).join(", ");
  const at = [...new Set(outliers.values())].sort((a, b) => a - b).map(conc);
  const outlierNote = at.length === 0
    ? ""
    : ` Section 6 flags the \`ttft_cliff\` at ${
      listSome(at, INLINE_ENTRIES)
    } as a possible outlier: re-run ${
      at.length === 1 ? "that point" : "those points"
    } before taking ${outliers.size === 1 ? "it" : "them"} for a cliff.`;
  if (trust.size > 0) {
    const also = behaviour.size
      ? ` Critical behaviour was also measured (${codes(behaviour)}).`
      : "";
    return `**Verdict: critical findings.** At least one result cannot be trusted as published (${
      codes(trust)
    }).${also}${outlierNote}`;
  }
  if (outliers.size > 0 && outliers.size === [...behaviour.values()].reduce((a, b) => a + b, 0)) {
    return `**Verdict: critical behaviour found** (${
      codes(behaviour)
    }), to be confirmed.${outlierNote}`;
  }
  return `**Verdict: critical behaviour found** (${
    codes(behaviour)
  }). The critical findings are valid measurements of how the system behaved, not results that cannot be trusted; the findings below give the details.${outlierNote}`;
}

// ---------------------------------------------------------------------------------------------
// 2. Benchmark matrix

function concurrencyCell(view: CurveView): string {
  const runs = new Map<number, number>();
  for (const r of view.repeats) runs.set(r.concurrency, r.runs);
  if (view.concurrencies.length === 0) return "—";
  const shown = view.concurrencies.slice(0, INLINE_ENTRIES).map((c) => {
    const n = runs.get(c);
    return n === undefined ? String(c) : `${c} ×${n}`;
  });
  const more = view.concurrencies.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/**
 * Why a report has no curve: a curve's points are cells with a known concurrency that are not
 * eval-only (lib/curves.ts), and the reason names which of the two the cells lack.
 */
function whyNoCurve(r: Report): string {
  if (r.cells.length === 0) return "No cell could be formed, so no curve either";
  let evalOnly = 0;
  for (const c of r.cells) if (c.source_format === "eval") evalOnly++;
  if (evalOnly === r.cells.length) {
    return "Every cell is an eval-only cell (accuracy scores, not a point of a throughput or latency curve), so no curve could be formed";
  }
  if (evalOnly === 0) return "No cell has a known concurrency, so no curve could be formed";
  const rest = r.cells.length - evalOnly;
  return `No curve could be formed: ${plural(evalOnly, "cell")} ${
    evalOnly === 1 ? "is" : "are"
  } eval-only (accuracy scores, not curve points) and the other ${plural(rest, "cell")} ${
    rest === 1 ? "has" : "have"
  } no known concurrency`;
}

function section2(r: Report, index: Index): string[] {
  const out = ["## 2. Benchmark matrix", ""];
  let onCurves = 0;
  for (const c of r.cells) if (index.curveOfCell.has(c.cell_id)) onCurves++;
  if (r.cells.length > 0) {
    out.push(
      `Cells: ${r.cells.length}, of which ${onCurves} ${
        onCurves === 1 ? "is a point" : "are points"
      } of the ${plural(r.cross_run.curves.length, "curve")} below and ${
        r.cells.length - onCurves
      } ${r.cells.length - onCurves === 1 ? "is" : "are"} outside any curve.`,
      "",
    );
  }
  if (r.cross_run.curves.length === 0) {
    out.push(`${whyNoCurve(r)}.`);
  } else {
    out.push(
      "Each row is a curve: cells that share every identity, shape and topology field except concurrency (`×2`: measured twice at that concurrency).",
      "",
    );
    pushAll(
      out,
      table(
        ["Curve", "Configuration", "Concurrencies", "Complete", "Partial", "Failed", "Unknown"],
        Array.from(index.views(), (v) => {
          const count: Record<string, number> = { complete: 0, partial: 0, failed: 0, unknown: 0 };
          for (const p of v.curve.points) if (Object.hasOwn(count, p.status)) count[p.status]++;
          return [
            tcode(v.curve.curve_id),
            escapeMd(curveLabel(v.curve)),
            concurrencyCell(v),
            String(count.complete),
            String(count.partial),
            String(count.failed),
            String(count.unknown),
          ];
        }),
      ),
    );
  }
  pushAll(out, offCurveCells(r, index));
  pushAll(out, baselineSection(r.cross_run.baseline));
  return out;
}

/**
 * Every cell that is not a point of a curve, grouped by configuration and reason: a list, not a
 * table, so that section 2 keeps a single table.
 */
function offCurveCells(r: Report, index: Index): string[] {
  const groups = new Map<string, { label: string; why: string; cells: Cell[] }>();
  for (const c of r.cells) {
    if (index.curveOfCell.has(c.cell_id)) continue;
    const why = c.source_format === "eval"
      ? "eval only"
      : c.concurrency === null
      ? "concurrency unknown"
      : "no curve";
    const label = cellConfigLabel(c);
    const key = `${label}\u0000${why}`;
    const g = groups.get(key);
    if (g) g.cells.push(c);
    else groups.set(key, { label, why, cells: [c] });
  }
  if (groups.size === 0) return [];
  let total = 0;
  const lines = [...groups.values()]
    .sort((a, b) => compareText(a.label, b.label) || compareText(a.why, b.why))
    .map((g) => {
      total += g.cells.length;
      g.cells.sort((a, b) =>
        (a.concurrency ?? -1) - (b.concurrency ?? -1) || compareText(a.cell_id, b.cell_id)
      );
      return `- ${escapeMd(g.label)} — ${g.why}: ${
        listSome(g.cells.map((c) => cellAt(c.cell_id, c.concurrency)), INLINE_ENTRIES)
      }`;
    });
  return [
    "",
    `Cells outside any curve (${total}; eval-only cells hold accuracy results, not throughput points):`,
    "",
    ...lines,
  ];
}

function frontiers(r: Report): string[] {
  const out: string[] = [];
  const all = r.cross_run.pareto_frontier;
  for (const f of all.length > FRONTIERS ? all.slice(0, FRONTIERS) : all) {
    out.push(
      `Pareto frontier **${escapeMd(frontierLabel(f))}** (${
        codeSpan(f.frontier_id)
      }): the points no other point beats in both throughput per GPU and interactivity, by throughput.`,
      "",
    );
    const rows = frontierRows(f);
    pushAll(
      out,
      table(
        ["Conc", "Tput/GPU (tok/s)", "Intvty (tok/s/user)", "Cells"],
        rows.length > FRONTIER_ROWS ? rows.slice(0, FRONTIER_ROWS) : rows,
      ),
    );
    if (rows.length > FRONTIER_ROWS) {
      out.push(
        "",
        `${
          rows.length - FRONTIER_ROWS
        } more rows of this frontier (points and their cells) are in \`report.json\` (\`cross_run.pareto_frontier\`).`,
      );
    }
    out.push("");
  }
  if (all.length > FRONTIERS) {
    out.push(
      `${
        all.length - FRONTIERS
      } more Pareto frontiers are in \`report.json\` (\`cross_run.pareto_frontier\`).`,
      "",
    );
  }
  return out;
}

/** A frontier's rows; points with equal concurrency, throughput and interactivity share one. */
function frontierRows(f: Frontier): string[][] {
  const rows: string[][] = [];
  const cells: string[][] = [];
  let prev: Frontier["points"][number] | null = null;
  for (const p of f.points) {
    if (
      prev !== null && prev.concurrency === p.concurrency &&
      prev.tput_per_gpu === p.tput_per_gpu && prev.intvty === p.intvty
    ) {
      cells[cells.length - 1].push(tcode(p.cell_id));
      continue;
    }
    rows.push([
      p.concurrency === null ? "—" : String(p.concurrency),
      fmt(p.tput_per_gpu),
      fmt(p.intvty),
    ]);
    cells.push([tcode(p.cell_id)]);
    prev = p;
  }
  rows.forEach((row, i) => row.push(listSome(cells[i], INLINE_ENTRIES)));
  return rows;
}

// ---------------------------------------------------------------------------------------------
// 3. Artifact completeness

function section3(r: Report, index: Index): string[] {
  const out = ["## 3. Artifact completeness", ""];
  const kinds = new Map<string, { n: number; parsed: number; issues: number }>();
  for (const d of r.artifact_manifest.discovered) {
    let k = kinds.get(d.kind);
    if (k === undefined) {
      k = { n: 0, parsed: 0, issues: 0 };
      kinds.set(d.kind, k);
    }
    k.n++;
    if (d.parsed) k.parsed++;
    if (d.issue !== null) k.issues++;
  }
  if (kinds.size === 0) out.push("No artifact was discovered.");
  else {
    pushAll(
      out,
      table(
        ["Kind", "Files", "Parsed", "With issues"],
        [...kinds.entries()].sort(([a], [b]) => compareText(a, b)).map(([k, v]) => [
          tcode(k),
          String(v.n),
          String(v.parsed),
          String(v.issues),
        ]),
      ),
    );
  }
  out.push("");
  if (index.inputFindings.length) {
    out.push("Missing, unreadable or incomplete inputs:", "");
    pushAll(out, index.inputFindings.map(findingLine));
  } else {
    out.push("Every recognised artifact was read, and no required input is missing.");
  }
  pushAll(out, copiesParagraph(r));
  if (r.run_summary.expected_cells !== null) {
    // Each manifest of the tree speaks for its directory; their expectations are added up.
    const manifests = r.artifact_manifest.discovered
      .filter((d) => d.kind === "manifest" && d.parsed).length;
    out.push(
      "",
      `${
        manifests > 1
          ? `The ${manifests} campaign manifests expect`
          : "The campaign manifest expects"
      } ${r.run_summary.expected_cells} cell(s); ${
        r.run_summary.missing_artifacts.filter((m) => m.cell_id === null).length
      } of them are missing.`,
    );
  }
  return out;
}

/** A copy a cell names in its `same_bytes_copies` note (lib/copies.ts). */
interface CopyNote {
  path: string;
  same_bytes_as: string;
  /** What the copy's name states against the cell (absent when it agrees). */
  name_says?: Record<string, unknown>;
}

function isCopyNote(x: unknown): x is CopyNote {
  const c = x as Partial<CopyNote> | null;
  return typeof c === "object" && c !== null && typeof c.path === "string" &&
    typeof c.same_bytes_as === "string";
}

/** A collected row a cell names in its `collected_copies` note (lib/copies.ts). */
interface RowNote {
  path: string;
  row: number;
  same_record_as: string;
}

function isRowNote(x: unknown): x is RowNote {
  const c = x as Partial<RowNote> | null;
  return typeof c === "object" && c !== null && typeof c.path === "string" &&
    typeof c.row === "number" && typeof c.same_record_as === "string";
}

/** Each cell with the entries of one of its notes that pass `is`. */
function noteEntries<T>(r: Report, key: string, is: (x: unknown) => x is T) {
  const rows: { cell: string; entry: T }[] = [];
  for (const c of r.cells) {
    const list = c.notes[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) if (is(entry)) rows.push({ cell: c.cell_id, entry });
  }
  return rows;
}

/** A list of section 3, capped at {@link MANIFEST_ROWS} with where the rest are. */
function cappedList(intro: string, lines: string[], rest: string): string[] {
  const out = ["", intro, ""];
  pushAll(out, lines.slice(0, MANIFEST_ROWS));
  if (lines.length > MANIFEST_ROWS) out.push(`- ${lines.length - MANIFEST_ROWS} more ${rest}`);
  return out;
}

/**
 * Section 3's lists of what was counted once: measurement files that repeat another's bytes,
 * and collected rows that repeat an agg file's record.
 */
function copiesParagraph(r: Report): string[] {
  const out: string[] = [];
  const files = noteEntries(r, "same_bytes_copies", isCopyNote)
    .sort((a, b) => compareText(a.entry.path, b.entry.path));
  if (files.length > 0) {
    pushAll(
      out,
      cappedList(
        `${plural(files.length, "measurement file")} repeat${
          files.length === 1 ? "s" : ""
        } the bytes of another and ${
          files.length === 1 ? "was" : "were"
        } counted once, in the cell of the file repeated (a launcher's copy, or a directory whose name does not match its contents):`,
        files.map(({ cell, entry }) => {
          const says = entry.name_says !== null && typeof entry.name_says === "object"
            ? Object.entries(entry.name_says)
            : [];
          const lie = says.length === 0
            ? ""
            : `; its name says ${says.map(([k, v]) => `${k} ${codeSpan(v)}`).join(", ")}`;
          return `- ${codeSpan(entry.path)}: same bytes as ${codeSpan(entry.same_bytes_as)} (cell ${
            codeSpan(cell)
          })${lie}`;
        }),
        "in `report.json` (the cells' `notes.same_bytes_copies`)",
      ),
    );
  }
  const rows = noteEntries(r, "collected_copies", isRowNote)
    .sort((a, b) => compareText(a.entry.path, b.entry.path) || a.entry.row - b.entry.row);
  if (rows.length > 0) {
    pushAll(
      out,
      cappedList(
        `${plural(rows.length, "row")} of collected files repeat${
          rows.length === 1 ? "s" : ""
        } the record of an agg file of the tree and ${
          rows.length === 1 ? "was" : "were"
        } counted once, in that agg's cell (not as a re-run):`,
        rows.map(({ cell, entry }) =>
          `- ${codeSpan(entry.path)} row ${entry.row}: same record as ${
            codeSpan(entry.same_record_as)
          } (cell ${codeSpan(cell)})`
        ),
        "in `report.json` (the cells' `notes.collected_copies`)",
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 4. Per-cell results

/** Cells in report order for section 4: each curve's points by concurrency, then the rest by id. */
function cellsInCurveOrder(r: Report, index: Index): Cell[] {
  const out: Cell[] = [];
  const placed = new Set<string>();
  for (const curve of r.cross_run.curves) {
    for (const p of curve.points) {
      const c = index.cellById.get(p.cell_id);
      if (c !== undefined && !placed.has(c.cell_id)) {
        placed.add(c.cell_id);
        out.push(c);
      }
    }
  }
  const rest = r.cells.filter((c) => !placed.has(c.cell_id))
    .sort((a, b) => compareText(a.cell_id, b.cell_id));
  for (const c of rest) out.push(c);
  return out;
}

function warmupRecords(c: Cell): number | null {
  return numberAt(c.notes.request_accounting, "records_warmup_dropped");
}

function successCell(c: Cell): string {
  const m = c.metrics;
  const s = m.num_requests_successful;
  const t = m.num_requests_total;
  const sr = m.success_rate;
  const counts = s !== null && t !== null ? `${s}/${t}` : s !== null ? String(s) : null;
  const agrees = sr === null ||
    (s !== null && t !== null && t > 0 && Math.abs(sr - s / t) <= SUCCESS_RATE_TOLERANCE);
  if (agrees) return counts ?? "—";
  const warmup = warmupRecords(c);
  const why = warmup !== null && warmup > 0
    ? `; the total counts ${plural(warmup, "warm-up record")}`
    : "";
  return counts === null ? `rate ${ratio(sr)}` : `${counts} (rate ${ratio(sr)}${why})`;
}

/** Offload bytes are 0 or absent while the CPU tier served hits: the counters are not populated. */
function offloadCountersUnpopulated(c: Cell): boolean {
  const m = c.metrics;
  const zeroOrNull = (n: number | null) => n === null || n === 0;
  if (!zeroOrNull(m.kv_offload_bytes_gpu_to_cpu) || !zeroOrNull(m.kv_offload_bytes_cpu_to_gpu)) {
    return false;
  }
  return (m.server_cpu_cache_hit_rate !== null && m.server_cpu_cache_hit_rate > 0) ||
    c.notes.offload_bytes_zero_while_cpu_tier_active === true;
}

function section4(r: Report, index: Index): string[] {
  const out = ["## 4. Per-cell results", ""];
  if (r.cells.length === 0) {
    out.push("No cell could be formed from the inputs.");
    return out;
  }
  out.push(
    "Latencies are p99 unless noted; throughput is tokens/s; interactivity is tokens/s/user (1/median TPOT); success and cache hit rates are ratios (0–1). Rows follow the curves of section 2 by concurrency, then the cells outside any curve by id.",
    "",
  );
  let unpopulated = 0;
  let rateDiffers = 0;
  const ordered = cellsInCurveOrder(r, index);
  const rows = ordered.slice(0, CELL_ROWS).map((c) => {
    const m = c.metrics;
    const success = successCell(c);
    if (success.includes("rate ")) rateDiffers++;
    const hidden = offloadCountersUnpopulated(c);
    if (hidden) unpopulated++;
    return [
      tcode(c.cell_id),
      c.concurrency === null ? "—" : String(c.concurrency),
      c.status,
      success,
      secs(m.p99_ttft),
      ms(m.p99_tpot),
      secs(m.p99_e2el),
      fmt(m.total_tput_tps),
      fmt(m.tput_per_gpu),
      fmt(m.intvty),
      `${ratio(m.server_gpu_cache_hit_rate)} / ${ratio(m.server_cpu_cache_hit_rate)} / ${
        ratio(m.theoretical_cache_hit_rate)
      }`,
      hidden
        ? "counters not populated"
        : `${bytes(m.kv_offload_bytes_gpu_to_cpu)} / ${bytes(m.kv_offload_bytes_cpu_to_gpu)}`,
      String(c.findings.length),
    ];
  });
  pushAll(
    out,
    table(
      [
        "Cell",
        "Conc",
        "Status",
        "Success",
        "TTFT p99",
        "TPOT p99",
        "E2E p99",
        "Total tput",
        "Tput/GPU",
        "Intvty",
        "Cache hit GPU / CPU / theoretical",
        "Offload GPU→CPU / CPU→GPU",
        "Findings",
      ],
      rows,
    ),
  );
  if (r.cells.length > CELL_ROWS) {
    out.push("", `${r.cells.length - CELL_ROWS} more cells are in \`report.json\`.`);
  }
  if (rateDiffers) {
    out.push(
      "",
      `Success: for ${
        plural(rateDiffers, "cell")
      } the benchmark's own success rate differs from successful/total (shown as "rate"); the request accounting (warm-up and error records) is in each cell's \`notes.request_accounting\` in \`report.json\`.`,
    );
  }
  if (unpopulated) {
    out.push(
      "",
      `Offload "counters not populated" (${
        plural(unpopulated, "cell")
      }): the CPU KV tier was in use (CPU cache queries or hits were counted) while the offload byte counters stayed 0 or absent, so the bytes moved are not known.`,
    );
  }
  const evalCells = r.cells.filter((c) => c.eval !== null);
  if (evalCells.length) {
    out.push("", "Eval results:", "");
    const rows2: string[][] = [];
    for (const c of evalCells) {
      for (const [task, metrics] of Object.entries(c.eval ?? {})) {
        for (const [metric, v] of Object.entries(metrics)) {
          rows2.push([
            tcode(c.cell_id),
            escapeMd(task),
            escapeMd(metric),
            fmt(v.value),
            v.stderr === null ? "—" : fmt(v.stderr),
          ]);
        }
      }
    }
    pushAll(out, table(["Cell", "Task", "Metric", "Value", "Stderr"], rows2));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 5. Live timeline

function section5(r: Report): string[] {
  const out = ["## 5. Live InferGuard timeline", ""];
  const tls = r.cross_run.timelines;
  if (tls.length === 0) {
    out.push(
      "No live timeline (`inferguard_timeline.jsonl` from `inferguard disagg status --timeline`) was found under the results root.",
    );
    return out;
  }
  pushAll(
    out,
    table(
      ["Timeline", "Attached to", "Samples", "Bad lines", "First observed", "Last observed"],
      tls.map((t) => [
        tcode(t.path),
        t.cell_id ? tcode(t.cell_id) : "the whole run",
        String(t.sample_count),
        String(t.bad_lines),
        escapeMd(t.first_observed_at ?? "—"),
        escapeMd(t.last_observed_at ?? "—"),
      ]),
    ),
  );
  const live = r.findings.filter((f) => f.source === "timeline");
  out.push("");
  if (live.length) {
    out.push("Live findings (deduplicated per code and cell):", "");
    pushAll(out, live.map(findingLine));
  } else out.push("The live samples carried no findings.");
  const leads = r.cells.filter((c) => c.timeline?.lead_time_to_ttft_cliff_s != null);
  for (const c of leads) {
    out.push(
      "",
      `The first live finding preceded the TTFT cliff at ${cellLabel(c)} by ${
        fmt(c.timeline!.lead_time_to_ttft_cliff_s)
      } s.`,
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 6. Bottleneck analysis

function metricWords(metric: TputMetric): { name: string; lower: string; unit: string } {
  return metric === "tput_per_gpu"
    ? { name: "Throughput per GPU", lower: "throughput per GPU", unit: "tok/s/GPU" }
    : { name: "Total throughput", lower: "total throughput", unit: "tok/s" };
}

/** `min–max unit` of the values times `scale`, or the one value; `—` for none. */
function spread(values: readonly (number | null)[], scale: number, unit: string): string {
  const range = minMax(values.filter((v): v is number => v !== null && Number.isFinite(v)));
  if (range === null) return "—";
  const [min, max] = range;
  return `${min === max ? fmt(min * scale) : `${fmt(min * scale)}–${fmt(max * scale)}`} ${unit}`;
}

/** The concurrencies (and cells) of points, for a "which points" sentence. */
function pointList(points: readonly CurvePoint[], note?: (p: CurvePoint) => string): string {
  const shown = points.length > INLINE_ENTRIES ? points.slice(0, INLINE_ENTRIES) : points;
  const items = shown.map((p) =>
    `${conc(p.concurrency)} (${codeSpan(p.cell_id)}${note ? `, ${note(p)}` : ""})`
  );
  const more = points.length - shown.length;
  return more > 0 ? `${items.join(", ")} and ${more} more` : items.join(", ");
}

/** `(4.5×)` for a growth from `from` to `to`, or nothing when `from` is not above 0. */
function growthNote(from: number, to: number): string {
  return from > 0 ? ` (${times(to / from)})` : "";
}

/** A finding of a curve, where on the curve it is, and its line. */
interface PlacedFinding {
  finding: Finding;
  from: number;
  to: number;
  text: string;
}

/** Where on a curve a finding is: `c8→c12` for a step, `c12` for a point. */
function findingPlace(
  f: Finding,
  cellById: ReadonlyMap<string, Cell>,
): { from: number; to: number; text: string } {
  const from = numberAt(f.evidence.from, "concurrency") ??
    numberAt((f.evidence.growth as Record<string, unknown> | undefined)?.from, "concurrency");
  const to = numberAt(f.evidence.to, "concurrency") ??
    numberAt((f.evidence.growth as Record<string, unknown> | undefined)?.to, "concurrency");
  if (from !== null && to !== null) return { from, to, text: `${conc(from)}→${conc(to)}` };
  const c = f.cell_id === null ? null : cellById.get(f.cell_id)?.concurrency ?? null;
  if (c === null) return { from: Infinity, to: Infinity, text: "" };
  return { from: c, to: c, text: conc(c) };
}

/** A curve's findings with their lines, by concurrency (steps after their start point). */
function placeFindings(
  findings: readonly Finding[],
  cellById: ReadonlyMap<string, Cell>,
): PlacedFinding[] {
  return findings.map((f) => {
    const place = findingPlace(f, cellById);
    // Warnings are the rule in section 6; the other two severities say what they are.
    const severity = f.severity === "warning" ? "" : ` (${f.severity})`;
    const text = `${place.text ? `${place.text} ` : ""}${codeSpan(f.code)}${severity}: ${
      escapeMd(f.message)
    }${seenSuffix(f)}`;
    return { finding: f, from: place.from, to: place.to, text };
  }).sort((a, b) =>
    a.from - b.from || a.to - b.to || compareText(a.finding.code, b.finding.code) ||
    compareText(a.text, b.text)
  );
}

/**
 * A curve's findings as lines, in {@link placeFindings} order with repeats folded; beyond
 * `FINDINGS_PER_CURVE` findings, one line counts the rest by code.
 */
function curveFindingLines(findings: readonly Finding[], cellById: ReadonlyMap<string, Cell>) {
  const placed = placeFindings(findings, cellById);
  const rows = placed.length > FINDINGS_PER_CURVE ? placed.slice(0, FINDINGS_PER_CURVE) : placed;
  const out: string[] = [];
  let i = 0;
  while (i < rows.length) {
    let j = i;
    while (j + 1 < rows.length && rows[j + 1].text === rows[i].text) j++;
    out.push(`- ${rows[i].text}${j > i ? ` (×${j - i + 1}: re-runs with the same result)` : ""}`);
    i = j + 1;
  }
  if (placed.length > rows.length) {
    const codes = new Map<string, number>();
    for (let k = rows.length; k < placed.length; k++) {
      const code = placed[k].finding.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    out.push(
      `- ${plural(placed.length - rows.length, "more finding")}${
        criticalNote(placed.slice(rows.length).map((p) => p.finding))
      } of this curve, after the first ${rows.length} (${
        [...codes].sort(([a], [b]) => compareText(a, b)).map(([c, n]) => `${codeSpan(c)} ${n}`)
          .join(", ")
      }), ${placed.length - rows.length === 1 ? "is" : "are"} in \`report.json\`.`,
    );
  }
  return out;
}

/** Concurrencies at which a curve has findings of each KV code, as `` `code` at c24–c256``. */
function kvSignals(
  view: CurveView,
  findings: readonly Finding[],
  cellById: ReadonlyMap<string, Cell>,
) {
  const at = new Map<string, number[]>();
  for (const f of findings) {
    if (!KV_CODES.includes(f.code) || f.cell_id === null) continue;
    const c = cellById.get(f.cell_id)?.concurrency;
    if (c === null || c === undefined) continue;
    const list = at.get(f.code);
    if (list) list.push(c);
    else at.set(f.code, [c]);
  }
  return KV_CODES.filter((code) => at.has(code)).map((code) => ({
    code,
    concurrencies: [...new Set(at.get(code)!)].sort((a, b) => a - b),
    text: `${codeSpan(code)} at ${concList(at.get(code)!, view.concurrencies)}`,
  }));
}

/** Which side the latency growth over the trustworthy points points at (an observation). */
function growthLine(view: CurveView, kv: readonly { text: string }[]): string | null {
  const lat = view.latency;
  if (lat === null) return null;
  const over = `Over ${conc(lat.ttft.from.concurrency)}–${conc(lat.ttft.to.concurrency)}${
    view.leftOut.length ? " (trustworthy points only)" : ""
  }`;
  const signal = kv.length ? `KV-capacity signal: ${kv.map((k) => k.text).join("; ")}` : "";
  // A growth factor needs a base above 0: without one, neither side can be compared.
  const zero = [
    lat.ttft.fromValue > 0 ? null : `p99 TTFT ${secs(lat.ttft.fromValue)}`,
    lat.tpot.fromValue > 0 ? null : `p99 TPOT ${ms(lat.tpot.fromValue)}`,
  ].filter((z) => z !== null);
  if (zero.length) {
    return `- ${over}, TTFT and TPOT growth are not compared: ${zero.join(" and ")} at ${
      conc(lat.ttft.from.concurrency)
    } gives no growth factor.${kv.length ? ` ${signal}.` : ""}`;
  }
  const ttft = lat.ttft.toValue / lat.ttft.fromValue;
  const tpot = lat.tpot.toValue / lat.tpot.fromValue;
  const material = ttft > MATERIAL_GROWTH || tpot > MATERIAL_GROWTH;
  if (kv.length && material) {
    return `- ${over}, TTFT grows ${times(ttft)} and TPOT ${
      times(tpot)
    }, together with a ${signal} — the growth points at KV-cache capacity, so the TTFT/TPOT split alone does not say whether prefill or decode saturates.`;
  }
  const side = sideLine(over, ttft, tpot);
  return kv.length ? `${side} ${signal}.` : side;
}

function sideLine(over: string, ttft: number, tpot: number): string {
  if (ttft <= 1.1 && tpot <= 1.1) {
    return `- ${over}, neither TTFT (${times(ttft)}) nor TPOT (${times(tpot)}) grows materially.`;
  }
  if (ttft > 2 * tpot) {
    return `- ${over}, TTFT grows much faster than TPOT (${times(ttft)} vs ${
      times(tpot)
    }): queueing before the first token — a prefill-side or admission signal.`;
  }
  if (tpot > 2 * ttft) {
    return `- ${over}, TPOT grows much faster than TTFT (${times(tpot)} vs ${
      times(ttft)
    }): a decode-side signal (per-token step time rising with batch size).`;
  }
  return `- ${over}, TTFT changes ${times(ttft)} and TPOT ${times(tpot)}; neither side dominates.`;
}

/**
 * Throughput still rising into the curve's highest trustworthy point with throughput: its gain
 * over the point before (`null` when that point's value is not above 0), or `null` when the
 * curve peaks earlier, gains less than `maxGain`, or has fewer than two such points.
 */
function risingAtTop(view: CurveView, maxGain: number): { gain: number | null } | null {
  const { peak, lastStep, metric } = view;
  if (peak === null || lastStep === null || metric === null || peak.to !== lastStep.to) return null;
  if (!(lastStep.toValue > lastStep.fromValue)) return null;
  if (!(lastStep.fromValue > 0)) return { gain: null };
  const gain = lastStep.toValue / lastStep.fromValue - 1;
  return gain >= maxGain ? { gain } : null;
}

/** Whether the curve's peak is at its highest measured concurrency (no point above it). */
function peakAtTop(view: CurveView): boolean {
  const top = view.concurrencies[view.concurrencies.length - 1];
  return view.peak !== null && view.peak.to.concurrency === top;
}

/** `+12 % from c8 to c16`, or `from 0 to 40 tok/s/GPU from c8 to c16` without a base. */
function riseText(view: CurveView, gain: number | null): string {
  const step = view.lastStep!;
  const span = `${conc(step.from.concurrency)} to ${conc(step.to.concurrency)}`;
  return gain === null
    ? `from ${fmt(step.fromValue)} to ${fmt(step.toValue)} ${
      metricWords(view.metric!).unit
    } from ${span}`
    : `${change(gain)} from ${span}`;
}

/** The throughput sentence of a curve with two or more trustworthy points with throughput. */
function throughputLine(view: CurveView, maxGain: number): string | null {
  const { peak, lastStep, metric } = view;
  if (peak === null || lastStep === null || metric === null) return null;
  const { name, unit } = metricWords(metric);
  const vsFirst = peak.to === peak.from || !(peak.fromValue > 0)
    ? ""
    : `, ${times(peak.toValue / peak.fromValue)} the ${conc(peak.from.concurrency)} value`;
  if (peak.to === lastStep.to && lastStep.toValue > lastStep.fromValue) {
    const top = peakAtTop(view)
      ? "the top measured concurrency"
      : "the highest concurrency with a trustworthy run";
    const rising = risingAtTop(view, maxGain);
    const by = lastStep.fromValue > 0
      ? `${change(lastStep.toValue / lastStep.fromValue - 1, rising ? undefined : maxGain)} over ${
        conc(lastStep.from.concurrency)
      }`
      : `up from ${fmt(lastStep.fromValue)} ${unit} at ${conc(lastStep.from.concurrency)}`;
    return `- ${name} is highest at ${top}, ${conc(peak.to.concurrency)} (${
      fmt(peak.toValue)
    } ${unit}${vsFirst}), and ${rising ? "still rising" : "nearly flat"}: ${by}.`;
  }
  const after = peak.to === lastStep.to
    ? ""
    : `; at ${conc(lastStep.to.concurrency)} it is ${fmt(lastStep.toValue)} ${unit}${
      peak.toValue > 0 ? ` (${change(lastStep.toValue / peak.toValue - 1)} from the peak)` : ""
    }`;
  return `- ${name} peaks at ${fmt(peak.toValue)} ${unit} at ${
    conc(peak.to.concurrency)
  }${vsFirst}${after}.`;
}

/** Throughput and latency measures besides a curve's own, in the words section 6 uses. */
const OTHER_MEASURES: readonly [keyof Cell["metrics"], string][] = [
  ["total_tput_tps", "total throughput"],
  ["output_tput_tps", "output throughput"],
  ["input_tput_tps", "input throughput"],
  ["output_tput_per_gpu", "output throughput per GPU"],
  ["input_tput_per_gpu", "input throughput per GPU"],
  ["request_throughput", "request throughput"],
  ["p50_ttft", "median TTFT"],
  ["mean_ttft", "mean TTFT"],
  ["p90_ttft", "p90 TTFT"],
  ["p50_tpot", "median TPOT"],
  ["mean_tpot", "mean TPOT"],
  ["mean_itl", "mean ITL"],
  ["p99_itl", "p99 ITL"],
  ["mean_e2el", "mean E2E latency"],
  ["intvty", "interactivity"],
];

/** The {@link OTHER_MEASURES} a cell has a number for. */
function otherMeasures(cell: Cell | undefined): string[] {
  if (cell === undefined) return [];
  const out: string[] = [];
  for (const [key, words] of OTHER_MEASURES) {
    const v = cell.metrics[key];
    if (typeof v === "number" && Number.isFinite(v)) out.push(words);
  }
  return out;
}

function dataGapLines(view: CurveView, cellById: ReadonlyMap<string, Cell>): string[] {
  const out: string[] = [];
  const status = (p: CurvePoint) => p.status;
  const noLatency = new Set(view.noLatency);
  const noThroughput = new Set(view.noThroughput);
  // Without p99 anywhere, a point with no other latency either has no latency data at all.
  const empty = view.noThroughput.filter((p) =>
    noLatency.has(p) || (!view.p99Available && p.p99_e2el === null)
  );
  const emptySet = new Set(empty);
  const what = view.metric === null ? "throughput" : metricWords(view.metric).lower;
  // Points with none of the curve's measures may still hold others (output throughput, a
  // median latency): those are named, not called empty.
  const bare: CurvePoint[] = [];
  const other = new Map<string, CurvePoint[]>();
  for (const p of empty) {
    const held = otherMeasures(cellById.get(p.cell_id));
    if (held.length === 0) bare.push(p);
    else {
      const text = held.join(", ");
      const list = other.get(text);
      if (list) list.push(p);
      else other.set(text, [p]);
    }
  }
  if (bare.length) {
    out.push(`- No throughput or latency data at ${pointList(bare, status)}.`);
  }
  for (const [held, points] of other) {
    out.push(
      `- No ${what} or p99 latency at ${
        pointList(points, status)
      }; it has only ${held} (section 4 and \`report.json\`).`,
    );
  }
  const tputOnly = view.noThroughput.filter((p) => !emptySet.has(p));
  if (tputOnly.length) {
    out.push(`- No ${what} data at ${pointList(tputOnly, status)}.`);
  }
  const latOnly = view.noLatency.filter((p) => !noThroughput.has(p));
  if (latOnly.length) out.push(`- No p99 latency data at ${pointList(latOnly, status)}.`);
  if (!view.p99Available && empty.length < view.curve.points.length) {
    const p95 = view.curve.points.some((p) => {
      const e = cellById.get(p.cell_id)?.extra_percentiles ?? {};
      return "p95_ttft" in e || "p95_tpot" in e;
    });
    out.push(
      `- p99 TTFT and TPOT are not available for this curve${
        p95 ? " (its source reports percentiles up to p95, kept in `report.json`)" : ""
      }, so latency growth is not assessed.`,
    );
  }
  return out;
}

function kvEvidenceLine(view: CurveView, cellById: ReadonlyMap<string, Cell>): string | null {
  const parts: string[] = [];
  let more = 0;
  for (const p of view.curve.points) {
    const m = cellById.get(p.cell_id)?.metrics;
    if (!m || (m.gpu_kv_usage_p95 === null && m.server_gpu_cache_hit_rate === null)) continue;
    if (parts.length === INLINE_ENTRIES) {
      more++;
      continue;
    }
    const cpu = m.server_cpu_cache_hit_rate !== null && m.server_cpu_cache_hit_rate > 0
      ? `, CPU hit ${ratio(m.server_cpu_cache_hit_rate)}`
      : "";
    parts.push(
      `${conc(p.concurrency)}: KV p95 ${ratio(m.gpu_kv_usage_p95)}, GPU hit ${
        ratio(m.server_gpu_cache_hit_rate)
      }${cpu}`,
    );
  }
  const rest = more ? `; ${plural(more, "more point")} in \`report.json\`` : "";
  return parts.length
    ? `- KV and cache evidence (GPU KV usage p95 and server cache hit rates, 0–1): ${
      parts.join("; ")
    }${rest}.`
    : null;
}

/**
 * A TTFT cliff into a point whose TTFT falls back at the next concurrency: every non-failed run
 * there has a p99 TTFT below `ttft_cliff.ratio_warning` times that of each point a cliff into
 * it starts from (and below its own), so the next concurrency is no cliff from before the jump.
 */
interface Spike {
  /** The point the cliffs lead into. */
  to: CurvePoint;
  /** The points the cliffs into it start from, by concurrency and p99 TTFT. */
  from: CurvePoint[];
  /** The runs at the next concurrency with a p99 TTFT. */
  next: CurvePoint[];
}

/** The spikes of a curve, one per point a cliff leads into, by concurrency. */
function spikesOf(view: CurveView, findings: readonly Finding[], cliffRatio: number): Spike[] {
  const cliffs = findings.filter((f) => f.code === "ttft_cliff");
  if (cliffs.length === 0) return [];
  const next = nextWithTtft(view.curve);
  const byId = new Map<string, CurvePoint>();
  for (const p of view.curve.points) byId.set(p.cell_id, p);
  const into = new Map<string, { to: CurvePoint; from: CurvePoint[]; spike: boolean }>();
  const untrusted = new Set(view.leftOut.map((l) => l.point));
  for (const f of cliffs) {
    const from = byId.get(stringAt(f.evidence.from, "cell_id") ?? "");
    const to = byId.get(stringAt(f.evidence.to, "cell_id") ?? "");
    // A cliff that is not a step of this curve (a baseline comparison) says nothing here.
    if (!from || !to) continue;
    let g = into.get(to.cell_id);
    if (g === undefined) {
      g = { to, from: [], spike: true };
      into.set(to.cell_id, g);
    }
    // A partial run's p99 TTFT is biased low (its slow requests are the ones that failed): only
    // trustworthy runs can show that the TTFT falls back.
    const runs = (next.get(to.cell_id) ?? []).filter((n) => !untrusted.has(n));
    const limit = from.p99_ttft === null || to.p99_ttft === null
      ? null
      : Math.min(from.p99_ttft * cliffRatio, to.p99_ttft);
    if (limit === null || runs.length === 0 || !runs.every((n) => n.p99_ttft! < limit)) {
      g.spike = false;
    }
    if (!g.from.includes(from)) g.from.push(from);
  }
  const out: Spike[] = [];
  for (const g of into.values()) {
    if (!g.spike) continue;
    g.from.sort((a, b) => a.concurrency - b.concurrency || a.p99_ttft! - b.p99_ttft!);
    out.push({
      to: g.to,
      from: g.from,
      next: next.get(g.to.cell_id)!.filter((n) => !untrusted.has(n)),
    });
  }
  return out.sort((a, b) =>
    a.to.concurrency - b.to.concurrency || compareText(a.to.cell_id, b.to.cell_id)
  );
}

/** `1.2 s at c8`, `1–1.9 s at c8` for several runs of one concurrency, joined by "and". */
function ttftAt(points: readonly CurvePoint[]): string {
  const byConc = new Map<number, CurvePoint[]>();
  for (const p of points) {
    const list = byConc.get(p.concurrency);
    if (list) list.push(p);
    else byConc.set(p.concurrency, [p]);
  }
  return [...byConc].map(([c, ps]) => {
    const runs = ps.length === 1
      ? ""
      : ps.length === 2
      ? " (both runs)"
      : ` (all ${ps.length} runs)`;
    return `${spread(ps.map((p) => p.p99_ttft), 1, "s")} at ${conc(c)}${runs}`;
  }).join(" and ");
}

/** The §6 line of a spike: the point, where it falls back to, and the bound it falls below. */
function spikeLine(s: Spike, cliffRatio: number): string {
  let low = s.from[0];
  for (const p of s.from) if (p.p99_ttft! < low.p99_ttft!) low = p;
  return `- ${conc(s.to.concurrency)} looks like an outlier rather than a cliff: its p99 TTFT ${
    secs(s.to.p99_ttft)
  } falls back to ${ttftAt(s.next)}, under ${times(cliffRatio)} the ${secs(low.p99_ttft)} at ${
    conc(low.concurrency)
  }.`;
}

/** `c4–c512 (8)`, `c4–c512 (8, 16 runs)`, `c64 ×2`, `—`: the concurrencies of a curve. */
function rangeCell(view: CurveView): string {
  const k = view.concurrencies.length;
  const n = view.curve.points.length;
  if (k === 0) return "—";
  if (k === 1) {
    return n === 1 ? conc(view.concurrencies[0]) : `${conc(view.concurrencies[0])} ×${n}`;
  }
  return `${conc(view.concurrencies[0])}–${conc(view.concurrencies[k - 1])} (${k}${
    n > k ? `, ${n} runs` : ""
  })`;
}

/** A row of the curve table. */
function curveRow(view: CurveView, rank: CurveRank, maxGain: number): string[] {
  const { peak, lastStep, metric, latency } = view;
  const peakCell = peak === null || metric === null
    ? "—"
    : `${fmt(peak.toValue)} ${metricWords(metric).unit} at ${conc(peak.to.concurrency)}`;
  const rising = peak === null || lastStep === null || metric === null
    ? "—"
    : risingAtTop(view, maxGain) === null
    ? "no"
    : peakAtTop(view)
    ? "yes"
    : "yes, points above left out";
  const growth = (s: { fromValue: number; toValue: number } | undefined) =>
    s === undefined || !(s.fromValue > 0) ? "—" : times(s.toValue / s.fromValue);
  const worst = rank.critical ? "critical" : rank.warning ? "warning" : rank.info ? "info" : "—";
  return [
    tcode(view.curve.curve_id),
    escapeMd(curveLabel(view.curve)),
    rangeCell(view),
    peakCell,
    rising,
    growth(latency?.ttft),
    growth(latency?.tpot),
    worst,
    rank.codes.length ? rank.codes.map(([c, n]) => `${tcode(c)} ${n}`).join(", ") : "—",
  ];
}

/** ` (N critical)` when any of these findings is critical, else nothing: caps never hide one silently. */
function criticalNote(findings: Iterable<Finding>): string {
  let n = 0;
  for (const f of findings) if (f.severity === "critical") n++;
  return n > 0 ? ` (${n} critical)` : "";
}

/** Section 6's summary: counts over every curve, then one table row per curve, worst first. */
function curveTable(r: Report, index: Index): string[] {
  const total = r.cross_run.curves.length;
  const rankOf = new Map<string, CurveRank>();
  for (const rank of index.ranks.slice(0, CURVE_TABLE_ROWS)) rankOf.set(rank.curveId, rank);
  const rows = new Map<string, string[]>();
  let rising = 0;
  for (const view of index.views()) {
    if (risingAtTop(view, index.maxGain) !== null) rising++;
    const rank = rankOf.get(view.curve.curve_id);
    if (rank !== undefined) rows.set(rank.curveId, curveRow(view, rank, index.maxGain));
  }
  let withFindings = 0;
  let withCritical = 0;
  for (const rank of index.ranks) {
    if (rank.critical + rank.warning + rank.info > 0) withFindings++;
    if (rank.critical > 0) withCritical++;
  }
  const out = [
    `${
      plural(total, "curve")
    }: ${withFindings} with findings (${withCritical} with a critical one); on ${rising}, throughput still rises into the highest trustworthy point.`,
    "",
    `Curves, most severe first (by critical findings, then warnings, then the size of the worst one). Peak: the highest throughput of a trustworthy point (a concurrency measured more than once counts with its median run, the lower of two); Rising: it still grows by ${
      change(index.maxGain)
    } or more into the highest trustworthy point; TTFT and TPOT: p99 growth from the first to the last trustworthy point.`,
    "",
  ];
  pushAll(
    out,
    table(
      [
        "Curve",
        "Configuration",
        "Concurrencies",
        "Peak",
        "Rising",
        "TTFT",
        "TPOT",
        "Worst",
        "Findings",
      ],
      [...rankOf.keys()].map((id) => rows.get(id)!),
    ),
  );
  if (total > rankOf.size) {
    let critical = 0;
    for (const rank of index.ranks) if (!rankOf.has(rank.curveId) && rank.critical > 0) critical++;
    out.push(
      "",
      `${plural(total - rankOf.size, "more curve")}${
        critical > 0 ? ` (${critical} with a critical finding)` : ""
      }: see \`report.json\` (\`cross_run.curves\`, and their findings in \`findings\`).`,
    );
  }
  return out;
}

/** The detail block of one curve: its shape, latency growth, data gaps, KV evidence, findings. */
function curveBlock(view: CurveView, index: Index): string[] {
  const { cellById } = index;
  const curve = view.curve;
  const findings = index.curveFindings.get(curve.curve_id) ?? [];
  const k = view.concurrencies.length;
  const n = curve.points.length;
  const head = `**${escapeMd(curveLabel(curve))}** (${codeSpan(curve.curve_id)})`;
  const lines: string[] = [];
  if (k === 0) {
    lines.push(`${head}: no points — nothing to describe.`);
  } else if (k === 1) {
    const c = conc(view.concurrencies[0]);
    lines.push(
      n === 1
        ? `${head}: one point, at ${c} — no curve shape to describe.`
        : `${head}: ${n} runs, all at ${c} — re-runs of one concurrency, no curve shape to describe.`,
    );
    const live = curve.points.filter((p) => p.status !== "failed");
    const metric = view.metric;
    const facts: string[] = [];
    if (metric !== null) {
      const { lower, unit } = metricWords(metric);
      facts.push(`${lower} ${spread(live.map((p) => p[metric]), 1, unit)}`);
    }
    if (view.p99Available) {
      facts.push(`p99 TTFT ${spread(live.map((p) => p.p99_ttft), 1, "s")}`);
      facts.push(`p99 TPOT ${spread(live.map((p) => p.p99_tpot), 1000, "ms")}`);
    }
    if (facts.length && live.length) {
      const runs = n === 1 ? "" : ` across the ${plural(live.length, "non-failed run")}`;
      const text = facts.join("; ");
      lines.push(`- ${text[0].toUpperCase()}${text.slice(1)}${runs}.`);
    }
  } else {
    const reruns = view.repeats.length
      ? `; re-runs at ${
        listSome(
          view.repeats.map((r) => `${conc(r.concurrency)} (${r.runs} runs)`),
          INLINE_ENTRIES,
        )
      }`
      : "";
    lines.push(
      `${head}: ${n} points at ${k} concurrencies, ${conc(view.concurrencies[0])}–${
        conc(view.concurrencies[k - 1])
      }${reruns}.`,
    );
    if (view.leftOut.length) {
      lines.push(
        `- Left out of the shape below (failed, or success rate under ${
          ratio(index.minSuccessRate)
        }): ${
          listSome(
            view.leftOut.map((l) => `${conc(l.point.concurrency)} (${l.reason})`),
            INLINE_ENTRIES,
          )
        }.`,
      );
    }
    if (view.repeats.length) {
      lines.push(
        "- A concurrency measured more than once is represented by its median-throughput run (the lower one of two).",
      );
    }
    const tput = throughputLine(view, index.maxGain);
    if (tput) lines.push(tput);
    else if (view.metric !== null) {
      lines.push(
        `- Fewer than two trustworthy points have ${
          metricWords(view.metric).lower
        }, so the throughput shape is not described.`,
      );
    }
    const lat = view.latency;
    if (lat) {
      lines.push(
        `- p99 TTFT goes from ${secs(lat.ttft.fromValue)} at ${
          conc(lat.ttft.from.concurrency)
        } to ${secs(lat.ttft.toValue)} at ${conc(lat.ttft.to.concurrency)}${
          growthNote(lat.ttft.fromValue, lat.ttft.toValue)
        }; p99 TPOT from ${ms(lat.tpot.fromValue)} to ${ms(lat.tpot.toValue)}${
          growthNote(lat.tpot.fromValue, lat.tpot.toValue)
        }.`,
      );
      const g = growthLine(view, kvSignals(view, findings, cellById));
      if (g) lines.push(g);
    } else if (view.p99Available) {
      lines.push(
        "- Fewer than two trustworthy points have both p99 TTFT and p99 TPOT, so latency growth is not assessed.",
      );
    }
  }
  pushAll(lines, dataGapLines(view, cellById));
  const kvLine = kvEvidenceLine(view, cellById);
  if (kvLine) lines.push(kvLine);
  const spikes = spikesOf(view, findings, index.cliffRatio);
  for (const s of spikes.slice(0, INLINE_ENTRIES)) lines.push(spikeLine(s, index.cliffRatio));
  if (spikes.length > INLINE_ENTRIES) {
    lines.push(
      `- ${
        spikes.length - INLINE_ENTRIES
      } more points at higher concurrencies look like outliers the same way (section 7 lists the re-runs).`,
    );
  }
  pushAll(lines, curveFindingLines(findings, cellById));
  return lines;
}

function section6(r: Report, index: Index): string[] {
  const out = ["## 6. Bottleneck analysis", ""];
  const total = r.cross_run.curves.length;
  if (total === 0) {
    const why = whyNoCurve(r);
    out.push(`Saturation cannot be located: ${why[0].toLowerCase()}${why.slice(1)}.`, "");
  } else {
    pushAll(out, curveTable(r, index));
    out.push("");
    const notDetailed = total - index.detailed.size;
    if (notDetailed > 0) {
      out.push(
        `The ${index.detailed.size} curves ranked first above, in detail (in curve order):`,
        "",
      );
    }
    for (const view of index.views((c) => index.detailed.has(c.curve_id))) {
      pushAll(out, curveBlock(view, index));
      out.push("");
    }
    if (notDetailed > 0) {
      let withFindings = 0;
      let findings = 0;
      let critical = 0;
      for (const rank of index.ranks) {
        if (index.detailed.has(rank.curveId)) continue;
        const n = rank.critical + rank.warning + rank.info;
        if (n > 0) withFindings++;
        findings += n;
        critical += rank.critical;
      }
      out.push(
        `${plural(notDetailed, "more curve")} ${
          notDetailed === 1 ? "is" : "are"
        } not detailed here; ${withFindings} of them carry ${plural(findings, "finding")}${
          critical > 0 ? ` (${critical} critical)` : ""
        }, all in \`report.json\` (\`findings\`; the curves in \`cross_run.curves\`).`,
        "",
      );
    }
  }
  pushAll(out, frontiers(r));
  if (index.otherFindings.length) {
    out.push("Other signals (not on a curve: run-level, eval-only or off-curve cells):", "");
    const other = index.otherFindings;
    pushAll(
      out,
      (other.length > OTHER_SIGNALS ? other.slice(0, OTHER_SIGNALS) : other).map(findingLine),
    );
    if (other.length > OTHER_SIGNALS) {
      out.push(
        "",
        `${plural(other.length - OTHER_SIGNALS, "more other signal")} ${
          other.length - OTHER_SIGNALS === 1 ? "is" : "are"
        } in \`report.json\` (\`findings\`).`,
      );
    }
  }
  return trimEndLines(out);
}

// ---------------------------------------------------------------------------------------------
// 7. Evidence-based next measurements

/** The directories a cell's artifacts are in, sorted. */
function dirsOf(artifacts: Record<string, unknown>): string[] {
  const dirs = new Set<string>();
  for (const paths of Object.values(artifacts)) {
    if (!Array.isArray(paths)) continue;
    for (const p of paths) {
      if (typeof p !== "string") continue;
      const slash = p.lastIndexOf("/");
      dirs.add(slash < 0 ? "." : p.slice(0, slash));
    }
  }
  return [...dirs].sort(compareText);
}

function fileNamesOf(artifacts: Record<string, unknown>): string[] {
  const names: string[] = [];
  for (const paths of Object.values(artifacts)) {
    if (!Array.isArray(paths)) continue;
    for (const p of paths) if (typeof p === "string") names.push(p.slice(p.lastIndexOf("/") + 1));
  }
  return [...new Set(names)].sort(compareText);
}

/** `` `a`, `b` and 3 more`` */
function someOf(items: readonly string[], show: (s: string) => string = codeSpan): string {
  const head = items.slice(0, PATHS_PER_ITEM).map(show).join(", ");
  return items.length > PATHS_PER_ITEM ? `${head} and ${items.length - PATHS_PER_ITEM} more` : head;
}

function whereFiles(artifacts: Record<string, unknown>): string {
  const dirs = dirsOf(artifacts);
  if (dirs.length === 0) return "";
  const show = (d: string) => d === "." ? "the input root" : codeSpan(`${d}/`);
  return ` (its files are in ${someOf(dirs, show)})`;
}

function serverMetricsOf(c: Cell | undefined): string[] {
  if (!c) return [];
  const out: string[] = [];
  for (const kind of SERVER_METRICS_KINDS) for (const p of c.artifacts[kind] ?? []) out.push(p);
  return out;
}

/** Sample count of an eval task: lm-eval `n-samples`, or the eval collection's `n_eff`. */
function evalSamples(c: Cell, task: string): number | null {
  const perTask = (c.notes.n_samples as Record<string, unknown> | undefined)?.[task];
  return numberAt(perTask, "effective") ?? numberAt(perTask, "original") ??
    numberAt(c.notes, "n_eff");
}

/**
 * One section-7 item. Items that share a `group` are listed one by one while there are at most
 * `ITEMS_PER_KIND` of them; more become one item (the group's summary, at the place of the
 * first) that counts them and names a few.
 */
interface Item {
  text: string;
  /** What kind of measurement it is, for the count of items not listed. */
  kind: string;
  group?: string;
  /** This item in its group's summary: a curve or cell, with a detail. */
  entry?: string;
  /** Codes the group's summary counts over its members. */
  tags?: readonly string[];
  /** A throughput gain whose range the group's summary states. */
  gain?: number | null;
}

/** Section 7's items: grouped where a kind repeats, then capped at `MAX_ITEMS`. */
class Items {
  #items: Item[] = [];
  #summaries = new Map<string, (members: readonly Item[]) => string>();

  /** Add an item; `summary` writes the one item its group becomes at scale. */
  add(item: Item, summary?: (members: readonly Item[]) => string): void {
    this.#items.push(item);
    if (item.group !== undefined && summary && !this.#summaries.has(item.group)) {
      this.#summaries.set(item.group, summary);
    }
  }

  /** Move the items of `other` (in their order) to the end of these. */
  append(other: Items): void {
    for (const it of other.#items) this.#items.push(it);
    for (const [k, f] of other.#summaries) if (!this.#summaries.has(k)) this.#summaries.set(k, f);
    other.#items = [];
  }

  /** The list lines. */
  lines(): string[] {
    const seen = new Set<string>();
    const unique = this.#items.filter((it) => !seen.has(it.text) && seen.add(it.text));
    const members = groupBy(unique.filter((it) => it.group !== undefined), (it) => it.group!);
    const listed: Item[] = [];
    const done = new Set<string>();
    for (const it of unique) {
      const group = it.group === undefined ? undefined : members.get(it.group)!;
      if (group === undefined || group.length <= ITEMS_PER_KIND) listed.push(it);
      else if (!done.has(it.group!)) {
        done.add(it.group!);
        listed.push({ text: this.#summaries.get(it.group!)!(group), kind: it.kind });
      }
    }
    const out = listed.slice(0, MAX_ITEMS).map((it) => `- ${it.text}`);
    if (listed.length > MAX_ITEMS) {
      const kinds = new Map<string, number>();
      for (const it of listed.slice(MAX_ITEMS)) kinds.set(it.kind, (kinds.get(it.kind) ?? 0) + 1);
      out.push(
        `- ${plural(listed.length - MAX_ITEMS, "more item")} (${
          [...kinds].map(([k, n]) => `${k} ${n}`).join(", ")
        }) ${
          listed.length - MAX_ITEMS === 1 ? "is" : "are"
        } not listed; the findings and curves behind them are in \`report.json\` (\`findings\`, \`cross_run.curves\`).`,
      );
    }
    return out;
  }
}

/** `` e.g. `a`, `b` and 3 more`` from the members' entries. */
function examples(members: readonly Item[]): string {
  return `e.g. ${someOf(members.map((m) => m.entry ?? ""), (s) => s)}`;
}

/** `` `tpot_degradation` on 12, `ttft_cliff` on 3`` from the members' tags. */
function tagCounts(members: readonly Item[]): string {
  const counts = new Map<string, number>();
  for (const m of members) for (const t of m.tags ?? []) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].sort(([a, x], [b, y]) => y - x || compareText(a, b))
    .map(([t, n]) => `${codeSpan(t)} on ${n}`).join(", ");
}

/** `by +5 % to +40 %` over the members' known gains, or nothing. */
function gainRange(members: readonly Item[]): string {
  const range = minMax(
    members.map((m) => m.gain).filter((g): g is number => typeof g === "number"),
  );
  if (range === null) return "";
  const [lo, hi] = range;
  return lo === hi ? ` (by ${change(lo)})` : ` (by ${change(lo)} to ${change(hi)})`;
}

/** `` `c12` (c12) `` for a cell of the report, `` `x` `` for an id it lacks, or "the run". */
function whoAt(id: string | null, cellById: ReadonlyMap<string, Cell>): string {
  if (id === null) return "the run";
  const c = cellById.get(id);
  return c ? cellAt(c.cell_id, c.concurrency) : codeSpan(id);
}

/** `17–20` for integers, or the one value. */
function countSpread(values: readonly number[]): string {
  let lo = values[0];
  let hi = values[0];
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

function section7(r: Report, index: Index): string[] {
  const out = ["## 7. Evidence-based next measurements", ""];
  const items = new Items();
  const { cellById } = index;
  const byCode = new Map<string, Finding[]>();
  for (const f of r.findings) {
    const list = byCode.get(f.code);
    if (list) list.push(f);
    else byCode.set(f.code, [f]);
  }
  const ofCode = (code: string) => byCode.get(code) ?? [];
  /** The curve of a finding: its cell's, else the one its evidence names. */
  const curveIdOf = (f: Finding) =>
    (f.cell_id === null ? undefined : index.curveOfCell.get(f.cell_id)?.curve_id) ??
      stringAt(f.evidence, "curve_id");

  // Runs to repeat: failed, partial, outliers.
  for (const c of r.cells) {
    if (c.status !== "failed") continue;
    items.add(
      {
        text: `Re-run ${cellAt(c.cell_id, c.concurrency)}: no request succeeded${
          whereFiles(c.artifacts)
        }.`,
        kind: "re-run",
        group: "failed",
        entry: cellAt(c.cell_id, c.concurrency),
      },
      (m) =>
        `Re-run the ${m.length} cells in which no request succeeded (status \`failed\` in \`report.json\`), ${
          examples(m)
        }.`,
    );
  }
  for (const f of ofCode("partial_run")) {
    const c = f.cell_id ? cellById.get(f.cell_id) : undefined;
    if (!c) continue;
    const sr = numberAt(f.evidence, "success_rate") ?? c.metrics.success_rate;
    items.add(
      {
        text: `Re-run ${cellAt(c.cell_id, c.concurrency)}: only ${
          ratio(sr)
        } of requests succeeded, so its latency tail describes a biased subset.`,
        kind: "re-run",
        group: "partial",
        entry: `${cellAt(c.cell_id, c.concurrency)} ${ratio(sr)}`,
      },
      (m) =>
        `Re-run the ${m.length} cells where only part of the requests succeeded (their \`partial_run\` findings), so their latency tails describe biased subsets: ${
          examples(m)
        } (success rate after each).`,
    );
  }
  const spikeCells = new Set<string>();
  const has = (codes: readonly string[]) => (c: Curve) =>
    (index.curveFindings.get(c.curve_id) ?? []).some((f) => codes.includes(f.code));
  for (const view of index.views(has(["ttft_cliff"]))) {
    const findings = index.curveFindings.get(view.curve.curve_id) ?? [];
    for (const s of spikesOf(view, findings, index.cliffRatio)) {
      spikeCells.add(s.to.cell_id);
      // Successful requests: a total can include failed requests and, in AgentX v1 and aiperf
      // cells, warm-up records, and would contradict the cell's `partial_run` counts.
      const req = (p: CurvePoint) =>
        cellById.get(p.cell_id)?.metrics.num_requests_successful ?? null;
      const before = s.from.map(req);
      const after = s.next.map(req);
      const self = req(s.to);
      const known = (xs: (number | null)[]): xs is number[] => xs.every((x) => x !== null);
      const fromConc = [...new Set(s.from.map((p) => p.concurrency))];
      const requests = self !== null && known(before) && known(after) && fromConc.length === 1
        ? `, and ${plural(self, "request")} succeeded in it against ${countSpread(before)} at ${
          conc(fromConc[0])
        } and ${countSpread(after)} at ${conc(s.next[0].concurrency)}`
        : "";
      items.add(
        {
          text: `Re-run ${
            cellAt(s.to.cell_id, s.to.concurrency)
          } before densifying around it: its p99 TTFT ${secs(s.to.p99_ttft)} jumps from ${
            ttftAt(s.from)
          } and falls back to ${
            ttftAt(s.next)
          }${requests}; a second run tells a one-off from a real cliff.`,
          kind: "re-run",
          group: "spike",
          entry: cellAt(s.to.cell_id, s.to.concurrency),
        },
        (m) =>
          `Re-run the ${m.length} points whose p99 TTFT jumps and falls back at the next concurrency (section 6 calls them outliers) before densifying around them; a second run tells a one-off from a real cliff: ${
            examples(m)
          }.`,
      );
    }
  }

  // Steps to densify: one item per curve step, naming every step finding of it.
  const steps = new Map<
    string,
    { from: number; to: number; cell: string | null; curve: string | null; codes: Set<string> }
  >();
  for (const f of r.findings) {
    if (!STEP_CODES.has(f.code)) continue;
    const from = numberAt(f.evidence.from, "concurrency");
    const to = numberAt(f.evidence.to, "concurrency");
    if (from === null || to === null || to - from <= 1) continue;
    const toCell = stringAt(f.evidence.to, "cell_id") ?? f.cell_id;
    if (toCell !== null && spikeCells.has(toCell)) continue;
    const curve = curveIdOf(f);
    const key = `${curve}\u0000${from}\u0000${to}`;
    const step = steps.get(key) ?? { from, to, cell: f.cell_id, curve, codes: new Set<string>() };
    step.codes.add(f.code);
    steps.set(key, step);
  }
  for (const step of [...steps.values()].sort((a, b) => a.from - b.from || a.to - b.to)) {
    const mid = Math.round(Math.sqrt(step.from * step.to));
    const codes = [...step.codes].sort();
    items.add(
      {
        text:
          `Densify concurrency between ${step.from} and ${step.to} (for example ${mid}) to locate where the ${
            codes.map((c) => codeSpan(c)).join(", ")
          } at ${step.cell ? codeSpan(step.cell) : "the run"} starts.`,
        kind: "densify",
        group: `densify\u0000${step.from}\u0000${step.to}`,
        entry: step.curve === null
          ? (step.cell ? codeSpan(step.cell) : "the run")
          : codeSpan(step.curve),
        tags: codes,
      },
      (m) =>
        `Densify concurrency between ${step.from} and ${step.to} (for example ${mid}) on ${m.length} curves to locate where their step findings start (${
          tagCounts(m)
        }): ${examples(m)}.`,
    );
  }

  // Curves whose throughput is still rising at the top (and, for later, their coverage).
  const coverage = new Items();
  for (const view of index.views()) {
    addCoverage(view, coverage);
    const rising = risingAtTop(view, index.maxGain);
    if (rising === null) continue;
    const { peak, metric } = view;
    const id = codeSpan(view.curve.curve_id);
    const label = escapeMd(curveLabel(view.curve));
    const top = peak!.to.concurrency;
    const lower = metricWords(metric!).lower;
    if (peakAtTop(view)) {
      items.add(
        {
          text: `Measure curve ${id} (${label}) beyond ${conc(top)}: ${lower} still rises ${
            riseText(view, rising.gain)
          }, so its peak has not been measured.`,
          kind: "measure",
          group: `beyond\u0000${top}`,
          entry: id,
          gain: rising.gain,
        },
        (m) =>
          `Measure beyond ${conc(top)} on ${m.length} curves whose throughput still rises into ${
            conc(top)
          }${gainRange(m)}, so their peaks have not been measured: ${examples(m)}.`,
      );
      continue;
    }
    // Higher concurrencies were measured but left out: re-run them rather than go beyond.
    const leftOut = new Map<CurvePoint, string>();
    for (const l of view.leftOut) leftOut.set(l.point, l.reason);
    const abovePoints = view.curve.points.filter((p) => p.concurrency > top);
    const above = abovePoints.map((p) =>
      `${conc(p.concurrency)} (${leftOut.get(p) ?? `no ${lower} data`})`
    );
    items.add(
      {
        text: `Re-run ${
          listSome(above, INLINE_ENTRIES)
        } of curve ${id} (${label}): ${lower} still rises ${
          riseText(view, rising.gain)
        }, the highest concurrency with a trustworthy run, and the ${
          above.length === 1 ? "point above it was" : "points above it were"
        } left out, so its peak has not been located.`,
        kind: "re-run",
        group: "left-out-above",
        entry: `${id} (${listSome([...new Set(abovePoints.map((p) => conc(p.concurrency)))], 3)})`,
        gain: rising.gain,
      },
      (m) =>
        `Re-run the left-out points above the highest trustworthy concurrency of ${m.length} curves whose throughput still rises into it${
          gainRange(m)
        }, so their peaks have not been located: ${examples(m)}.`,
    );
  }

  // KV signals: once per curve (or per off-curve cell), pointing at server metrics that exist.
  const kvSummary = (where: string) => (m: readonly Item[]) =>
    `${m.length} ${where} show KV signals (${
      tagCounts(m)
    }): read the server metrics already recorded for them where they exist, and elsewhere record KV usage, preemptions, prefix-cache hits and offload bytes over time (server metrics at 1 s), to see at which load pressure begins and reuse drops; ${
      examples(m)
    }.`;
  for (const view of index.views(has(KV_CODES))) {
    const findings = index.curveFindings.get(view.curve.curve_id) ?? [];
    const kv = kvSignals(view, findings, cellById);
    if (kv.length === 0) continue;
    const cellsWithKv = new Set<string>();
    for (const f of findings) {
      if (KV_CODES.includes(f.code) && f.cell_id) cellsWithKv.add(f.cell_id);
    }
    items.add({
      text: `Curve ${codeSpan(view.curve.curve_id)} (${escapeMd(curveLabel(view.curve))}) shows ${
        kv.map((k) => k.text).join(", ")
      }: ${kvMeasurement([...cellsWithKv], cellById)}`,
      kind: "KV",
      group: "kv-curve",
      entry: codeSpan(view.curve.curve_id),
      tags: kv.map((k) => k.code),
    }, kvSummary("curves"));
  }
  for (const f of index.otherFindings) {
    if (!KV_CODES.includes(f.code)) continue;
    const c = f.cell_id ? cellById.get(f.cell_id) : undefined;
    const who = f.cell_id === null
      ? "The run"
      : c
      ? cellAt(c.cell_id, c.concurrency)
      : `${codeSpan(f.cell_id)} (a cell this report does not hold)`;
    items.add({
      text: `${who} shows ${codeSpan(f.code)}: ${kvMeasurement(c ? [c.cell_id] : [], cellById)}`,
      kind: "KV",
      group: "kv-cell",
      entry: whoAt(f.cell_id, cellById),
      tags: [f.code],
    }, kvSummary("cells outside any curve"));
  }

  // Inputs to recover.
  for (const f of ofCode("missing_required_artifact")) {
    const c = f.cell_id ? cellById.get(f.cell_id) : undefined;
    if (!c) {
      items.add(
        {
          text: `Recover or re-run: ${escapeMd(f.message)}.`,
          kind: "recover",
          group: "recover-missing",
          entry: f.cell_id === null ? escapeMd(f.message) : codeSpan(f.cell_id),
        },
        (m) =>
          `Recover or re-run the ${m.length} inputs that \`missing_required_artifact\` findings without a usable cell name (all listed in section 3): ${
            examples(m)
          }.`,
      );
      continue;
    }
    const arts = (f.evidence.artifacts && typeof f.evidence.artifacts === "object"
      ? f.evidence.artifacts
      : c.artifacts) as Record<string, unknown>;
    const names = fileNamesOf(arts);
    const required = stringAt(f.evidence, "required");
    items.add({
      text: `Recover or re-run ${
        cellAt(c.cell_id, c.concurrency)
      }: it has no usable primary record${required ? ` (${escapeMd(required)})` : ""}${
        whereFiles(arts)
      }${names.length ? `; found there: ${someOf(names)}` : ""}.`,
      kind: "recover",
      group: "recover-cell",
      entry: cellAt(c.cell_id, c.concurrency),
    }, (m) =>
      `Recover or re-run the ${m.length} cells without a usable primary record (their \`missing_required_artifact\` findings list the files found): ${
        examples(m)
      }.`);
  }
  for (const f of ofCode("metrics_unavailable")) {
    items.add(
      {
        text: `Collect what ${f.cell_id ? codeSpan(f.cell_id) : "the run"} lacks: ${
          escapeMd(f.message)
        }.`,
        kind: "inputs",
        group: "collect",
        entry: f.cell_id ? codeSpan(f.cell_id) : "the run",
      },
      (m) =>
        `Collect what ${m.length} cells lack (their \`metrics_unavailable\` findings in section 3 name the metrics): ${
          examples(m)
        }.`,
    );
  }
  const unreadable: string[] = [];
  for (const f of ofCode("artifact_unreadable")) {
    const path = stringAt(f.evidence, "path");
    if (path === null) continue;
    if (f.evidence.unreadable === true) unreadable.push(path);
    else {
      const n = numberAt(f.evidence, "issue_count");
      const first = Array.isArray(f.evidence.issues) ? f.evidence.issues[0] : undefined;
      const line = numberAt(first, "line");
      items.add(
        {
          text: `Check ${codeSpan(path)}: ${n === null ? "some" : n} line${
            n === 1 ? "" : "s"
          } could not be read${
            line === null ? "" : ` (first at line ${line})`
          }, and the report used the rest; a clean copy would complete its data.`,
          kind: "inputs",
          group: "check-lines",
          entry: codeSpan(path),
        },
        (m) =>
          `Check the ${m.length} files in which some lines could not be read (the report used the rest; clean copies would complete their data): ${
            examples(m)
          }.`,
      );
    }
  }
  if (unreadable.length) {
    const s = r.run_summary;
    const none = s.artifacts_parsed === 0
      ? `None of the ${s.artifacts_discovered} discovered inputs could be read, so this report holds no measurement: r`
      : "R";
    items.add({
      text: `${none}ecover readable copies of the ${
        plural(unreadable.length, "unreadable input")
      } (${someOf(unreadable)}) and analyze again; nothing in them reached this report.`,
      kind: "inputs",
    });
  }

  // Consistency of the numbers.
  for (const f of ofCode("aggregate_mismatch")) {
    const c = f.cell_id ? cellById.get(f.cell_id) : undefined;
    const agg = stringAt(f.evidence, "aggregate");
    const fields = f.evidence.fields && typeof f.evidence.fields === "object"
      ? Object.keys(f.evidence.fields)
      : [];
    items.add(
      {
        text: `Check which run produced ${agg ? codeSpan(agg) : "the aggregate"} of ${
          c ? cellAt(c.cell_id, c.concurrency) : "the run"
        }: it disagrees with the measured data on ${
          someOf(fields, escapeMd)
        }; the report uses the measured values.`,
        kind: "consistency",
        group: "aggregate",
        entry: whoAt(f.cell_id, cellById),
      },
      (m) =>
        `Check which runs produced the aggregates of ${m.length} cells that disagree with their measured data (the report uses the measured values): ${
          examples(m)
        }.`,
    );
  }
  for (const f of ofCode("gpu_count_mismatch")) {
    const c = f.cell_id ? cellById.get(f.cell_id) : undefined;
    const [total, p, d] = ["num_gpus", "num_prefill_gpu", "num_decode_gpu"].map((k) =>
      numberAt(f.evidence, k)
    );
    items.add(
      {
        text: `Confirm the GPU count of ${
          c ? cellAt(c.cell_id, c.concurrency) : "the run"
        } from its launch logs or configuration: it states ${total ?? "?"} GPUs but prefill ${
          p ?? "?"
        } + decode ${d ?? "?"} = ${
          p !== null && d !== null ? p + d : "?"
        }, and its per-GPU throughput depends on which is right.`,
        kind: "consistency",
        group: "gpus",
        entry: whoAt(f.cell_id, cellById),
      },
      (m) =>
        `Confirm the GPU counts of ${m.length} cells from their launch logs or configuration: each states a total other than prefill + decode, and its per-GPU throughput depends on which is right; ${
          examples(m)
        }.`,
    );
  }

  // Live overlay criticals.
  for (const f of r.findings) {
    if (f.source !== "timeline" || f.severity !== "critical") continue;
    const c = f.cell_id ? cellById.get(f.cell_id) : undefined;
    items.add(
      {
        text: `Re-measure ${
          c ? cellAt(c.cell_id, c.concurrency) : "the run"
        } with the live overlay recording (\`inferguard disagg status --watch --timeline …\`) and compare its samples with the benchmark window: the overlay saw ${
          codeSpan(f.code)
        } (${escapeMd(f.message)})${seenSuffix(f)}.`,
        kind: "live overlay",
        group: `live\u0000${f.code}`,
        entry: whoAt(f.cell_id, cellById),
      },
      (m) =>
        `Re-measure ${m.length} cells with the live overlay recording (\`inferguard disagg status --watch --timeline …\`) and compare their samples with the benchmark window: the overlay saw ${
          codeSpan(f.code)
        } at each (section 5); ${examples(m)}.`,
    );
  }

  // Evals.
  const regressions = new Map<string, Finding[]>();
  for (const f of ofCode("eval_regression")) {
    const key = f.cell_id ?? "";
    const list = regressions.get(key);
    if (list) list.push(f);
    else regressions.set(key, [f]);
  }
  for (const [cellId, list] of regressions) {
    const c = cellById.get(cellId);
    const metrics = list.map((f) => {
      const task = stringAt(f.evidence, "task") ?? "?";
      const metric = stringAt(f.evidence, "metric") ?? "?";
      const delta = numberAt(f.evidence, "delta");
      const allowed = numberAt(f.evidence, "allowed_change");
      return `${escapeMd(task)} ${escapeMd(metric)} ${
        delta === null ? "below" : fmt(delta, 3)
      } against the baseline (noise allowance ${fmt(allowed, 3)})`;
    });
    items.add(
      {
        text: `Repeat the eval of ${
          c ? cellAt(c.cell_id, c.concurrency) : "the run"
        } on the same samples to tell a real regression from run-to-run noise: ${
          metrics.join("; ")
        }.`,
        kind: "eval",
        group: "eval-regression",
        entry: c ? cellAt(c.cell_id, c.concurrency) : "the run",
      },
      (m) =>
        `Repeat the evals of ${m.length} cells on the same samples to tell real regressions from run-to-run noise (their \`eval_regression\` findings give each change): ${
          examples(m)
        }.`,
    );
  }
  for (const c of r.cells) {
    if (c.eval === null) continue;
    const zeros: string[] = [];
    let samples: number | null = null;
    for (const [task, metrics] of Object.entries(c.eval)) {
      const n = evalSamples(c, task);
      if (n !== null && n < EVAL_ZERO_MIN_SAMPLES) continue;
      for (const [metric, v] of Object.entries(metrics)) {
        if (v.value === 0) {
          zeros.push(`${task} ${metric}`);
          if (n !== null) samples = Math.max(samples ?? 0, n);
        }
      }
    }
    if (zeros.length === 0) continue;
    const source = stringAt(c.notes, "source");
    items.add(
      {
        text: `Inspect the eval outputs of ${cellAt(c.cell_id, c.concurrency)}${
          source ? ` (${codeSpan(source)})` : ""
        }: ${someOf(zeros, escapeMd)} ${zeros.length === 1 ? "is" : "are"} exactly 0${
          samples === null ? "" : ` over ${samples} samples`
        }, which looks like failed requests or answers that were not extracted rather than a measured accuracy.`,
        kind: "eval",
        group: "eval-zero",
        entry: cellAt(c.cell_id, c.concurrency),
      },
      (m) =>
        `Inspect the eval outputs of ${m.length} cells with a score of exactly 0 over at least ${EVAL_ZERO_MIN_SAMPLES} samples, which looks like failed requests or answers that were not extracted rather than a measured accuracy: ${
          examples(m)
        }.`,
    );
  }

  // Curve coverage (collected in the pass over the curves above).
  items.append(coverage);
  const lines = items.lines();
  if (lines.length === 0) out.push("Nothing in the evidence calls for another measurement.");
  else pushAll(out, lines);
  return out;
}

/** Section 7's items about how much of a curve was measured: too few concurrencies, re-runs. */
function addCoverage(view: CurveView, items: Items): void {
  const curve = view.curve;
  const id = codeSpan(curve.curve_id);
  const label = escapeMd(curveLabel(curve));
  const k = view.concurrencies.length;
  if (k === 0) return;
  const reruns = listSome(view.repeats.map((r) => conc(r.concurrency)), INLINE_ENTRIES);
  if (k === 1 && view.repeats.length) {
    items.add(
      {
        text: `Curve ${id} (${label}) has only re-runs at ${
          conc(view.concurrencies[0])
        } (${curve.points.length} runs): compare them before publishing one, and add concurrencies to see its shape.`,
        kind: "coverage",
        group: "only-reruns",
        entry: id,
      },
      (m) =>
        `Compare the re-runs of ${m.length} curves measured at one concurrency only before publishing one, and add concurrencies to see their shapes: ${
          examples(m)
        }.`,
    );
    return;
  }
  if (k < 3) {
    items.add(
      {
        text: `Curve ${id} (${label}) has ${plural(k, ["concurrency", "concurrencies"])} (${
          view.concurrencies.map(conc).join(", ")
        }); add concurrencies to see its shape.`,
        kind: "coverage",
        group: "few-concurrencies",
        entry: id,
      },
      (m) =>
        `Add concurrencies to ${m.length} curves measured at fewer than 3 to see their shapes: ${
          examples(m)
        }.`,
    );
  }
  if (view.repeats.length) {
    items.add(
      {
        text:
          `Curve ${id} has repeated concurrencies (${reruns}); compare the re-runs before publishing one of them.`,
        kind: "coverage",
        group: "repeats",
        entry: id,
      },
      (m) =>
        `Compare the re-runs of ${m.length} curves with repeated concurrencies before publishing one of each: ${
          examples(m)
        }.`,
    );
  }
}

/** What to measure about KV pressure at these cells, pointing at server metrics already there. */
function kvMeasurement(cellIds: readonly string[], cellById: ReadonlyMap<string, Cell>): string {
  const have: string[] = [];
  const lack: number[] = [];
  let lackUnknown = 0;
  for (const id of cellIds) {
    const c = cellById.get(id);
    const files = serverMetricsOf(c);
    if (files.length) have.push(files[0]);
    else if (c?.concurrency !== null && c?.concurrency !== undefined) lack.push(c.concurrency);
    else lackUnknown++;
  }
  const parts: string[] = [];
  if (have.length) {
    const names = [...new Set(have.map((p) => p.slice(p.lastIndexOf("/") + 1)))].sort(compareText);
    parts.push(
      `the server metrics already recorded for ${
        have.length === cellIds.length ? "these points" : `${have.length} of them`
      } (${someOf(names)} in each run directory, e.g. ${
        codeSpan(have.sort(compareText)[0])
      }) hold KV usage, preemptions, prefix-cache hits and offload bytes over time: read them to see at which load pressure begins and reuse drops`,
    );
  }
  if (lack.length || lackUnknown || cellIds.length === 0) {
    const where = lack.length
      ? ` at ${listSome([...new Set(lack)].sort((a, b) => a - b).map(conc), INLINE_ENTRIES)}`
      : cellIds.length
      ? " for these cells"
      : "";
    parts.push(
      `record KV usage, preemptions, prefix-cache hits and offload bytes over time (server metrics at 1 s)${where} to see at which load pressure begins and reuse drops`,
    );
  }
  return `${parts.join("; ")}.`;
}

// ---------------------------------------------------------------------------------------------
// 8. Manifest

function section8(r: Report): string[] {
  const out = ["## 8. Co-publish artifact manifest", ""];
  const d = r.artifact_manifest.discovered;
  if (d.length === 0) out.push("No artifact was discovered.");
  else {
    out.push(
      "Publish these inputs with the report. Paths are relative to the input root, one row per directory; each file shows its name, kind and size in bytes, then ✓ when it was parsed (a file only listed has no mark; a problem is spelled out) and → its cell when that is not the row's.",
      "",
    );
    const listed = d.length > MANIFEST_ROWS ? d.slice(0, MANIFEST_ROWS) : d;
    const rows = groupByDirectory(listed).map((g) => {
      const files = g.files.map(({ name, entry }) => {
        const mark = entry.issue ? ` ⚠ ${escapeMd(entry.issue)}` : entry.parsed ? " ✓" : "";
        const cell = entry.cell === g.cell
          ? ""
          : ` → ${entry.cell === null ? "no cell" : tcode(entry.cell)}`;
        return `${tcode(name)} ${entry.kind} ${entry.size}${mark}${cell}`;
      });
      return [
        g.dir === "" ? "(input root)" : tcode(`${g.dir}/`),
        g.cell === undefined ? "per file" : g.cell === null ? "—" : tcode(g.cell),
        files.join("; "),
      ];
    });
    pushAll(out, table(["Directory", "Cell", "Files"], rows));
    if (d.length > MANIFEST_ROWS) {
      out.push("", `${d.length - MANIFEST_ROWS} more artifacts are listed in \`report.json\`.`);
    }
  }
  const w = r.artifact_manifest.written.filter((x) => x.sha256 !== null);
  if (w.length) {
    out.push("", "Written with this report:", "");
    pushAll(out, w.map((x) => `- ${codeSpan(x.path)}: ${x.size} bytes, sha256 ${x.sha256}`));
  }
  return out;
}

/** The sections in order; each returns its lines. */
const SECTIONS: readonly ((r: Report, index: Index) => string[])[] = [
  section1,
  section2,
  section3,
  section4,
  section5,
  section6,
  section7,
  section8,
];

/**
 * Render the Markdown report: eight sections, every value from the inputs escaped.
 *
 * @example
 * ```ts
 * const md = renderMarkdown(report);
 * ```
 */
export function renderMarkdown(report: Report): string {
  // Every line of the document, then one join: the report is built as one string once, rather
  // than once per section and again for the whole (each copy of a large string costs fresh
  // memory, which is slow to come by). A blank line separates sections; the empty last line
  // gives the final newline.
  const index = buildIndex(report);
  const lines = ["# inferguard report"];
  for (const section of SECTIONS) {
    lines.push("");
    pushAll(lines, section(report, index));
  }
  lines.push("");
  return lines.join("\n");
}

/** Lines joined into one piece by {@link renderMarkdownChunks}: pieces stay small strings. */
const LINES_PER_CHUNK = 200;

/**
 * The Markdown report in pieces, one section at a time; their concatenation is exactly
 * {@link renderMarkdown}'s text. For writing: the whole document never exists as one string,
 * and only one section's lines are held at a time.
 *
 * @example
 * ```ts
 * await writeAtomic("out", "report.md", renderMarkdownChunks(report));
 * ```
 */
export function* renderMarkdownChunks(report: Report): Generator<string> {
  const index = buildIndex(report);
  yield "# inferguard report\n";
  for (const section of SECTIONS) {
    const lines = section(report, index);
    yield "\n";
    for (let i = 0; i < lines.length; i += LINES_PER_CHUNK) {
      if (i > 0) yield "\n";
      yield lines.slice(i, i + LINES_PER_CHUNK).join("\n");
    }
    yield "\n";
  }
}
