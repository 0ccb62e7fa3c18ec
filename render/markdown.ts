/**
 * `report.md`: the human-readable report, generated only from the report's evidence.
 * @module
 */
import type { Report } from "../lib/analyze.ts";
import type { Curve } from "../lib/curves.ts";
import type { Cell, Finding } from "../lib/types.ts";
import { codeSpan, escapeMd } from "./escape.ts";

/** How many artifact rows section 8 lists before pointing to `report.json`. */
const MANIFEST_ROWS = 400;
/** How many cell rows section 4 lists before pointing to `report.json`. */
const CELL_ROWS = 500;

/** Format a number for display: `—` for null, up to 4 significant digits otherwise. */
export function fmt(n: number | null | undefined, digits = 4): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  if (n === 0) return "0";
  const abs = Math.abs(n);
  if (abs >= 10 ** digits) return Math.round(n).toString();
  return Number(n.toPrecision(digits)).toString();
}

function pct(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? "—" : `${fmt(n * 100, 3)} %`;
}

function ms(n: number | null | undefined): string {
  return n === null || n === undefined ? "—" : `${fmt(n * 1000)} ms`;
}

function secs(n: number | null | undefined): string {
  return n === null || n === undefined ? "—" : `${fmt(n)} s`;
}

function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${fmt(v, 3)} ${units[u]}`;
}

/** Lines of a Markdown table. */
function table(header: readonly string[], rows: readonly string[][]): string[] {
  const lines = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
  for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
  return lines;
}

/** Append `items` to `out` (a loop: spreading a long list as arguments can overflow the stack). */
function pushAll(out: string[], items: readonly string[]): void {
  for (const item of items) out.push(item);
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

function curveLabel(c: Curve): string {
  const k = c.key;
  const parts: string[] = [];
  for (const f of ["model", "hardware", "framework", "precision"]) {
    if (k[f] !== null && k[f] !== undefined) parts.push(String(k[f]));
  }
  if (k.isl !== null && k.osl !== null && k.isl !== undefined) parts.push(`${k.isl}/${k.osl}`);
  if (k.scenario_type === "agentic-coding") parts.push("agentic");
  if (k.is_multinode) {
    parts.push(`P${k.num_prefill_gpu ?? "?"}+D${k.num_decode_gpu ?? "?"} GPUs`);
  } else if (k.tp !== null && k.tp !== undefined) parts.push(`tp${k.tp}`);
  if (k.spec_decoding && k.spec_decoding !== "none") parts.push(`spec ${k.spec_decoding}`);
  if (k.offload_mode && k.offload_mode !== "none") parts.push(`offload ${k.offload_mode}`);
  return parts.length ? parts.join(" · ") : "unknown configuration";
}

function cellLabel(c: Cell): string {
  return codeSpan(c.cell_id);
}

function findingLine(f: Finding): string {
  const where = f.cell_id ? ` (${codeSpan(f.cell_id)})` : "";
  const seen = f.source === "timeline" && f.count
    ? ` — seen in ${f.count} sample${f.count === 1 ? "" : "s"}, ${escapeMd(f.first_seen_at)} → ${
      escapeMd(f.last_seen_at)
    }`
    : "";
  return `- **${f.severity}** ${codeSpan(f.code)}${where}: ${escapeMd(f.message)}${seen}`;
}

function section1(r: Report): string[] {
  const s = r.run_summary;
  const worst = s.findings_by_severity.critical > 0
    ? "critical"
    : s.findings_by_severity.warning > 0
    ? "warning"
    : s.findings_by_severity.info > 0
    ? "info"
    : "clean";
  const verdict = {
    critical: "**Verdict: critical findings.** At least one result cannot be trusted as published.",
    warning: "**Verdict: warnings.** The results are usable, with the caveats listed below.",
    info: "**Verdict: informational findings only.**",
    clean: "**Verdict: no findings.**",
  }[worst];
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
    `- Artifacts: ${s.artifacts_discovered} discovered, ${s.artifacts_parsed} parsed, ${s.artifacts_unreadable} unreadable`,
    `- Curves: ${r.cross_run.curves.length}; Pareto frontiers: ${r.cross_run.pareto_frontier.length}`,
  ];
  const top = r.findings.filter((f) => f.severity !== "info").slice(0, 10);
  if (top.length) {
    out.push("", "Most important findings:", "");
    pushAll(out, top.map(findingLine));
    const more = r.findings.length - top.length;
    if (more > 0) {
      out.push(
        "",
        `${more} more finding${more === 1 ? "" : "s"} in section 6 and in \`report.json\`.`,
      );
    }
  }
  return out;
}

