/**
 * `report.md`: the human-readable report, generated only from the report's evidence.
 * @module
 */
import type { Report } from "../lib/analyze.ts";
import type { Curve, CurvePoint, Frontier } from "../lib/curves.ts";
import type { Cell, Finding } from "../lib/types.ts";
import { codeSpan, escapeMd } from "./escape.ts";
import {
  bytes,
  change,
  conc,
  concList,
  fmt,
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
import { groupByDirectory } from "./_manifest_groups.ts";

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
  } else if (k.tp !== null && k.tp !== undefined) parts.push(`tp${k.tp}`);
  if (k.spec_decoding && k.spec_decoding !== "none") parts.push(`spec ${k.spec_decoding}`);
  if (k.offload_mode && k.offload_mode !== "none") parts.push(`offload ${k.offload_mode}`);
  return parts.length ? parts.join(" · ") : "unknown configuration";
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
   * every curve at once, the views of a 50,000-cell report cost tens of MB at the peak.
   */
  views: () => Iterable<CurveView>;
  /** Findings of section 6 by curve id (cells on a curve), in report order. */
  curveFindings: ReadonlyMap<string, Finding[]>;
  /** Findings of section 6 that belong to no curve, in report order. */
  otherFindings: readonly Finding[];
  /** Findings about the inputs (section 3), in report order. */
  inputFindings: readonly Finding[];
  minSuccessRate: number;
  maxGain: number;
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
  const successRate = (id: string) => cellById.get(id)?.metrics.success_rate ?? null;
  const views = function* (): Iterable<CurveView> {
    for (const c of r.cross_run.curves) yield curveView(c, { successRate, minSuccessRate });
  };
  const curveFindings = new Map<string, Finding[]>();
  const otherFindings: Finding[] = [];
  const inputFindings: Finding[] = [];
  for (const f of r.findings) {
    if (INPUT_CODES.has(f.code)) {
      inputFindings.push(f);
      continue;
    }
    const curve = f.cell_id === null ? undefined : curveOfCell.get(f.cell_id);
    if (curve === undefined) {
      otherFindings.push(f);
      continue;
    }
    const list = curveFindings.get(curve.curve_id);
    if (list) list.push(f);
    else curveFindings.set(curve.curve_id, [f]);
  }
  return {
    cellById,
    curveOfCell,
    views,
    curveFindings,
    otherFindings,
    inputFindings,
    minSuccessRate,
    maxGain,
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
    critical: "**Verdict: critical findings.** At least one result cannot be trusted as published.",
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
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  if (byCode.length) {
    out.push(`- Findings by code: ${byCode.map(([c, n]) => `${codeSpan(c)} ${n}`).join(", ")}`);
  }
  out.push(
    `- Artifacts: ${s.artifacts_discovered} discovered, ${s.artifacts_parsed} parsed, ${s.artifacts_unreadable} unreadable`,
    `- Curves: ${r.cross_run.curves.length}; Pareto frontiers: ${r.cross_run.pareto_frontier.length}`,
  );
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
  for (const f of r.findings) {
    if (shown.has(f)) continue;
    if (INPUT_CODES.has(f.code)) inSection3++;
    else inSection6++;
  }
  const more = inSection3 + inSection6;
  if (more > 0) {
    const where: string[] = [];
    if (inSection3) where.push(`${inSection3} in section 3 (inputs)`);
    if (inSection6) where.push(`${inSection6} in section 6 (by curve, then other signals)`);
    out.push(
      "",
      `${top.length ? `${plural(more, "more finding")}` : plural(more, "finding")}: ${
        where.join(", ")
      }; every finding is in \`report.json\`.`,
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 2. Benchmark matrix

function concurrencyCell(view: CurveView): string {
  const runs = new Map<number, number>();
  for (const r of view.repeats) runs.set(r.concurrency, r.runs);
  return view.concurrencies.map((c) => {
    const n = runs.get(c);
    return n === undefined ? String(c) : `${c} ×${n}`;
  }).join(", ");
}

function section2(r: Report, index: Index): string[] {
  const out = ["## 2. Benchmark matrix", ""];
  let onCurves = 0;
  for (const c of r.cells) if (index.curveOfCell.has(c.cell_id)) onCurves++;
  if (r.cells.length > 0) {
    out.push(
      `Cells: ${r.cells.length}, of which ${onCurves} are points of the ${
        plural(r.cross_run.curves.length, "curve")
      } below and ${r.cells.length - onCurves} are outside any curve.`,
      "",
    );
  }
  if (r.cross_run.curves.length === 0) {
    out.push("No cell has a known concurrency, so no curve could be formed.");
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
    .sort((a, b) => byteOrder(a.label, b.label) || byteOrder(a.why, b.why))
    .map((g) => {
      total += g.cells.length;
      g.cells.sort((a, b) =>
        (a.concurrency ?? -1) - (b.concurrency ?? -1) || byteOrder(a.cell_id, b.cell_id)
      );
      return `- ${escapeMd(g.label)} — ${g.why}: ${
        g.cells.map((c) => cellAt(c.cell_id, c.concurrency)).join(", ")
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
  for (const f of r.cross_run.pareto_frontier) {
    out.push(
      `Pareto frontier **${escapeMd(frontierLabel(f))}** (${
        codeSpan(f.frontier_id)
      }): the points no other point beats in both throughput per GPU and interactivity, by throughput.`,
      "",
    );
    pushAll(
      out,
      table(
        ["Conc", "Tput/GPU (tok/s)", "Intvty (tok/s/user)", "Cells"],
        frontierRows(f),
      ),
    );
    out.push("");
  }
  return out;
}

/** A frontier's rows; points with equal concurrency, throughput and interactivity share one. */
function frontierRows(f: Frontier): string[][] {
  const rows: string[][] = [];
  let prev: Frontier["points"][number] | null = null;
  for (const p of f.points) {
    if (
      prev !== null && prev.concurrency === p.concurrency &&
      prev.tput_per_gpu === p.tput_per_gpu && prev.intvty === p.intvty
    ) {
      rows[rows.length - 1][3] += `, ${tcode(p.cell_id)}`;
      continue;
    }
    rows.push([
      p.concurrency === null ? "—" : String(p.concurrency),
      fmt(p.tput_per_gpu),
      fmt(p.intvty),
      tcode(p.cell_id),
    ]);
    prev = p;
  }
  return rows;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a === b ? 0 : 1;
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
        [...kinds.entries()].sort(([a], [b]) => byteOrder(a, b)).map(([k, v]) => [
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
  if (r.run_summary.expected_cells !== null) {
    out.push(
      "",
      `The campaign manifest expects ${r.run_summary.expected_cells} cell(s); ${
        r.run_summary.missing_artifacts.filter((m) => m.cell_id === null).length
      } of them are missing.`,
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
    .sort((a, b) => byteOrder(a.cell_id, b.cell_id));
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
  const why = warmup !== null && warmup > 0 ? `; the total counts ${warmup} warm-up records` : "";
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
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (known.length === 0) return "—";
  let min = known[0];
  let max = known[0];
  for (const v of known) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return `${min === max ? fmt(min * scale) : `${fmt(min * scale)}–${fmt(max * scale)}`} ${unit}`;
}

/** The concurrencies (and cells) of points, for a "which points" sentence. */
function pointList(points: readonly CurvePoint[], note?: (p: CurvePoint) => string): string {
  return points.map((p) =>
    `${conc(p.concurrency)} (${codeSpan(p.cell_id)}${note ? `, ${note(p)}` : ""})`
  ).join(", ");
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

/** A curve's findings as lines: by concurrency (steps after their start point), repeats folded. */
function curveFindingLines(findings: readonly Finding[], cellById: ReadonlyMap<string, Cell>) {
  const rows = findings.map((f) => {
    const place = findingPlace(f, cellById);
    const severity = f.severity === "critical" ? " (critical)" : "";
    const text = `${place.text ? `${place.text} ` : ""}${codeSpan(f.code)}${severity}: ${
      escapeMd(f.message)
    }${seenSuffix(f)}`;
    return { ...place, code: f.code, text };
  }).sort((a, b) =>
    a.from - b.from || a.to - b.to || byteOrder(a.code, b.code) || byteOrder(a.text, b.text)
  );
  const out: string[] = [];
  let i = 0;
  while (i < rows.length) {
    let j = i;
    while (j + 1 < rows.length && rows[j + 1].text === rows[i].text) j++;
    out.push(`- ${rows[i].text}${j > i ? ` (×${j - i + 1}: re-runs with the same result)` : ""}`);
    i = j + 1;
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
  const ttft = lat.ttft.toValue / lat.ttft.fromValue;
  const tpot = lat.tpot.toValue / lat.tpot.fromValue;
  const over = `Over ${conc(lat.ttft.from.concurrency)}–${conc(lat.ttft.to.concurrency)}${
    view.leftOut.length ? " (trustworthy points only)" : ""
  }`;
  const material = ttft > MATERIAL_GROWTH || tpot > MATERIAL_GROWTH;
  const signal = kv.length ? `KV-capacity signal: ${kv.map((k) => k.text).join("; ")}` : "";
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

/** The throughput sentence of a curve with two or more trustworthy points with throughput. */
function throughputLine(view: CurveView, maxGain: number): string | null {
  const { peak, lastStep, metric } = view;
  if (peak === null || lastStep === null || metric === null) return null;
  const { name, unit } = metricWords(metric);
  const vsFirst = peak.to === peak.from
    ? ""
    : `, ${times(peak.toValue / peak.fromValue)} the ${conc(peak.from.concurrency)} value`;
  if (peak.to === lastStep.to && lastStep.toValue > lastStep.fromValue) {
    const top = view.concurrencies[view.concurrencies.length - 1] === peak.to.concurrency
      ? "the top measured concurrency"
      : "the highest concurrency with a trustworthy run";
    const gain = lastStep.toValue / lastStep.fromValue - 1;
    return `- ${name} is highest at ${top}, ${conc(peak.to.concurrency)} (${
      fmt(peak.toValue)
    } ${unit}${vsFirst}), and ${gain >= maxGain ? "still rising" : "nearly flat"}: ${
      change(gain)
    } over ${conc(lastStep.from.concurrency)}.`;
  }
  const after = peak.to === lastStep.to
    ? ""
    : `; at ${conc(lastStep.to.concurrency)} it is ${fmt(lastStep.toValue)} ${unit} (${
      change(lastStep.toValue / peak.toValue - 1)
    } from the peak)`;
  return `- ${name} peaks at ${fmt(peak.toValue)} ${unit} at ${
    conc(peak.to.concurrency)
  }${vsFirst}${after}.`;
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
  if (empty.length) {
    out.push(`- No throughput or latency data at ${pointList(empty, status)}.`);
  }
  const tputOnly = view.noThroughput.filter((p) => !emptySet.has(p));
  if (tputOnly.length) {
    const what = view.metric === null ? "throughput" : metricWords(view.metric).lower;
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
  for (const p of view.curve.points) {
    const m = cellById.get(p.cell_id)?.metrics;
    if (!m || (m.gpu_kv_usage_p95 === null && m.server_gpu_cache_hit_rate === null)) continue;
    const cpu = m.server_cpu_cache_hit_rate !== null && m.server_cpu_cache_hit_rate > 0
      ? `, CPU hit ${ratio(m.server_cpu_cache_hit_rate)}`
      : "";
    parts.push(
      `${conc(p.concurrency)}: KV p95 ${ratio(m.gpu_kv_usage_p95)}, GPU hit ${
        ratio(m.server_gpu_cache_hit_rate)
      }${cpu}`,
    );
  }
  return parts.length
    ? `- KV and cache evidence (GPU KV usage p95 and server cache hit rates, 0–1): ${
      parts.join("; ")
    }.`
    : null;
}

/** A TTFT cliff into a point the next point falls back from: the point, and its neighbours. */
interface Spike {
  from: CurvePoint;
  to: CurvePoint;
  next: CurvePoint;
  finding: Finding;
}

function spikesOf(view: CurveView, findings: readonly Finding[]): Spike[] {
  const cliffs = findings.filter((f) => f.code === "ttft_cliff");
  if (cliffs.length === 0) return [];
  const next = nextWithTtft(view.curve);
  const byId = new Map<string, CurvePoint>();
  for (const p of view.curve.points) byId.set(p.cell_id, p);
  const out: Spike[] = [];
  for (const f of cliffs) {
    const from = byId.get(stringAt(f.evidence.from, "cell_id") ?? "");
    const to = byId.get(stringAt(f.evidence.to, "cell_id") ?? "");
    const n = to ? next.get(to.cell_id) : undefined;
    if (!from || !to || !n || to.p99_ttft === null || n.p99_ttft === null) continue;
    if (n.p99_ttft < to.p99_ttft) out.push({ from, to, next: n, finding: f });
  }
  return out;
}

function section6(r: Report, index: Index): string[] {
  const out = ["## 6. Bottleneck analysis", ""];
  const { cellById } = index;
  if (r.cross_run.curves.length === 0) {
    out.push(
      "No curve could be formed (no cell with a known concurrency), so saturation cannot be located.",
      "",
    );
  }
  for (const view of index.views()) {
    const curve = view.curve;
    const findings = index.curveFindings.get(curve.curve_id) ?? [];
    const k = view.concurrencies.length;
    const n = curve.points.length;
    const head = `**${escapeMd(curveLabel(curve))}** (${codeSpan(curve.curve_id)})`;
    const lines: string[] = [];
    if (k === 1) {
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
          view.repeats.map((r) => `${conc(r.concurrency)} (${r.runs} runs)`).join(", ")
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
          }): ${view.leftOut.map((l) => `${conc(l.point.concurrency)} (${l.reason})`).join(", ")}.`,
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
          } to ${secs(lat.ttft.toValue)} at ${conc(lat.ttft.to.concurrency)} (${
            times(lat.ttft.toValue / lat.ttft.fromValue)
          }); p99 TPOT from ${ms(lat.tpot.fromValue)} to ${ms(lat.tpot.toValue)} (${
            times(lat.tpot.toValue / lat.tpot.fromValue)
          }).`,
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
    for (const s of spikesOf(view, findings)) {
      lines.push(
        `- ${conc(s.to.concurrency)} looks like an outlier rather than a cliff: its p99 TTFT ${
          secs(s.to.p99_ttft)
        } falls back to ${secs(s.next.p99_ttft)} at ${conc(s.next.concurrency)}.`,
      );
    }
    pushAll(lines, curveFindingLines(findings, cellById));
    pushAll(out, lines);
    out.push("");
  }
  pushAll(out, frontiers(r));
  if (index.otherFindings.length) {
    out.push("Other signals (not on a curve: run-level, eval-only or off-curve cells):", "");
    pushAll(out, index.otherFindings.map(findingLine));
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
  return [...dirs].sort(byteOrder);
}

function fileNamesOf(artifacts: Record<string, unknown>): string[] {
  const names: string[] = [];
  for (const paths of Object.values(artifacts)) {
    if (!Array.isArray(paths)) continue;
    for (const p of paths) if (typeof p === "string") names.push(p.slice(p.lastIndexOf("/") + 1));
  }
  return [...new Set(names)].sort(byteOrder);
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

function section7(r: Report, index: Index): string[] {
  const out = ["## 7. Evidence-based next measurements", ""];
  const items: string[] = [];
  const { cellById } = index;
  const byCode = new Map<string, Finding[]>();
  for (const f of r.findings) {
    const list = byCode.get(f.code);
    if (list) list.push(f);
    else byCode.set(f.code, [f]);
  }
  const ofCode = (code: string) => byCode.get(code) ?? [];

  // Runs to repeat: failed, partial, outliers.
  for (const c of r.cells) {
    if (c.status === "failed") {
      items.push(
        `Re-run ${cellAt(c.cell_id, c.concurrency)}: no request succeeded${
          whereFiles(c.artifacts)
        }.`,
      );
    }
  }
  for (const f of ofCode("partial_run")) {
    const c = f.cell_id ? cellById.get(f.cell_id) : undefined;
    if (!c) continue;
    const sr = numberAt(f.evidence, "success_rate") ?? c.metrics.success_rate;
    items.push(
      `Re-run ${cellAt(c.cell_id, c.concurrency)}: only ${
        ratio(sr)
      } of requests succeeded, so its latency tail describes a biased subset.`,
    );
  }
  const spikeCells = new Set<string>();
  for (const view of index.views()) {
    for (const s of spikesOf(view, index.curveFindings.get(view.curve.curve_id) ?? [])) {
      spikeCells.add(s.to.cell_id);
      const req = (p: CurvePoint) => cellById.get(p.cell_id)?.metrics.num_requests_total ?? null;
      const [a, b, c] = [req(s.from), req(s.to), req(s.next)];
      const requests = a !== null && b !== null && c !== null
        ? `, and it completed ${plural(b, "request")} against ${a} at ${
          conc(s.from.concurrency)
        } and ${c} at ${conc(s.next.concurrency)}`
        : "";
      items.push(
        `Re-run ${
          cellAt(s.to.cell_id, s.to.concurrency)
        } before densifying around it: its p99 TTFT ${secs(s.to.p99_ttft)} jumps from ${
          secs(s.from.p99_ttft)
        } at ${conc(s.from.concurrency)} and falls back to ${secs(s.next.p99_ttft)} at ${
          conc(s.next.concurrency)
        }${requests}; a second run tells a one-off from a real cliff.`,
      );
    }
  }

  // Steps to densify: one item per curve step, naming every step finding of it.
  const steps = new Map<
    string,
    { from: number; to: number; cell: string | null; codes: Set<string> }
  >();
  for (const f of r.findings) {
    if (!STEP_CODES.has(f.code)) continue;
    const from = numberAt(f.evidence.from, "concurrency");
    const to = numberAt(f.evidence.to, "concurrency");
    if (from === null || to === null || to - from <= 1) continue;
    const toCell = stringAt(f.evidence.to, "cell_id") ?? f.cell_id;
    if (toCell !== null && spikeCells.has(toCell)) continue;
    const key = `${f.evidence.curve_id}\u0000${from}\u0000${to}`;
    const step = steps.get(key) ?? { from, to, cell: f.cell_id, codes: new Set<string>() };
    step.codes.add(f.code);
    steps.set(key, step);
  }
  for (const step of [...steps.values()].sort((a, b) => a.from - b.from || a.to - b.to)) {
    const mid = Math.round(Math.sqrt(step.from * step.to));
    items.push(
      `Densify concurrency between ${step.from} and ${step.to} (for example ${mid}) to locate where the ${
        [...step.codes].sort().map((c) => codeSpan(c)).join(", ")
      } at ${step.cell ? codeSpan(step.cell) : "the run"} starts.`,
    );
  }

  // Curves whose throughput is still rising at the top.
  for (const view of index.views()) {
    const { peak, lastStep, metric } = view;
    if (peak === null || lastStep === null || metric === null || peak.to !== lastStep.to) continue;
    const gain = lastStep.toValue / lastStep.fromValue - 1;
    if (!(gain >= index.maxGain)) continue;
    items.push(
      `Measure curve ${codeSpan(view.curve.curve_id)} (${
        escapeMd(curveLabel(view.curve))
      }) beyond ${conc(lastStep.to.concurrency)}: ${metricWords(metric).lower} still rises ${
        change(gain)
      } from ${conc(lastStep.from.concurrency)} to ${
        conc(lastStep.to.concurrency)
      }, so its peak has not been measured.`,
    );
  }

  // KV signals: once per curve (or per off-curve cell), pointing at server metrics that exist.
  for (const view of index.views()) {
    const findings = index.curveFindings.get(view.curve.curve_id) ?? [];
    const kv = kvSignals(view, findings, cellById);
    if (kv.length === 0) continue;
    const cellsWithKv = new Set<string>();
    for (const f of findings) {
      if (KV_CODES.includes(f.code) && f.cell_id) cellsWithKv.add(f.cell_id);
    }
    items.push(
      `Curve ${codeSpan(view.curve.curve_id)} (${escapeMd(curveLabel(view.curve))}) shows ${
        kv.map((k) => k.text).join(", ")
      }: ${kvMeasurement([...cellsWithKv], cellById)}`,
    );
  }
  for (const f of index.otherFindings) {
    if (!KV_CODES.includes(f.code)) continue;
    const c = f.cell_id ? cellById.get(f.cell_id) : undefined;
    items.push(
      `${c ? cellAt(c.cell_id, c.concurrency) : "The run"} shows ${codeSpan(f.code)}: ${
        kvMeasurement(c ? [c.cell_id] : [], cellById)
      }`,
    );
  }

  // Inputs to recover.
  for (const f of ofCode("missing_required_artifact")) {
    const c = f.cell_id ? cellById.get(f.cell_id) : undefined;
    if (!c) {
      items.push(`Recover or re-run: ${escapeMd(f.message)}.`);
      continue;
    }
    const arts = (f.evidence.artifacts && typeof f.evidence.artifacts === "object"
      ? f.evidence.artifacts
      : c.artifacts) as Record<string, unknown>;
    const names = fileNamesOf(arts);
    const required = stringAt(f.evidence, "required");
    items.push(
      `Recover or re-run ${cellAt(c.cell_id, c.concurrency)}: it has no usable primary record${
        required ? ` (${escapeMd(required)})` : ""
      }${whereFiles(arts)}${names.length ? `; found there: ${someOf(names)}` : ""}.`,
    );
  }
  for (const f of ofCode("metrics_unavailable")) {
    items.push(
      `Collect what ${f.cell_id ? codeSpan(f.cell_id) : "the run"} lacks: ${escapeMd(f.message)}.`,
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
      items.push(
        `Check ${codeSpan(path)}: ${n === null ? "some" : n} line${
          n === 1 ? "" : "s"
        } could not be read${
          line === null ? "" : ` (first at line ${line})`
        }, and the report used the rest; a clean copy would complete its data.`,
      );
    }
  }
  if (unreadable.length) {
    const s = r.run_summary;
    const none = s.artifacts_parsed === 0
      ? `None of the ${s.artifacts_discovered} discovered inputs could be read, so this report holds no measurement: r`
      : "R";
    items.push(
      `${none}ecover readable copies of the ${plural(unreadable.length, "unreadable input")} (${
        someOf(unreadable)
      }) and analyze again; nothing in them reached this report.`,
    );
  }

  // Consistency of the numbers.
  for (const f of ofCode("aggregate_mismatch")) {
    const c = f.cell_id ? cellById.get(f.cell_id) : undefined;
    const agg = stringAt(f.evidence, "aggregate");
    const fields = f.evidence.fields && typeof f.evidence.fields === "object"
      ? Object.keys(f.evidence.fields)
      : [];
    items.push(
      `Check which run produced ${agg ? codeSpan(agg) : "the aggregate"} of ${
        c ? cellAt(c.cell_id, c.concurrency) : "the run"
      }: it disagrees with the measured data on ${
        someOf(fields, escapeMd)
      }; the report uses the measured values.`,
    );
  }
  for (const f of ofCode("gpu_count_mismatch")) {
    const c = f.cell_id ? cellById.get(f.cell_id) : undefined;
    const [total, p, d] = ["num_gpus", "num_prefill_gpu", "num_decode_gpu"].map((k) =>
      numberAt(f.evidence, k)
    );
    items.push(
      `Confirm the GPU count of ${
        c ? cellAt(c.cell_id, c.concurrency) : "the run"
      } from its launch logs or configuration: it states ${total ?? "?"} GPUs but prefill ${
        p ?? "?"
      } + decode ${d ?? "?"} = ${
        p !== null && d !== null ? p + d : "?"
      }, and its per-GPU throughput depends on which is right.`,
    );
  }

  // Live overlay criticals.
  for (const f of r.findings) {
    if (f.source !== "timeline" || f.severity !== "critical") continue;
    const c = f.cell_id ? cellById.get(f.cell_id) : undefined;
    items.push(
      `Re-measure ${
        c ? cellAt(c.cell_id, c.concurrency) : "the run"
      } with the live overlay recording (\`inferguard disagg status --watch --timeline …\`) and compare its samples with the benchmark window: the overlay saw ${
        codeSpan(f.code)
      } (${escapeMd(f.message)})${seenSuffix(f)}.`,
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
    items.push(
      `Repeat the eval of ${
        c ? cellAt(c.cell_id, c.concurrency) : "the run"
      } on the same samples to tell a real regression from run-to-run noise: ${
        metrics.join("; ")
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
    items.push(
      `Inspect the eval outputs of ${cellAt(c.cell_id, c.concurrency)}${
        source ? ` (${codeSpan(source)})` : ""
      }: ${someOf(zeros, escapeMd)} ${zeros.length === 1 ? "is" : "are"} exactly 0${
        samples === null ? "" : ` over ${samples} samples`
      }, which looks like failed requests or answers that were not extracted rather than a measured accuracy.`,
    );
  }

  // Curve coverage.
  for (const view of index.views()) {
    const curve = view.curve;
    const id = codeSpan(curve.curve_id);
    const label = escapeMd(curveLabel(curve));
    const k = view.concurrencies.length;
    const reruns = view.repeats.map((r) => conc(r.concurrency)).join(", ");
    if (k === 1 && view.repeats.length) {
      items.push(
        `Curve ${id} (${label}) has only re-runs at ${
          conc(view.concurrencies[0])
        } (${curve.points.length} runs): compare them before publishing one, and add concurrencies to see its shape.`,
      );
      continue;
    }
    if (k < 3) {
      items.push(
        `Curve ${id} (${label}) has ${plural(k, ["concurrency", "concurrencies"])} (${
          view.concurrencies.map(conc).join(", ")
        }); add concurrencies to see its shape.`,
      );
    }
    if (view.repeats.length) {
      items.push(
        `Curve ${id} has repeated concurrencies (${reruns}); compare the re-runs before publishing one of them.`,
      );
    }
  }
  const unique = [...new Set(items)];
  if (unique.length === 0) out.push("Nothing in the evidence calls for another measurement.");
  else pushAll(out, unique.map((i) => `- ${i}`));
  return out;
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
    const names = [...new Set(have.map((p) => p.slice(p.lastIndexOf("/") + 1)))].sort(byteOrder);
    parts.push(
      `the server metrics already recorded for ${
        have.length === cellIds.length ? "these points" : `${have.length} of them`
      } (${someOf(names)} in each run directory, e.g. ${
        codeSpan(have.sort(byteOrder)[0])
      }) hold KV usage, preemptions, prefix-cache hits and offload bytes over time: read them to see at which load pressure begins and reuse drops`,
    );
  }
  if (lack.length || lackUnknown) {
    const where = lack.length
      ? `at ${[...new Set(lack)].sort((a, b) => a - b).map(conc).join(", ")}`
      : "for these cells";
    parts.push(
      `record KV usage, preemptions, prefix-cache hits and offload bytes over time (server metrics at 1 s) ${where} to see at which load pressure begins and reuse drops`,
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