function section2(r: Report): string[] {
  const out = ["## 2. Benchmark matrix", ""];
  if (r.cross_run.curves.length === 0) {
    out.push("No cell has a known concurrency, so no curve could be formed.");
  } else {
    out.push(
      "Each row is a curve: cells that share every identity, shape and topology field except concurrency.",
      "",
    );
    pushAll(
      out,
      table(
        ["Curve", "Configuration", "Concurrencies", "Complete", "Partial", "Failed", "Unknown"],
        r.cross_run.curves.map((c) => {
          const count: Record<string, number> = { complete: 0, partial: 0, failed: 0, unknown: 0 };
          const concs: string[] = [];
          for (const p of c.points) {
            if (Object.hasOwn(count, p.status)) count[p.status]++;
            concs.push(String(p.concurrency));
          }
          return [
            codeSpan(c.curve_id),
            escapeMd(curveLabel(c)),
            concs.join(", ") +
            (c.duplicates.length ? ` (repeated: ${c.duplicates.join(", ")})` : ""),
            String(count.complete),
            String(count.partial),
            String(count.failed),
            String(count.unknown),
          ];
        }),
      ),
    );
  }
  const loose = r.cells.filter((c) => c.concurrency === null);
  if (loose.length) {
    out.push(
      "",
      `Cells outside any curve (concurrency unknown): ${loose.map(cellLabel).join(", ")}.`,
    );
  }
  return out;
}

function section3(r: Report): string[] {
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
        [...kinds.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [
          codeSpan(k),
          String(v.n),
          String(v.parsed),
          String(v.issues),
        ]),
      ),
    );
  }
  const problems = r.findings.filter((f) =>
    f.code === "artifact_unreadable" || f.code === "missing_required_artifact" ||
    f.code === "metrics_unavailable"
  );
  out.push("");
  if (problems.length) {
    out.push("Missing, unreadable or incomplete inputs:", "");
    pushAll(out, problems.map(findingLine));
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

function section4(r: Report): string[] {
  const out = ["## 4. Per-cell results", ""];
  if (r.cells.length === 0) {
    out.push("No cell could be formed from the inputs.");
    return out;
  }
  out.push(
    "Latencies are p99 unless noted; throughput is tokens/s; interactivity is tokens/s/user (1/median TPOT).",
    "",
  );
  const rows = r.cells.slice(0, CELL_ROWS).map((c) => {
    const m = c.metrics;
    const n = m.num_requests_successful !== null && m.num_requests_total !== null
      ? `${m.num_requests_successful}/${m.num_requests_total}`
      : m.num_requests_successful !== null
      ? String(m.num_requests_successful)
      : "—";
    return [
      cellLabel(c),
      c.concurrency === null ? "—" : String(c.concurrency),
      c.status,
      n,
      secs(m.p99_ttft),
      ms(m.p99_tpot),
      secs(m.p99_e2el),
      fmt(m.total_tput_tps),
      fmt(m.tput_per_gpu),
      fmt(m.intvty),
      `${pct(m.server_gpu_cache_hit_rate)} / ${pct(m.theoretical_cache_hit_rate)}`,
      `${bytes(m.kv_offload_bytes_gpu_to_cpu)} / ${bytes(m.kv_offload_bytes_cpu_to_gpu)}`,
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
        "Cache hit server / theoretical",
        "Offload GPU→CPU / CPU→GPU",
        "Findings",
      ],
      rows,
    ),
  );
  if (r.cells.length > CELL_ROWS) {
    out.push("", `${r.cells.length - CELL_ROWS} more cells are in \`report.json\`.`);
  }
  const evalCells = r.cells.filter((c) => c.eval !== null);
  if (evalCells.length) {
    out.push("", "Eval results:", "");
    const rows2: string[][] = [];
    for (const c of evalCells) {
      for (const [task, metrics] of Object.entries(c.eval ?? {})) {
        for (const [metric, v] of Object.entries(metrics)) {
          rows2.push([
            cellLabel(c),
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
        codeSpan(t.path),
        t.cell_id ? codeSpan(t.cell_id) : "the whole run",
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

/** Which side the latency growth from the first to the last point of a curve points at. */
function growthLine(ttft: number, tpot: number): string {
  const r = (x: number) => `${fmt(x, 3)}×`;
  if (ttft <= 1.1 && tpot <= 1.1) {
    return `- Neither TTFT (${r(ttft)}) nor TPOT (${r(tpot)}) grows materially across the curve.`;
  }
  if (ttft > 2 * tpot && ttft > 1.1) {
    return `- TTFT grows much faster than TPOT (${r(ttft)} vs ${
      r(tpot)
    }): queueing before the first token — a prefill-side or admission signal.`;
  }
  if (tpot > 2 * ttft && tpot > 1.1) {
    return `- TPOT grows much faster than TTFT (${r(tpot)} vs ${
      r(ttft)
    }): a decode-side signal (per-token step time rising with batch size).`;
  }
  return `- TTFT changes ${r(ttft)} and TPOT ${
    r(tpot)
  } from the first to the last point; neither side dominates.`;
}

const CURVE_CODES: ReadonlySet<string> = new Set([
  "ttft_cliff",
  "tpot_degradation",
  "throughput_plateau",
  "kv_pressure",
  "kv_offload_thrash",
  "prefix_cache_regression",
]);

function section6(r: Report, index: Index): string[] {
  const out = ["## 6. Bottleneck analysis", ""];
  // Curve findings grouped per curve in one pass, keeping the report's finding order. Only the
  // cells that have such findings need their curve looked up.
  const withCurveFindings = new Set<string>();
  for (const f of r.findings) {
    if (f.cell_id !== null && CURVE_CODES.has(f.code)) withCurveFindings.add(f.cell_id);
  }
  const curveOfCell = new Map<string, string>();
  for (const curve of r.cross_run.curves) {
    for (const p of curve.points) {
      if (withCurveFindings.has(p.cell_id)) curveOfCell.set(p.cell_id, curve.curve_id);
    }
  }
  const byCurve = new Map<string, Finding[]>();
  for (const f of r.findings) {
    const curveId = f.cell_id !== null ? curveOfCell.get(f.cell_id) : undefined;
    if (curveId === undefined || !CURVE_CODES.has(f.code)) continue;
    const list = byCurve.get(curveId);
    if (list) list.push(f);
    else byCurve.set(curveId, [f]);
  }
  const { cellById } = index;
  let wrote = false;
  for (const curve of r.cross_run.curves) {
    const pts = curve.points.filter((p) => p.total_tput_tps !== null || p.tput_per_gpu !== null);
    if (pts.length < 2) continue;
    const tput = (p: typeof pts[number]) => p.tput_per_gpu ?? p.total_tput_tps ?? 0;
    const best = pts.reduce((a, b) => (tput(b) > tput(a) ? b : a));
    const first = pts[0];
    const last = pts[pts.length - 1];
    const lines = [
      `**${escapeMd(curveLabel(curve))}** (${
        codeSpan(curve.curve_id)
      }), concurrency ${first.concurrency}–${last.concurrency}:`,
      `- Throughput per GPU peaks at ${
        fmt(tput(best))
      } tok/s/GPU at concurrency ${best.concurrency} (${
        fmt(tput(best) / (tput(first) || NaN), 3)
      }× the concurrency-${first.concurrency} value).`,
    ];
    if (first.p99_ttft !== null && last.p99_ttft !== null) {
      lines.push(
        `- p99 TTFT goes from ${secs(first.p99_ttft)} to ${secs(last.p99_ttft)} (${
          fmt(last.p99_ttft / first.p99_ttft, 3)
        }×); p99 TPOT from ${ms(first.p99_tpot)} to ${ms(last.p99_tpot)}.`,
      );
    }
    if (first.p99_ttft !== null && last.p99_ttft !== null && first.p99_tpot && last.p99_tpot) {
      const ttftGrowth = last.p99_ttft / first.p99_ttft;
      const tpotGrowth = last.p99_tpot / first.p99_tpot;
      lines.push(growthLine(ttftGrowth, tpotGrowth));
    }
    const kv = curve.points.map((p) => cellById.get(p.cell_id)).filter((c): c is Cell =>
      c !== undefined &&
      (c.metrics.gpu_kv_usage_p95 !== null || c.metrics.server_gpu_cache_hit_rate !== null)
    );
    if (kv.length) {
      lines.push(
        `- KV and cache evidence: ${
          kv.map((c) =>
            `c${c.concurrency}: KV p95 ${pct(c.metrics.gpu_kv_usage_p95)}, server hit ${
              pct(c.metrics.server_gpu_cache_hit_rate)
            }`
          ).join("; ")
        }.`,
      );
    }
    const related = byCurve.get(curve.curve_id) ?? [];
    for (const f of related) lines.push(`- ${codeSpan(f.code)}: ${escapeMd(f.message)}`);
    out.push(...lines, "");
    wrote = true;
  }
  if (!wrote) {
    out.push(
      "No curve has two or more points with throughput, so saturation cannot be located.",
      "",
    );
  }
  const rest = r.findings.filter((f) => f.code === "eval_regression" || f.source === "timeline");
  if (rest.length) {
    out.push("Other signals:", "");
    pushAll(out, rest.map(findingLine));
  }
  return trimEndLines(out);
}

function section7(r: Report, index: Index): string[] {
  const out = ["## 7. Evidence-based next measurements", ""];
  const items: string[] = [];
  for (const c of r.cells) {
    if (c.status === "failed") {
      items.push(
        `Re-run ${cellLabel(c)} (concurrency ${c.concurrency ?? "unknown"}): no request succeeded.`,
      );
    }
  }
  for (const f of r.findings) {
    const c = f.cell_id ? index.cellById.get(f.cell_id) : undefined;
    if (f.code === "partial_run" && c) {
      items.push(
        `Re-run ${cellLabel(c)}: only ${
          pct(c.metrics.success_rate)
        } of requests succeeded, so its latency tail describes a biased subset.`,
      );
    }
  }
  // One densify item per curve step, naming every curve finding of that step.
  const steps = new Map<
    string,
    { from: number; to: number; cell: string | null; codes: Set<string> }
  >();
  for (const f of r.findings) {
    if (!["ttft_cliff", "throughput_plateau", "tpot_degradation"].includes(f.code)) continue;
    const from = (f.evidence.from as { concurrency?: unknown } | undefined)?.concurrency;
    const to = (f.evidence.to as { concurrency?: unknown } | undefined)?.concurrency;
    if (typeof from !== "number" || typeof to !== "number" || to - from <= 1) continue;
    const key = `${f.evidence.curve_id}\u0000${from}\u0000${to}`;
    const step = steps.get(key) ?? { from, to, cell: f.cell_id, codes: new Set<string>() };
    step.codes.add(f.code);
    steps.set(key, step);
  }
  for (const step of [...steps.values()].sort((a, b) => a.from - b.from || a.to - b.to)) {
    const mid = Math.round(Math.sqrt(step.from * step.to));
    items.push(
      `Densify concurrency between ${step.from} and ${step.to} (for example ${mid}) to locate where the ${
        [...step.codes].sort().map(codeSpan).join(", ")
      } at ${step.cell ? codeSpan(step.cell) : "the run"} starts.`,
    );
  }
  for (const f of r.findings) {
    if (f.code === "metrics_unavailable") {
      items.push(
        `Collect what ${f.cell_id ? codeSpan(f.cell_id) : "the run"} lacks: ${
          escapeMd(f.message)
        }.`,
      );
    }
    if (f.code === "missing_required_artifact") {
      items.push(`Recover or re-run: ${escapeMd(f.message)}.`);
    }
    if (f.code === "kv_pressure" || f.code === "kv_offload_thrash") {
      items.push(
        `For ${
          f.cell_id ? codeSpan(f.cell_id) : "the run"
        }, record KV usage, preemptions and offload bytes over time (server metrics at 1 s) to see when pressure begins.`,
      );
    }
  }
  for (const curve of r.cross_run.curves) {
    if (curve.points.length < 3) {
      items.push(
        `Curve ${codeSpan(curve.curve_id)} (${
          escapeMd(curveLabel(curve))
        }) has ${curve.points.length} point(s); add concurrencies to see its shape.`,
      );
    }
    if (curve.duplicates.length) {
      items.push(
        `Curve ${codeSpan(curve.curve_id)} has repeated concurrencies (${
          curve.duplicates.join(", ")
        }); compare the re-runs before publishing one of them.`,
      );
    }
  }
  const unique = [...new Set(items)];
  if (unique.length === 0) out.push("Nothing in the evidence calls for another measurement.");
  else pushAll(out, unique.map((i) => `- ${i}`));
  return out;
}

function section8(r: Report): string[] {
  const out = ["## 8. Co-publish artifact manifest", ""];
  const d = r.artifact_manifest.discovered;
  if (d.length === 0) out.push("No artifact was discovered.");
  else {
    out.push(
      "Publish these inputs with the report; paths are relative to the input root.",
      "",
    );
    pushAll(
      out,
      table(
        ["Path", "Kind", "Bytes", "Cell", "Status"],
        d.slice(0, MANIFEST_ROWS).map((a) => [
          codeSpan(a.path),
          a.kind,
          String(a.size),
          a.cell ? codeSpan(a.cell) : "—",
          a.issue ? `issue: ${escapeMd(a.issue)}` : a.parsed ? "parsed" : "listed",
        ]),
      ),
    );
    if (d.length > MANIFEST_ROWS) {
      out.push("", `${d.length - MANIFEST_ROWS} more artifacts are listed in \`report.json\`.`);
    }
  }
  const w = r.artifact_manifest.written.filter((x) => x.sha256 !== null);
  if (w.length) {
    out.push(
      "",
      "Written with this report:",
      "",
    );
    pushAll(out, w.map((x) => `- ${codeSpan(x.path)}: ${x.size} bytes, sha256 ${x.sha256}`));
  }
  return out;
}

/** Lookups that several sections need, built once per report. */
interface Index {
  /** Cells by id (the last one, should an id repeat). */
  cellById: ReadonlyMap<string, Cell>;
}

function buildIndex(r: Report): Index {
  const cellById = new Map<string, Cell>();
  for (const c of r.cells) cellById.set(c.cell_id, c);
  return { cellById };
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
