import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { analyze, type DiscoveredEntry, type Report, sortFindings } from "../lib/analyze.ts";
import { makeCell } from "../lib/cell.ts";
import { curvesAndFrontiers } from "../lib/curves.ts";
import { loadAll } from "../lib/io/load.ts";
import { walkResults } from "../lib/io/walk.ts";
import { defaultThresholds } from "../lib/thresholds.ts";
import type { Cell, Finding, Metrics, Severity } from "../lib/types.ts";
import type { LoadedArtifact } from "../parsers/mod.ts";
import { renderJson } from "./json.ts";
import { fmt } from "./_format.ts";
import { renderMarkdown, renderMarkdownChunks } from "./markdown.ts";

const HEADINGS = [
  "## 1. Executive summary",
  "## 2. Benchmark matrix",
  "## 3. Artifact completeness",
  "## 4. Per-cell results",
  "## 5. Live InferGuard timeline",
  "## 6. Bottleneck analysis",
  "## 7. Evidence-based next measurements",
  "## 8. Co-publish artifact manifest",
];

const ADVICE = [
  /you should/i,
  /we recommend/i,
  /recommended (setting|value)/i,
  /change the flag/i,
  /(increase|decrease|raise|lower|set) --/i,
  /set the flag/i,
  /should (set|change|increase|decrease|enable|disable)/i,
  /try (setting|increasing|decreasing|enabling|disabling)/i,
];

function report(loaded: LoadedArtifact[]): Report {
  return analyze({
    inputRoot: "results",
    generatedAt: "2026-01-01T00:00:00Z",
    loaded,
    walkIssues: [],
    timelines: [],
    thresholds: defaultThresholds(),
  });
}

/** The report of `testdata/sample` (real files: cliffs, partial and failed runs, KV pressure). */
async function sampleReport(): Promise<Report> {
  const root = fileURLToPath(new URL("../testdata/sample", import.meta.url));
  const walked = await walkResults(root, { isTimeline: () => false });
  const loaded = await loadAll(root, walked.artifacts);
  return analyze({
    inputRoot: "sample",
    generatedAt: "2026-01-01T00:00:00Z",
    loaded,
    walkIssues: walked.issues,
    timelines: [],
    thresholds: defaultThresholds(),
  });
}

function sections(md: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of md.split("\n")) {
    if (line.startsWith("## ")) {
      current = [];
      out.set(line, current);
    } else if (current) current.push(line);
  }
  return out;
}

function headingsOf(md: string): string[] {
  return md.split("\n").filter((l) => l.startsWith("## "));
}

Deno.test("markdown: all eight sections, in order, once each (rich real report)", async () => {
  const r = await sampleReport();
  assert.ok(
    r.findings.some((f) => f.severity === "critical"),
    "sample should have critical findings",
  );
  const md = renderMarkdown(r);
  assert.ok(md.startsWith("# inferguard report\n"));
  assert.deepEqual(headingsOf(md), HEADINGS);
  assert.ok(md.endsWith("\n") && !md.endsWith("\n\n\n"));
  assert.equal(renderMarkdown(r), md, "rendering is deterministic");
  for (const [h, body] of sections(md)) {
    assert.ok(body.some((l) => l.trim() !== ""), `${h} is empty`);
  }
});

Deno.test("markdown: sections with nothing to show say so plainly", () => {
  const md = renderMarkdown(report([{
    ref: { path: "broken.json", kind: "json_other", size: 3 },
    result: { drafts: [], issues: [{ line: null, message: "Invalid JSON" }], unreadable: true },
  }]));
  assert.deepEqual(headingsOf(md), HEADINGS);
  const s = sections(md);
  const text = (h: string) => s.get(h)!.join("\n");
  assert.match(text(HEADINGS[1]), /No cell could be formed, so no curve either\./);
  assert.match(text(HEADINGS[2]), /broken\.json/);
  assert.match(text(HEADINGS[3]), /No cell could be formed/);
  assert.match(text(HEADINGS[4]), /No live timeline/);
  assert.match(
    text(HEADINGS[5]),
    /Saturation cannot be located: no cell could be formed, so no curve either\./,
  );
  assert.match(
    text(HEADINGS[6]),
    /recover readable copies of the 1 unreadable input \(`broken\.json`\)/,
  );
  assert.match(text(HEADINGS[0]), /Cells: 0/);
});

Deno.test("markdown: no advisory phrasing about serving flags, on real and edge reports", async () => {
  const reports = [
    await sampleReport(),
    report([]),
  ];
  for (const r of reports) {
    const md = renderMarkdown(r);
    for (const re of ADVICE) assert.ok(!re.test(md), `report.md matches ${re}`);
    // The findings' own messages obey the same rule.
    for (const f of r.findings) {
      for (const re of ADVICE) assert.ok(!re.test(f.message), `${f.code}: ${f.message}`);
    }
  }
});

Deno.test("markdown: every table row has the header's column count (real report)", async () => {
  const md = renderMarkdown(await sampleReport());
  const lines = md.split("\n");
  let width: number | null = null;
  for (const line of lines) {
    if (!line.startsWith("|")) {
      width = null;
      continue;
    }
    let n = 0;
    for (let i = 0; i < line.length; i++) {
      if (line[i] === "\\") i++;
      else if (line[i] === "|") n++;
    }
    if (width === null) width = n;
    else assert.equal(n, width, line);
  }
});

Deno.test("markdown: fmt shows unknown as an em dash, never 0", () => {
  assert.equal(fmt(null), "—");
  assert.equal(fmt(undefined), "—");
  assert.equal(fmt(NaN), "—");
  assert.equal(fmt(0), "0");
  assert.equal(fmt(0.19912345), "0.1991");
  assert.equal(fmt(18171.3), "18171");
});

Deno.test("json: two-space indentation, final newline, stable", async () => {
  const r = await sampleReport();
  const a = renderJson(r);
  assert.ok(a.endsWith("}\n"));
  assert.deepEqual(JSON.parse(a), JSON.parse(JSON.stringify(r)));
  assert.equal(renderJson(r), a);
  assert.deepEqual(Object.keys(JSON.parse(a)), [
    "schema_version",
    "generated_at",
    "input_root",
    "analyzer",
    "run_summary",
    "cells",
    "cross_run",
    "findings",
    "artifact_manifest",
  ]);
});

Deno.test("markdown: section 6 ends without trailing blank lines or spaces, then one blank line", async () => {
  const r = await sampleReport();
  // The last line of section 6 ends in characters that escape to spaces and other white space.
  r.findings.push({
    code: "eval_regression",
    severity: "warning",
    cell_id: null,
    message: "gsm8k dropped\n\t \u2003",
    evidence: {},
    source: "analyzer",
  });
  const md = renderMarkdown(r);
  assert.match(md, /\n- \*\*warning\*\* `eval_regression`: gsm8k dropped\n\n## 7\. /);
  // Without other signals, the last curve block's trailing blank line goes the same way.
  const md2 = renderMarkdown(await sampleReport());
  assert.match(md2, /[^\n ]\n\n## 7\. /);
  assert.ok(md2.endsWith("\n") && !md2.endsWith("\n\n"));
});

Deno.test("markdown: renderMarkdownChunks concatenates to exactly renderMarkdown's text", async () => {
  const big = await sampleReport();
  // Enough curves and findings for sections of more than one piece.
  for (let i = 0; i < 3; i++) {
    big.cross_run.curves.push(
      ...big.cross_run.curves.map((c) => ({ ...c, curve_id: `${c.curve_id}-${i}` })),
    );
    big.findings.push(...big.findings);
  }
  for (const r of [await sampleReport(), big, report([])]) {
    assert.equal([...renderMarkdownChunks(r)].join(""), renderMarkdown(r));
  }
  // The title, then per section a separator, its pieces and a newline: more than 1 + 8 * 3
  // pieces means some section was split into several.
  assert.ok([...renderMarkdownChunks(big)].length > 25);
});

// ---------------------------------------------------------------------------------------------
// Hand-built reports: the renderer is a pure function of the report, so these tests state the
// report's content (cells, findings with the rules' evidence shapes, manifest) and read the text.

type CellSpec = Partial<Omit<Cell, "metrics">> & { metrics?: Partial<Metrics> };

/** A fixed-sequence cell of model `m` on h100 at tp8 (override anything through `spec`). */
function cell(id: string, concurrency: number | null, spec: CellSpec = {}): Cell {
  const { metrics, ...rest } = spec;
  return makeCell(id, {
    hardware: "h100",
    model: "m",
    framework: "vllm",
    precision: "fp8",
    scenario_type: "fixed_seq",
    is_multinode: false,
    isl: 1024,
    osl: 1024,
    concurrency,
    source_format: "inferencex-static",
    status: "complete",
    ...rest,
    metrics: { tp: 8, ...metrics },
  });
}

/**
 * A curve point `c<concurrency><suffix>`: tput per GPU (total = 8×), p99 TTFT (s) and TPOT (s);
 * complete unless `spec` says otherwise.
 */
function pt(
  concurrency: number,
  tputPerGpu: number | null,
  ttft: number | null,
  tpot: number | null,
  spec: CellSpec & { suffix?: string } = {},
): Cell {
  const { suffix, metrics, ...rest } = spec;
  return cell(`c${concurrency}${suffix ?? ""}`, concurrency, {
    ...rest,
    metrics: {
      tput_per_gpu: tputPerGpu,
      total_tput_tps: tputPerGpu === null ? null : tputPerGpu * 8,
      p99_ttft: ttft,
      p99_tpot: tpot,
      intvty: tpot === null ? null : 1 / tpot,
      ...metrics,
    },
  });
}

function finding(
  code: string,
  severity: Severity,
  cellId: string | null,
  message: string,
  evidence: Record<string, unknown> = {},
  extra: Partial<Finding> = {},
): Finding {
  return { code, severity, cell_id: cellId, message, evidence, source: "analyzer", ...extra };
}

/** A step finding between two curve points, with the evidence shape the curve rules write. */
function step(code: string, from: Cell, to: Cell, message: string, severity: Severity = "warning") {
  return finding(code, severity, to.cell_id, message, {
    curve_id: "any",
    from: { cell_id: from.cell_id, concurrency: from.concurrency, p99_ttft: from.metrics.p99_ttft },
    to: { cell_id: to.cell_id, concurrency: to.concurrency, p99_ttft: to.metrics.p99_ttft },
  });
}

/** The report of these cells and findings, the way lib/analyze.ts assembles one. */
function build(
  cells: Cell[],
  findings: Finding[] = [],
  opts: { discovered?: DiscoveredEntry[]; parsed?: number } = {},
): Report {
  const withFindings = cells.map((c) => ({
    ...c,
    findings: findings.filter((f) => f.cell_id === c.cell_id),
  }));
  const { curves, frontiers } = curvesAndFrontiers(withFindings);
  const byStatus = { complete: 0, partial: 0, failed: 0, unknown: 0 };
  for (const c of withFindings) byStatus[c.status]++;
  const bySeverity = { info: 0, warning: 0, critical: 0 };
  const byCode: Record<string, number> = {};
  for (const f of findings) {
    bySeverity[f.severity]++;
    byCode[f.code] = (byCode[f.code] ?? 0) + 1;
  }
  const discovered = opts.discovered ?? [];
  return {
    schema_version: "inferguard-analyze/v1",
    generated_at: "2026-01-01T00:00:00Z",
    input_root: "results",
    analyzer: {
      name: "inferguard",
      version: "0.0.0",
      capabilities: { diagnosis: "on", actuation: "off", replay: "off", recall: "off", llm: "off" },
      thresholds: defaultThresholds(),
    },
    run_summary: {
      cells_total: withFindings.length,
      cells_by_status: byStatus,
      cells_by_source_format: {},
      findings_total: findings.length,
      findings_by_severity: bySeverity,
      findings_by_code: byCode,
      artifacts_discovered: discovered.length,
      artifacts_parsed: opts.parsed ?? discovered.filter((d) => d.parsed).length,
      artifacts_unreadable: discovered.filter((d) => d.issue !== null && !d.parsed).length,
      missing_artifacts: [],
      expected_cells: null,
      timeline_expected: false,
    },
    cells: withFindings,
    cross_run: { curves, pareto_frontier: frontiers, baseline: null, timelines: [] },
    findings: sortFindings(findings),
    artifact_manifest: { discovered, skipped: [], written: [] },
  };
}

/** The lines of one numbered section (`6` → "## 6. …"), heading excluded. */
function section(md: string, n: number): string[] {
  const lines = md.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`## ${n}. `));
  const end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** Lines of section `n` that start with `prefix`. */
function linesOf(md: string, n: number, prefix: string): string[] {
  return section(md, n).filter((l) => l.startsWith(prefix));
}

const LABEL = "m · h100 · vllm · fp8 · 1024/1024 · tp8";

Deno.test("markdown §6: throughput is labelled by the one metric every used point has", () => {
  const cases: { name: string; cells: Cell[]; want: string }[] = [
    {
      name: "quiet: per GPU everywhere",
      cells: [pt(4, 100, 1, 0.01), pt(8, 300, 1, 0.01), pt(16, 250, 1, 0.01)],
      want:
        "- Throughput per GPU peaks at 300 tok/s/GPU at c8, 3× the c4 value; at c16 it is 250 tok/s/GPU (-16.7 % from the peak).",
    },
    {
      name: "total throughput only: tok/s, not tok/s/GPU",
      cells: [4, 8, 16].map((c, i) =>
        pt(c, null, 1, 0.01, { metrics: { total_tput_tps: [800, 2400, 2000][i] } })
      ),
      want:
        "- Total throughput peaks at 2400 tok/s at c8, 3× the c4 value; at c16 it is 2000 tok/s (-16.7 % from the peak).",
    },
    {
      name: "one point lacks per GPU: every point is described in total throughput",
      cells: [
        pt(4, 100, 1, 0.01),
        pt(8, 300, 1, 0.01),
        pt(16, null, 1, 0.01, {
          metrics: { total_tput_tps: 2000 },
        }),
      ],
      want:
        "- Total throughput peaks at 2400 tok/s at c8, 3× the c4 value; at c16 it is 2000 tok/s (-16.7 % from the peak).",
    },
  ];
  for (const c of cases) {
    const md = renderMarkdown(build(c.cells));
    assert.deepEqual(
      linesOf(md, 6, "- Throughput").concat(linesOf(md, 6, "- Total")),
      [c.want],
      c.name,
    );
  }
});

Deno.test("markdown §6/§7: re-runs at one concurrency are not described as a curve", () => {
  const reruns = build([pt(64, 500, 1, 0.01), pt(64, 520, 1.2, 0.011, { suffix: "b" })]);
  const id = reruns.cross_run.curves[0].curve_id;
  const md = renderMarkdown(reruns);
  const block = section(md, 6);
  assert.deepEqual(
    block.slice(
      block.findIndex((l) => l.startsWith("**")),
      block.findIndex((l) => l.startsWith("Pareto")),
    ).filter((l) => l !== ""),
    [
      `**${LABEL}** (\`${id}\`): 2 runs, all at c64 — re-runs of one concurrency, no curve shape to describe.`,
      "- Throughput per GPU 500–520 tok/s/GPU; p99 TTFT 1–1.2 s; p99 TPOT 10–11 ms across the 2 non-failed runs.",
    ],
  );
  assert.ok(!md.includes("goes from") && !md.includes("point(s)"));
  assert.deepEqual(linesOf(md, 7, "- "), [
    `- Curve \`${id}\` (${LABEL}) has only re-runs at c64 (2 runs): compare them before publishing one, and add concurrencies to see its shape.`,
  ]);
  assert.match(section(md, 2).join("\n"), /\| 64 ×2 \|/);
  // Quiet: two concurrencies are a (short) curve.
  const two = renderMarkdown(build([pt(32, 500, 1, 0.01), pt(64, 520, 1.2, 0.011)]));
  assert.match(
    section(two, 6).find((l) => l.startsWith("**"))!,
    /: 2 points at 2 concurrencies, c32–c64\.$/,
  );
  assert.ok(!two.includes("re-runs"));
});

Deno.test("markdown §6: curve findings are placed, sorted by concurrency and folded when repeated", () => {
  const [c4, c8, c12, c16, c24, c32] = [4, 8, 12, 16, 24, 32].map((c) =>
    pt(c, 100 * c, 1, 0.01 * c)
  );
  const c12b = pt(12, 1200, 1, 0.12, { suffix: "b" });
  const findings = [
    step("tpot_degradation", c8, c12, "p99 TPOT rises 1.50× from 80 ms to 120 ms"),
    step("tpot_degradation", c8, c12b, "p99 TPOT rises 1.50× from 80 ms to 120 ms"),
    step("tpot_degradation", c16, c24, "p99 TPOT rises 1.50× from 160 ms to 240 ms"),
    step("tpot_degradation", c24, c32, "p99 TPOT rises 1.33× from 240 ms to 320 ms"),
    step("tpot_degradation", c4, c8, "p99 TPOT rises 2.00× from 40 ms to 80 ms"),
    finding("kv_pressure", "warning", c16.cell_id, "KV pressure: GPU KV usage p95 0.95 ≥ 0.9"),
  ];
  const md = renderMarkdown(build([c4, c8, c12, c12b, c16, c24, c32], findings));
  assert.deepEqual(linesOf(md, 6, "- c"), [
    "- c4→c8 `tpot_degradation`: p99 TPOT rises 2.00× from 40 ms to 80 ms",
    "- c8→c12 `tpot_degradation`: p99 TPOT rises 1.50× from 80 ms to 120 ms (×2: re-runs with the same result)",
    "- c16 `kv_pressure`: KV pressure: GPU KV usage p95 0.95 ≥ 0.9",
    "- c16→c24 `tpot_degradation`: p99 TPOT rises 1.50× from 160 ms to 240 ms",
    "- c24→c32 `tpot_degradation`: p99 TPOT rises 1.33× from 240 ms to 320 ms",
  ]);
});

Deno.test("markdown §6: which side saturates uses trustworthy points and names KV signals", () => {
  const partial = {
    status: "partial" as const,
    metrics: { success_rate: 0.5, num_requests_total: 100, num_requests_successful: 50 },
  };
  const cases: {
    name: string;
    cells: Cell[];
    findings?: (cs: Cell[]) => Finding[];
    want: string[];
  }[] = [
    {
      name: "quiet: every point complete",
      cells: [pt(4, 100, 1, 0.01), pt(8, 200, 2, 0.012), pt(16, 300, 4, 0.013)],
      want: [
        "- p99 TTFT goes from 1 s at c4 to 4 s at c16 (4×); p99 TPOT from 10 ms to 13 ms (1.3×).",
        "- Over c4–c16, TTFT grows much faster than TPOT (4× vs 1.3×): queueing before the first token — a prefill-side or admission signal.",
      ],
    },
    {
      name: "a partial last point is left out of the range",
      cells: [pt(4, 100, 1, 0.01), pt(8, 200, 1.05, 0.025), pt(16, 50, 100, 0.5, partial)],
      want: [
        "- Left out of the shape below (failed, or success rate under 0.95): c16 (partial, success 0.5).",
        "- p99 TTFT goes from 1 s at c4 to 1.05 s at c8 (1.05×); p99 TPOT from 10 ms to 25 ms (2.5×).",
        "- Over c4–c8 (trustworthy points only), TPOT grows much faster than TTFT (2.5× vs 1.05×): a decode-side signal (per-token step time rising with batch size).",
      ],
    },
    {
      name: "KV findings on the curve replace the prefill/decode guess",
      cells: [pt(4, 100, 1, 0.01), pt(8, 200, 2, 0.012), pt(16, 300, 4, 0.013)],
      findings: (cs) => [
        finding(
          "kv_pressure",
          "warning",
          cs[1].cell_id,
          "KV pressure: GPU KV usage p95 0.95 ≥ 0.9",
        ),
        finding(
          "kv_pressure",
          "warning",
          cs[2].cell_id,
          "KV pressure: GPU KV usage p95 0.99 ≥ 0.9",
        ),
      ],
      want: [
        "- p99 TTFT goes from 1 s at c4 to 4 s at c16 (4×); p99 TPOT from 10 ms to 13 ms (1.3×).",
        "- Over c4–c16, TTFT grows 4× and TPOT 1.3×, together with a KV-capacity signal: `kv_pressure` at c8, c16 — the growth points at KV-cache capacity, so the TTFT/TPOT split alone does not say whether prefill or decode saturates.",
      ],
    },
  ];
  for (const c of cases) {
    const md = renderMarkdown(build(c.cells, c.findings?.(c.cells) ?? []));
    const got = section(md, 6).filter((l) =>
      l.startsWith("- Left out") || l.startsWith("- p99") || l.startsWith("- Over")
    );
    assert.deepEqual(got, c.want, c.name);
  }
});

Deno.test("markdown §6/§7: throughput still rising at the top concurrency asks for higher ones", () => {
  const cases: { name: string; top: number; line: string; item: boolean }[] = [
    {
      name: "+50 %",
      top: 300,
      line:
        "- Throughput per GPU is highest at the top measured concurrency, c16 (300 tok/s/GPU, 3× the c4 value), and still rising: +50 % over c8.",
      item: true,
    },
    {
      name: "exactly at the 5 % threshold",
      top: 210,
      line:
        "- Throughput per GPU is highest at the top measured concurrency, c16 (210 tok/s/GPU, 2.1× the c4 value), and still rising: +5 % over c8.",
      item: true,
    },
    {
      name: "quiet: just under the 5 % threshold, printed under it",
      top: 209.992,
      line:
        "- Throughput per GPU is highest at the top measured concurrency, c16 (210 tok/s/GPU, 2.1× the c4 value), and nearly flat: +4.996 % over c8.",
      item: false,
    },
    {
      name: "quiet: +4 %, no new measurement",
      top: 208,
      line:
        "- Throughput per GPU is highest at the top measured concurrency, c16 (208 tok/s/GPU, 2.08× the c4 value), and nearly flat: +4 % over c8.",
      item: false,
    },
    {
      name: "quiet: peak inside the curve",
      top: 150,
      line:
        "- Throughput per GPU peaks at 200 tok/s/GPU at c8, 2× the c4 value; at c16 it is 150 tok/s/GPU (-25 % from the peak).",
      item: false,
    },
  ];
  for (const c of cases) {
    const r = build([pt(4, 100, 1, 0.01), pt(8, 200, 1, 0.01), pt(16, c.top, 1, 0.01)]);
    const md = renderMarkdown(r);
    assert.deepEqual(linesOf(md, 6, "- Throughput"), [c.line], c.name);
    const gain = `${fmt((c.top / 200 - 1) * 100, 3)} %`;
    const items = linesOf(md, 7, "- Measure curve");
    assert.deepEqual(
      items,
      c.item
        ? [
          `- Measure curve \`${
            r.cross_run.curves[0].curve_id
          }\` (${LABEL}) beyond c16: throughput per GPU still rises +${gain} from c8 to c16, so its peak has not been measured.`,
        ]
        : [],
      c.name,
    );
  }
});

Deno.test("markdown §6/§7: a TTFT spike is a point every next run falls back from", () => {
  // c8 → c12 is a cliff (50 s → 900 s, ratio 18); whether c12 is a one-off depends on every
  // non-failed run at c16 against 2 × 50 s = 100 s (ttft_cliff.ratio_warning in the report).
  // The counts in §7 are successful requests: totals (here with failures or warm-up records
  // in them) would contradict the cells' partial_run counts.
  const reqs = (ok: number) => ({ num_requests_successful: ok, num_requests_total: ok + 40 });
  const c8 = pt(8, 200, 50, 0.03, { metrics: reqs(160) });
  const c12 = pt(12, 90, 900, 0.09, { metrics: reqs(60) });
  const next = (ttft: number, suffix = "", status: Cell["status"] = "complete") =>
    pt(16, 190, ttft, 0.06, { suffix, status, metrics: reqs(210) });
  const cliff = step("ttft_cliff", c8, c12, "p99 TTFT rises 18.00× from 50 s to 900 s", "critical");
  const densify =
    "- Densify concurrency between 8 and 12 (for example 10) to locate where the `ttft_cliff` at `c12` starts.";
  const cases: { name: string; next: Cell[]; s6: string[]; s7: string[] }[] = [
    {
      name: "falls back below 2× the point before: an outlier",
      next: [next(80)],
      s6: [
        "- c12 looks like an outlier rather than a cliff: its p99 TTFT 900 s falls back to 80 s at c16, under 2× the 50 s at c8.",
      ],
      s7: [
        "- Re-run `c12` (c12) before densifying around it: its p99 TTFT 900 s jumps from 50 s at c8 and falls back to 80 s at c16, and 60 requests succeeded in it against 160 at c8 and 210 at c16; a second run tells a one-off from a real cliff.",
      ],
    },
    {
      name: "quiet: lower than the spike but still 2× the point before (realdata c32 → c48)",
      next: [next(107.5)],
      s6: [],
      s7: [densify],
    },
    {
      name: "quiet: exactly 2× the point before",
      next: [next(100)],
      s6: [],
      s7: [densify],
    },
    {
      name: "quiet: next point higher still",
      next: [next(1000)],
      s6: [],
      s7: [densify],
    },
    {
      name: "quiet: one re-run at c16 falls back, the other stays high (fs-10000 c256 → c512)",
      next: [next(80), next(880, "b")],
      s6: [],
      s7: [densify],
    },
    {
      // A partial run's p99 TTFT is biased low: it cannot show that the TTFT falls back.
      name: "quiet: the only run at c16 is partial",
      next: [next(80, "", "partial")],
      s6: [],
      s7: [densify],
    },
    {
      name: "both re-runs at c16 fall back; a failed run there does not count",
      next: [next(80), next(90, "b"), next(5000, "c", "failed")],
      s6: [
        "- c12 looks like an outlier rather than a cliff: its p99 TTFT 900 s falls back to 80–90 s at c16 (both runs), under 2× the 50 s at c8.",
      ],
      s7: [
        "- Re-run `c16c` (c16): no request succeeded.",
        "- Re-run `c12` (c12) before densifying around it: its p99 TTFT 900 s jumps from 50 s at c8 and falls back to 80–90 s at c16 (both runs), and 60 requests succeeded in it against 160 at c8 and 210 at c16; a second run tells a one-off from a real cliff.",
      ],
    },
  ];
  for (const c of cases) {
    const md = renderMarkdown(build([pt(4, 100, 30, 0.02), c8, c12, ...c.next], [cliff]));
    assert.deepEqual(linesOf(md, 6, "- c12 looks like"), c.s6, c.name);
    assert.deepEqual(
      linesOf(md, 7, "- ").filter((l) => !l.startsWith("- Curve ")),
      c.s7,
      c.name,
    );
  }
});

Deno.test("markdown §6/§7: two cliffs into one point give one outlier line and one re-run", () => {
  // Re-runs at c8 (40 s and 50 s) each jump to c12 (900 s); c16 falls back below 2 × 40 s.
  const c8 = pt(8, 200, 50, 0.03);
  const c8b = pt(8, 200, 40, 0.03, { suffix: "b" });
  const c12 = pt(12, 90, 900, 0.09);
  const make = (c16Ttft: number) => {
    const c16 = pt(16, 190, c16Ttft, 0.06);
    return renderMarkdown(build([c8, c8b, c12, c16], [
      step("ttft_cliff", c8, c12, "p99 TTFT rises 18.00× from 50 s to 900 s", "critical"),
      step("ttft_cliff", c8b, c12, "p99 TTFT rises 22.50× from 40 s to 900 s", "critical"),
    ]));
  };
  const spike = make(70);
  assert.deepEqual(linesOf(spike, 6, "- c12 looks"), [
    "- c12 looks like an outlier rather than a cliff: its p99 TTFT 900 s falls back to 70 s at c16, under 2× the 40 s at c8.",
  ]);
  assert.deepEqual(linesOf(spike, 7, "- Re-run"), [
    "- Re-run `c12` (c12) before densifying around it: its p99 TTFT 900 s jumps from 40–50 s at c8 (both runs) and falls back to 70 s at c16; a second run tells a one-off from a real cliff.",
  ]);
  assert.deepEqual(linesOf(spike, 7, "- Densify"), []);
  // 90 s is under 2 × 50 s but not under 2 × 40 s: one cliff stays a cliff, so no outlier.
  const cliffStays = make(90);
  assert.deepEqual(linesOf(cliffStays, 6, "- c12 looks"), []);
  assert.deepEqual(linesOf(cliffStays, 7, "- Re-run"), []);
  assert.deepEqual(linesOf(cliffStays, 7, "- Densify"), [
    "- Densify concurrency between 8 and 12 (for example 10) to locate where the `ttft_cliff` at `c12` starts.",
  ]);
});

Deno.test("markdown §6: points without data and curves without p99 are named", () => {
  const cases: { name: string; cells: Cell[]; want: string[] }[] = [
    {
      name: "quiet: every point has data",
      cells: [pt(4, 100, 1, 0.01), pt(8, 200, 1, 0.01)],
      want: [],
    },
    {
      name: "a point with neither throughput nor latency",
      cells: [pt(4, 100, 1, 0.01), pt(8, 200, 1, 0.01), pt(16, null, null, null)],
      want: ["- No throughput or latency data at c16 (`c16`, complete)."],
    },
    {
      name: "a point with only other measures names them",
      cells: [
        pt(4, 100, 1, 0.01),
        pt(8, 200, 1, 0.01),
        pt(16, null, null, null, { metrics: { output_tput_tps: 3362.56, p50_tpot: 0.019 } }),
      ],
      want: [
        "- No throughput per GPU or p99 latency at c16 (`c16`, complete); it has only output throughput, median TPOT (section 4 and `report.json`).",
      ],
    },
    {
      name: "p95 only in the source",
      cells: [4, 8].map((c) =>
        pt(c, 100 * c, null, null, { extra_percentiles: { p95_ttft: 1, p95_tpot: 0.01 } })
      ),
      want: [
        "- p99 TTFT and TPOT are not available for this curve (its source reports percentiles up to p95, kept in `report.json`), so latency growth is not assessed.",
      ],
    },
  ];
  for (const c of cases) {
    const md = renderMarkdown(build(c.cells));
    assert.deepEqual(
      section(md, 6).filter((l) => l.startsWith("- No ") || l.startsWith("- p99 TTFT and")),
      c.want,
      c.name,
    );
  }
});

Deno.test("markdown §7: KV signals point once per curve at server metrics already recorded", () => {
  const make = (withMetrics: boolean) => {
    const cells = [4, 8, 16].map((c) =>
      pt(c, 100 * c, c, 0.01 * c, {
        artifacts: withMetrics
          ? { server_metrics_csv: [`run_c${c}/metrics_server_metrics.csv`] }
          : {},
      })
    );
    const r = build(cells, [
      finding("kv_pressure", "warning", "c8", "KV pressure: GPU KV usage p95 0.95 ≥ 0.9"),
      finding("kv_pressure", "warning", "c16", "KV pressure: GPU KV usage p95 0.99 ≥ 0.9"),
    ]);
    return { id: r.cross_run.curves[0].curve_id, md: renderMarkdown(r) };
  };
  const have = make(true);
  assert.deepEqual(linesOf(have.md, 7, "- Curve"), [
    `- Curve \`${have.id}\` (${LABEL}) shows \`kv_pressure\` at c8, c16: the server metrics already recorded for these points (\`metrics_server_metrics.csv\` in each run directory, e.g. \`run_c16/metrics_server_metrics.csv\`) hold KV usage, preemptions, prefix-cache hits and offload bytes over time: read them to see at which load pressure begins and reuse drops.`,
  ]);
  assert.ok(!have.md.includes("(server metrics at 1 s)"));
  const lack = make(false);
  assert.deepEqual(linesOf(lack.md, 7, "- Curve"), [
    `- Curve \`${lack.id}\` (${LABEL}) shows \`kv_pressure\` at c8, c16: record KV usage, preemptions, prefix-cache hits and offload bytes over time (server metrics at 1 s) at c8, c16 to see at which load pressure begins and reuse drops.`,
  ]);
});

Deno.test("markdown §7: every kind of evidence gets its own measurement item", () => {
  const evalCell = (value: number, nEff: number) =>
    cell("ev", 64, {
      source_format: "eval",
      eval: { gsm8k: { em_strict: { value, stderr: 0 } } },
      notes: { n_eff: nEff, source: "evals/results_1.json" },
    });
  const unreadable = (path: string) =>
    finding("artifact_unreadable", "warning", null, `Cannot parse "${path}"`, {
      path,
      unreadable: true,
    });
  const cases: { name: string; report: Report; want: string[] }[] = [
    {
      name: "quiet: an eval with a real score",
      report: build([evalCell(0.9, 1319)]),
      want: [],
    },
    {
      name: "quiet: a zero over a handful of samples",
      report: build([evalCell(0, 5)]),
      want: [],
    },
    {
      name: "eval score of exactly 0 over many samples",
      report: build([evalCell(0, 1319)]),
      want: [
        "- Inspect the eval outputs of `ev` (c64) (`evals/results_1.json`): gsm8k em\\_strict is exactly 0 over 1319 samples, which looks like failed requests or answers that were not extracted rather than a measured accuracy.",
      ],
    },
    {
      name: "every input unreadable",
      report: build([], [unreadable("a.json"), unreadable("b.json")], {
        discovered: ["a.json", "b.json"].map((path) => ({
          path,
          kind: "json_other" as const,
          size: 1,
          cell: null,
          parsed: false,
          issue: "Invalid JSON",
        })),
      }),
      want: [
        "- None of the 2 discovered inputs could be read, so this report holds no measurement: recover readable copies of the 2 unreadable inputs (`a.json`, `b.json`) and analyze again; nothing in them reached this report.",
      ],
    },
    {
      name: "eval regression against the baseline",
      report: build([cell("ev", 64, { source_format: "eval" })], [
        finding("eval_regression", "warning", "ev", "gsm8k em 0.91 is 0.04 below the baseline", {
          task: "gsm8k",
          metric: "em",
          delta: -0.04,
          allowed_change: 0.0158,
        }),
      ]),
      want: [
        "- Repeat the eval of `ev` (c64) on the same samples to tell a real regression from run-to-run noise: gsm8k em -0.04 against the baseline (noise allowance 0.0158).",
      ],
    },
    {
      name: "a live critical",
      report: build([pt(4, 100, 1, 0.01)], [
        finding("kv_transfer_errors_present", "critical", "c4", "Transfer failures rose by 2", {}, {
          source: "timeline",
          count: 3,
          first_seen_at: "2026-05-27T10:00:00Z",
          last_seen_at: "2026-05-27T10:02:00Z",
        }),
      ]),
      want: [
        "- Re-measure `c4` (c4) with the live overlay recording (`inferguard disagg status --watch --timeline …`) and compare its samples with the benchmark window: the overlay saw `kv_transfer_errors_present` (Transfer failures rose by 2) — seen in 3 samples, 2026-05-27T10:00:00Z → 2026-05-27T10:02:00Z.",
      ],
    },
    {
      name: "aggregate disagreeing with the measured data",
      report: build([pt(4, 100, 1, 0.01)], [
        finding("aggregate_mismatch", "warning", "c4", "agg disagrees", {
          aggregate: "run/agg_c4.json",
          fields: { p99_ttft: {}, mean_ttft: {} },
        }),
      ]),
      want: [
        "- Check which run produced `run/agg_c4.json` of `c4` (c4): it disagrees with the measured data on p99\\_ttft, mean\\_ttft; the report uses the measured values.",
      ],
    },
    {
      name: "GPU count contradicting the split",
      report: build([pt(4, 100, 1, 0.01)], [
        finding("gpu_count_mismatch", "warning", "c4", "16 GPUs vs 4 + 8", {
          num_gpus: 16,
          num_prefill_gpu: 4,
          num_decode_gpu: 8,
        }),
      ]),
      want: [
        "- Confirm the GPU count of `c4` (c4) from its launch logs or configuration: it states 16 GPUs but prefill 4 + decode 8 = 12, and its per-GPU throughput depends on which is right.",
      ],
    },
  ];
  for (const c of cases) {
    const items = linesOf(renderMarkdown(c.report), 7, "- ").filter((l) =>
      !l.startsWith("- Curve ")
    );
    assert.deepEqual(items, c.want, c.name);
  }
  // Prefix-cache regressions count as a KV signal of their curve.
  const r = build([pt(4, 100, 1, 0.01), pt(8, 200, 1, 0.01), pt(16, 300, 1, 0.01)], [
    finding("prefix_cache_regression", "warning", "c8", "hit rate 0.6 is 0.35 below 0.95"),
  ]);
  assert.ok(
    renderMarkdown(r).includes(
      `- Curve \`${
        r.cross_run.curves[0].curve_id
      }\` (${LABEL}) shows \`prefix_cache_regression\` at c8: record KV usage`,
    ),
  );
});

Deno.test("markdown §1: verdict, counts per code, a varied top list and a true pointer", () => {
  // No cell at all: not "usable".
  const none = renderMarkdown(build([], [finding("artifact_unreadable", "warning", null, "x")]));
  assert.equal(
    section(none, 1)[1],
    "**Verdict: no results.** No benchmark cell could be formed from the inputs, so there is nothing to use; the findings below say why.",
  );
  // Seven KV findings on one curve must not crowd out the partial run and the cliff.
  const cells = [1, 2, 4, 8, 16, 32, 64, 128].map((c) => pt(c, 100 * c, c, 0.01));
  const findings = [
    finding("invalid_run_no_successful_requests", "critical", "c1", "None of 10 succeeded"),
    ...[2, 4, 8, 16, 32, 64, 128].map((c) =>
      finding("kv_pressure", "warning", `c${c}`, `KV pressure at c${c}`, { num_preemptions: c })
    ),
    finding("partial_run", "warning", "c128", "8 of 100 succeeded", { success_rate: 0.08 }),
    finding("partial_run", "warning", "c64", "90 of 100 succeeded", { success_rate: 0.9 }),
    finding("ttft_cliff", "warning", "c128", "p99 TTFT rises 2.5×"),
    finding("metrics_unavailable", "warning", "c4", "no server metrics"),
    finding("throughput_plateau", "info", "c64", "plateau"),
  ];
  const md = renderMarkdown(build(cells, findings));
  const s1 = section(md, 1);
  assert.ok(
    s1.includes(
      "- Findings by code: `kv_pressure` 7, `partial_run` 2, `invalid_run_no_successful_requests` 1, `metrics_unavailable` 1, `throughput_plateau` 1, `ttft_cliff` 1",
    ),
  );
  assert.deepEqual(s1.filter((l) => l.startsWith("- **")), [
    "- **critical** `invalid_run_no_successful_requests` (`c1`): None of 10 succeeded",
    "- **warning** `kv_pressure` (`c128`): KV pressure at c128",
    "- **warning** `kv_pressure` (`c64`): KV pressure at c64",
    // Slots left after every code had its turn go to the rest, worst first.
    "- **warning** `kv_pressure` (`c32`): KV pressure at c32",
    "- **warning** `kv_pressure` (`c16`): KV pressure at c16",
    "- **warning** `kv_pressure` (`c8`): KV pressure at c8",
    "- **warning** `metrics_unavailable` (`c4`): no server metrics",
    "- **warning** `partial_run` (`c128`): 8 of 100 succeeded",
    "- **warning** `partial_run` (`c64`): 90 of 100 succeeded",
    "- **warning** `ttft_cliff` (`c128`): p99 TTFT rises 2.5×",
  ]);
  assert.ok(
    s1.includes(
      "3 more findings: 3 in section 6 (by curve, then other signals); every finding is in `report.json`.",
    ),
  );
  // The pointer is true: every finding not shown is in section 6 (or, for inputs, section 3).
  const s6 = section(md, 6).join("\n");
  for (const f of findings) {
    if (f.code === "metrics_unavailable") assert.ok(section(md, 3).join("\n").includes(f.message));
    else assert.ok(s6.includes(f.message), f.message);
  }
});

Deno.test("markdown §2: every cell appears, eval-only cells too", () => {
  const cells = [
    pt(4, 100, 1, 0.01),
    pt(8, 200, 1, 0.01),
    cell("eval_c64", 64, {
      source_format: "eval",
      eval: { gsm8k: { em: { value: 0.9, stderr: null } } },
    }),
    cell("loose", null),
  ];
  const md = renderMarkdown(build(cells));
  assert.deepEqual(section(md, 2).filter((l) => l.startsWith("- ") || l.startsWith("Cells")), [
    "Cells: 4, of which 2 are points of the 1 curve below and 2 are outside any curve.",
    "Cells outside any curve (2; eval-only cells hold accuracy results, not throughput points):",
    `- ${LABEL} — concurrency unknown: \`loose\``,
    `- ${LABEL} — eval only: \`eval_c64\` (c64)`,
  ]);
});

Deno.test("markdown §4: success rate, CPU hit rate and unpopulated offload counters", () => {
  const row = (c: Cell) =>
    linesOf(renderMarkdown(build([c])), 4, `| \`${c.cell_id}\``)[0].split(" | ").slice(3);
  const cases: { name: string; cell: Cell; success: string; cache: string; offload: string }[] = [
    {
      name: "quiet: counts agree, no CPU tier",
      cell: cell("a", 4, {
        metrics: {
          num_requests_total: 45,
          num_requests_successful: 45,
          success_rate: 1,
          server_gpu_cache_hit_rate: 0.9,
          server_cpu_cache_hit_rate: 0,
          theoretical_cache_hit_rate: 0.95,
          kv_offload_bytes_gpu_to_cpu: 0,
          kv_offload_bytes_cpu_to_gpu: 0,
        },
      }),
      success: "45/45",
      cache: "0.9 / 0 / 0.95",
      offload: "0 B / 0 B",
    },
    {
      name: "warm-up records in the total",
      cell: cell("b", 4, {
        metrics: { num_requests_total: 1627, num_requests_successful: 667, success_rate: 0.997 },
        notes: { request_accounting: { records_warmup_dropped: 960 } },
      }),
      success: "667/1627 (rate 0.997; the total counts 960 warm-up records)",
      cache: "— / — / —",
      offload: "— / —",
    },
    {
      name: "CPU tier hits with zero offload bytes",
      cell: cell("c", 4, {
        metrics: {
          server_gpu_cache_hit_rate: 0.3,
          server_cpu_cache_hit_rate: 0.516,
          kv_offload_bytes_gpu_to_cpu: 0,
          kv_offload_bytes_cpu_to_gpu: 0,
        },
      }),
      success: "—",
      cache: "0.3 / 0.516 / —",
      offload: "counters not populated",
    },
    {
      name: "CPU tier hits with the byte counters null",
      cell: cell("d", 4, { metrics: { server_cpu_cache_hit_rate: 0.1 } }),
      success: "—",
      cache: "— / 0.1 / —",
      offload: "counters not populated",
    },
  ];
  for (const c of cases) {
    const cols = row(c.cell);
    assert.deepEqual([cols[0], cols[7], cols[8]], [c.success, c.cache, c.offload], c.name);
  }
});

Deno.test("markdown: ratios are written one way in generated text (0–1, as findings write them)", () => {
  const cells = [
    pt(4, 100, 1, 0.01, { metrics: { gpu_kv_usage_p95: 0.5, server_gpu_cache_hit_rate: 0.9 } }),
    pt(8, 150, 2, 0.02, {
      status: "partial",
      metrics: { gpu_kv_usage_p95: 0.996, server_gpu_cache_hit_rate: 0.213, success_rate: 0.561 },
    }),
  ];
  const md = renderMarkdown(build(cells, [
    finding(
      "partial_run",
      "warning",
      "c8",
      "56 of 100 requests succeeded (success rate 0.561 < 0.95)",
      {
        success_rate: 0.561,
      },
    ),
  ]));
  assert.deepEqual(linesOf(md, 6, "- KV"), [
    "- KV and cache evidence (GPU KV usage p95 and server cache hit rates, 0–1): c4: KV p95 0.5, GPU hit 0.9; c8: KV p95 0.996, GPU hit 0.213.",
  ]);
  assert.deepEqual(linesOf(md, 7, "- Re-run"), [
    "- Re-run `c8` (c8): only 0.561 of requests succeeded, so its latency tail describes a biased subset.",
  ]);
  assert.ok(!/\d %/.test(section(md, 6).join("\n").replace(/[+-]\d[\d.]* %/g, "")));
});

Deno.test("markdown §8/§2: paths and labels copy exactly; `$` cannot start math", () => {
  const hostile = "weird dir|`x`*_";
  const discovered: DiscoveredEntry[] = [
    { path: `${hostile}/f.json`, kind: "agg", size: 10, cell: "c4", parsed: true, issue: null },
    { path: `${hostile}/a.log`, kind: "log", size: 5, cell: "c4", parsed: false, issue: null },
    { path: `${hostile}/b.txt`, kind: "other", size: 2, cell: "c8", parsed: false, issue: null },
    { path: "top.txt", kind: "other", size: 1, cell: null, parsed: false, issue: "bad | line" },
  ];
  const md = renderMarkdown(
    build([pt(4, 100, 1, 0.01, { model: "m$1$" }), pt(8, 200, 1, 0.01, { model: "m$1$" })], [], {
      discovered,
    }),
  );
  assert.deepEqual(linesOf(md, 8, "| "), [
    "| Directory | Cell | Files |",
    "| --- | --- | --- |",
    "| (input root) | — | `top.txt` other 1 ⚠ bad \\| line |",
    "| ``weird dir\\|`x`*_/`` | `c4` | `a.log` log 5; `b.txt` other 2 → `c8`; `f.json` agg 10 ✓ |",
  ]);
  assert.match(section(md, 2).join("\n"), /\| m\\\$1\\\$ · h100 · vllm/);
});

Deno.test("markdown §4: rows follow the curves by concurrency, then other cells by id", () => {
  const cells = [
    pt(16, 100, 1, 0.01),
    pt(32, 100, 1, 0.01),
    pt(4, 100, 1, 0.01),
    pt(8, 100, 1, 0.01),
    cell("z_eval", 64, { source_format: "eval" }),
    cell("a_loose", null),
  ];
  const ids = linesOf(renderMarkdown(build(cells)), 4, "| `").map((l) => l.split("`")[1]);
  assert.deepEqual(ids, ["c4", "c8", "c16", "c32", "a_loose", "z_eval"]);
});

Deno.test("markdown §6: the Pareto frontier is shown, equal points on one row", () => {
  const cells = [
    pt(4, 100, 1, 0.01),
    pt(4, 100, 1, 0.01, { suffix: "b" }),
    pt(8, 200, 1, 0.02),
    pt(16, 150, 1, 0.04), // dominated by c8
  ];
  const r = build(cells);
  const md = renderMarkdown(r);
  const s6 = section(md, 6);
  const at = s6.findIndex((l) => l.startsWith("Pareto frontier"));
  assert.deepEqual(s6.slice(at, at + 6), [
    `Pareto frontier **m · h100 · 1024/1024** (\`${
      r.cross_run.pareto_frontier[0].frontier_id
    }\`): the points no other point beats in both throughput per GPU and interactivity, by throughput.`,
    "",
    "| Conc | Tput/GPU (tok/s) | Intvty (tok/s/user) | Cells |",
    "| --- | --- | --- | --- |",
    "| 4 | 100 | 100 | `c4`, `c4b` |",
    "| 8 | 200 | 50 | `c8` |",
  ]);
});

Deno.test("markdown §7: a cell without a primary record names its directory and files", () => {
  const c = cell("lost", 128);
  const md = renderMarkdown(build([c], [
    finding(
      "missing_required_artifact",
      "critical",
      "lost",
      "Cell lost has no usable primary record",
      {
        required: "agg_*.json or raw result",
        artifacts: { command: ["runs/c128/cmd.txt"], status: ["runs/c128/status.txt"] },
      },
    ),
  ]));
  assert.deepEqual(linesOf(md, 7, "- Recover"), [
    "- Recover or re-run `lost` (c128): it has no usable primary record (agg\\_\\*.json or raw result) (its files are in `runs/c128/`); found there: `cmd.txt`, `status.txt`.",
  ]);
});

Deno.test("markdown: section 8 stays linear and compact with many cells", () => {
  // 2,000 cells in 2,000 directories of 3 files: the manifest lists one row per directory.
  const cells: Cell[] = [];
  const discovered: DiscoveredEntry[] = [];
  for (let i = 0; i < 2000; i++) {
    cells.push(pt(i + 1, i + 1, 1, 0.01, { suffix: `_${i}` }));
    for (const f of ["agg.json", "server.log", "cmd.txt"]) {
      discovered.push({
        path: `d${i}/${f}`,
        kind: "other",
        size: 1,
        cell: `c${i + 1}_${i}`,
        parsed: false,
        issue: null,
      });
    }
  }
  const md = renderMarkdown(build(cells, [], { discovered }));
  const rows = linesOf(md, 8, "| `d");
  // MANIFEST_ROWS files (400) are listed, three per directory.
  assert.equal(rows.length, 134);
  assert.match(md, /5600 more artifacts are listed in `report.json`\./);
});

Deno.test("markdown §7: beyond the top only when the peak is the highest measured concurrency", () => {
  const partial = (c: number, sr: number) =>
    pt(c, 50, 9, 0.1, { status: "partial", metrics: { success_rate: sr } });
  const cases: { name: string; cells: Cell[]; item: (id: string) => string[]; rising: string }[] = [
    {
      name: "peak at the top measured concurrency: measure beyond it",
      cells: [pt(4, 100, 1, 0.01), pt(8, 200, 1, 0.01), pt(16, 300, 1, 0.01)],
      item: (id) => [
        `- Measure curve \`${id}\` (${LABEL}) beyond c16: throughput per GPU still rises +50 % from c8 to c16, so its peak has not been measured.`,
      ],
      rising: "yes",
    },
    {
      name: "a partial point above the peak: re-run it, not 'beyond'",
      cells: [pt(4, 100, 1, 0.01), pt(8, 200, 1, 0.01), partial(16, 0.5)],
      item: (id) => [
        `- Re-run c16 (partial, success 0.5) of curve \`${id}\` (${LABEL}): throughput per GPU still rises +100 % from c4 to c8, the highest concurrency with a trustworthy run, and the point above it was left out, so its peak has not been located.`,
      ],
      rising: "yes, points above left out",
    },
    {
      name: "failed points above the peak",
      cells: [
        pt(4, 100, 1, 0.01),
        pt(8, 200, 1, 0.01),
        pt(16, null, null, null, { status: "failed" }),
        pt(32, null, null, null, { status: "failed" }),
      ],
      item: (id) => [
        `- Re-run c16 (failed), c32 (failed) of curve \`${id}\` (${LABEL}): throughput per GPU still rises +100 % from c4 to c8, the highest concurrency with a trustworthy run, and the points above it were left out, so its peak has not been located.`,
      ],
      rising: "yes, points above left out",
    },
    {
      name: "quiet: nearly flat into the highest trustworthy point, partial above",
      cells: [pt(4, 100, 1, 0.01), pt(8, 104, 1, 0.01), partial(16, 0.5)],
      item: () => [],
      rising: "no",
    },
  ];
  const rendered = cases.map((c) => {
    const r = build(c.cells);
    return { c, id: r.cross_run.curves[0].curve_id, md: renderMarkdown(r) };
  });
  for (const { c, id, md } of rendered) {
    const items = linesOf(md, 7, "- ").filter((l) =>
      l.startsWith("- Measure") || l.includes("of curve")
    );
    assert.deepEqual(items, c.item(id), c.name);
  }
  // The curve table's Rising column says the same.
  for (const { c, md } of rendered) {
    assert.equal(linesOf(md, 6, "| `")[0]?.split(" | ")[4], c.rising, c.name);
  }
});

Deno.test("markdown §1: the trust verdict only for runs without success or missing records", () => {
  const cells = [pt(4, 100, 1, 0.01), pt(8, 200, 1, 0.01)];
  const crit = (code: string, cellId: string | null = "c8", extra: Partial<Finding> = {}) =>
    finding(code, "critical", cellId, `${code} fired`, {}, extra);
  const behaviour =
    "The critical findings are valid measurements of how the system behaved, not results that cannot be trusted; the findings below give the details.";
  const cases: { name: string; findings: Finding[]; want: string }[] = [
    {
      name: "quiet: warnings only",
      findings: [finding("partial_run", "warning", "c8", "90 of 100 succeeded")],
      want: "**Verdict: warnings.** The results are usable, with the caveats listed below.",
    },
    {
      name: "a run with no successful request",
      findings: [crit("invalid_run_no_successful_requests")],
      want:
        "**Verdict: critical findings.** At least one result cannot be trusted as published (`invalid_run_no_successful_requests` 1).",
    },
    {
      name: "a missing primary record",
      findings: [crit("missing_required_artifact", null)],
      want:
        "**Verdict: critical findings.** At least one result cannot be trusted as published (`missing_required_artifact` 1).",
    },
    {
      name: "a TTFT cliff of 4× or more is measured behaviour",
      findings: [crit("ttft_cliff")],
      want: `**Verdict: critical behaviour found** (\`ttft_cliff\` 1). ${behaviour}`,
    },
    {
      name: "live transfer errors are measured behaviour",
      findings: [
        crit("kv_transfer_errors_present", "c4", {
          source: "timeline",
          count: 2,
          first_seen_at: "a",
          last_seen_at: "b",
        }),
        crit("ttft_cliff"),
        crit("ttft_cliff", "c4"),
      ],
      want:
        `**Verdict: critical behaviour found** (\`ttft_cliff\` 2, \`kv_transfer_errors_present\` 1). ${behaviour}`,
    },
    {
      name: "both kinds: trust first, behaviour named too",
      findings: [crit("ttft_cliff"), crit("ttft_cliff", "c4"), crit("missing_required_artifact")],
      want:
        "**Verdict: critical findings.** At least one result cannot be trusted as published (`missing_required_artifact` 1). Critical behaviour was also measured (`ttft_cliff` 2).",
    },
  ];
  for (const c of cases) {
    assert.equal(section(renderMarkdown(build(cells, c.findings)), 1)[1], c.want, c.name);
  }
});

Deno.test("markdown §2: a label that looks like a list marker or code stays one list item", () => {
  const evalCell = (id: string, model: string) =>
    cell(id, 64, {
      model,
      hardware: null,
      framework: null,
      precision: null,
      isl: null,
      source_format: "eval",
      metrics: { tp: null },
    });
  const cases: { model: string; want: string }[] = [
    // Quiet: a plain name is written as it is.
    { model: "gptoss", want: "- gptoss — eval only: `e` (c64)" },
    { model: "1.5-flash", want: "- 1.5-flash — eval only: `e` (c64)" },
    // Firing: each would start a nested list, a code block or a thematic break.
    { model: "1. evil", want: "- 1\\. evil — eval only: `e` (c64)" },
    { model: "2) x", want: "- 2\\) x — eval only: `e` (c64)" },
    { model: "- evil", want: "- \\- evil — eval only: `e` (c64)" },
    { model: "+ evil", want: "- \\+ evil — eval only: `e` (c64)" },
    { model: "     code", want: "- &#32;    code — eval only: `e` (c64)" },
    { model: "---", want: "- \\--- — eval only: `e` (c64)" },
  ];
  for (const c of cases) {
    const md = renderMarkdown(build([evalCell("e", c.model)]));
    assert.deepEqual(linesOf(md, 2, "- "), [c.want], c.model);
  }
});

Deno.test("markdown §6/§7: no empty, undefined or divided-by-zero sentence", () => {
  // KV findings on no curve: the run as a whole, and a cell id the report does not hold.
  const kv = renderMarkdown(build([pt(4, 100, 1, 0.01)], [
    finding("kv_pressure", "warning", null, "KV pressure across the run"),
    finding("prefix_cache_regression", "warning", "ghost", "hit rate dropped"),
  ]));
  const record =
    "record KV usage, preemptions, prefix-cache hits and offload bytes over time (server metrics at 1 s) to see at which load pressure begins and reuse drops.";
  assert.deepEqual(linesOf(kv, 7, "- ").filter((l) => l.includes(" shows ")), [
    `- The run shows \`kv_pressure\`: ${record}`,
    `- \`ghost\` (a cell this report does not hold) shows \`prefix_cache_regression\`: ${record}`,
  ]);

  // A zero base gives no growth factor: the ratio is left out, never "—×" or NaN.
  const cases: { name: string; cells: Cell[]; want: string[] }[] = [
    {
      name: "p99 TTFT 0 at the first point",
      cells: [pt(4, 100, 0, 0.01), pt(8, 200, 2, 0.012), pt(16, 210, 4, 0.013)],
      want: [
        "- Throughput per GPU is highest at the top measured concurrency, c16 (210 tok/s/GPU, 2.1× the c4 value), and still rising: +5 % over c8.",
        "- p99 TTFT goes from 0 s at c4 to 4 s at c16; p99 TPOT from 10 ms to 13 ms (1.3×).",
        "- Over c4–c16, TTFT and TPOT growth are not compared: p99 TTFT 0 s at c4 gives no growth factor.",
      ],
    },
    {
      name: "quiet: both bases above 0",
      cells: [pt(4, 100, 1, 0.01), pt(8, 200, 2, 0.012), pt(16, 210, 4, 0.013)],
      want: [
        "- Throughput per GPU is highest at the top measured concurrency, c16 (210 tok/s/GPU, 2.1× the c4 value), and still rising: +5 % over c8.",
        "- p99 TTFT goes from 1 s at c4 to 4 s at c16 (4×); p99 TPOT from 10 ms to 13 ms (1.3×).",
        "- Over c4–c16, TTFT grows much faster than TPOT (4× vs 1.3×): queueing before the first token — a prefill-side or admission signal.",
      ],
    },
    {
      name: "throughput 0 at the first point, still rising from 0",
      cells: [pt(4, 0, 1, 0.01), pt(8, 200, 1, 0.01)],
      want: [
        "- Throughput per GPU is highest at the top measured concurrency, c8 (200 tok/s/GPU), and still rising: up from 0 tok/s/GPU at c4.",
        "- p99 TTFT goes from 1 s at c4 to 1 s at c8 (1×); p99 TPOT from 10 ms to 10 ms (1×).",
        "- Over c4–c8, neither TTFT (1×) nor TPOT (1×) grows materially.",
      ],
    },
    {
      name: "throughput 0 everywhere",
      cells: [pt(4, 0, 1, 0.01), pt(8, 0, 1, 0.01)],
      want: [
        "- Throughput per GPU peaks at 0 tok/s/GPU at c4; at c8 it is 0 tok/s/GPU.",
        "- p99 TTFT goes from 1 s at c4 to 1 s at c8 (1×); p99 TPOT from 10 ms to 10 ms (1×).",
        "- Over c4–c8, neither TTFT (1×) nor TPOT (1×) grows materially.",
      ],
    },
  ];
  for (const c of cases) {
    const r = build(c.cells);
    const md = renderMarkdown(r);
    assert.deepEqual(
      section(md, 6).filter((l) => /^- (Throughput|p99 TTFT goes|Over)/.test(l)),
      c.want,
      c.name,
    );
    assert.ok(!/—×|NaN|Infinity|undefined|: \.$/m.test(md), c.name);
  }
  const fromZero = build([pt(4, 0, 1, 0.01), pt(8, 200, 1, 0.01)]);
  assert.deepEqual(linesOf(renderMarkdown(fromZero), 7, "- Measure"), [
    `- Measure curve \`${
      fromZero.cross_run.curves[0].curve_id
    }\` (${LABEL}) beyond c8: throughput per GPU still rises from 0 to 200 tok/s/GPU from c4 to c8, so its peak has not been measured.`,
  ]);

  // A curve without points says so, and asks for nothing.
  const empty = build([pt(4, 100, 1, 0.01)]);
  empty.cross_run.curves.push({
    curve_id: "empty",
    key: { model: "m" },
    points: [],
    duplicates: [],
  });
  const md = renderMarkdown(empty);
  assert.ok(section(md, 6).includes("**m** (`empty`): no points — nothing to describe."));
  assert.ok(section(md, 6).includes("| `empty` | m | — | — | — | — | — | — | — |"));
  assert.ok(section(md, 2).includes("| `empty` | m | — | 0 | 0 | 0 | 0 |"));
  assert.ok(!linesOf(md, 7, "- ").some((l) => l.includes("`empty`")));
  assert.ok(!/c\?|0 concurrencies/.test(md));
});

Deno.test("markdown §6/§7 at campaign scale: a table, the worst curves in detail, grouped items", () => {
  // 260 curves (one model each) measured at c4, c8, c16 and still rising; every curve has a
  // tpot_degradation step c8→c16, and the first five also a critical ttft_cliff there.
  const cells: Cell[] = [];
  const findings: Finding[] = [];
  for (let i = 0; i < 260; i++) {
    const model = `m${i}`;
    const [a, b, c] = [4, 8, 16].map((conc) =>
      pt(conc, 25 * conc, 1, 0.01, { model, suffix: `_${i}` })
    );
    cells.push(a, b, c);
    findings.push(step("tpot_degradation", b, c, `tpot ${i}`));
    if (i < 5) findings.push(step("ttft_cliff", b, c, `cliff ${i}`, "critical"));
  }
  const r = build(cells, findings);
  const md = renderMarkdown(r);
  const curveOf = new Map<string, string>();
  for (const curve of r.cross_run.curves) {
    for (const p of curve.points) curveOf.set(p.cell_id, curve.curve_id);
  }
  const critical = [0, 1, 2, 3, 4].map((i) => curveOf.get(`c16_${i}`)!);

  const s6 = section(md, 6);
  const rows = s6.filter((l) => l.startsWith("| `"));
  assert.equal(rows.length, 200, "the curve table is capped");
  assert.deepEqual(rows.slice(0, 5).map((l) => l.split("`")[1]), critical, "worst first");
  assert.equal(
    rows[0],
    `| \`${
      critical[0]
    }\` | m0 · h100 · vllm · fp8 · 1024/1024 · tp8 | c4–c16 (3) | 400 tok/s/GPU at c16 | yes | 1× | 1× | critical | \`tpot_degradation\` 1, \`ttft_cliff\` 1 |`,
  );
  assert.ok(s6.includes(
    "260 curves: 260 with findings (5 with a critical one); on 260, throughput still rises into the highest trustworthy point.",
  ));
  assert.ok(s6.includes(
    "60 more curves: see `report.json` (`cross_run.curves`, and their findings in `findings`).",
  ));
  const detailed = s6.filter((l) => l.startsWith("**")).map((l) => l.split("`")[1]);
  assert.equal(detailed.length, 50);
  for (const id of critical) assert.ok(detailed.includes(id), id);
  assert.ok(s6.includes("The 50 curves ranked first above, in detail (in curve order):"));
  assert.ok(s6.includes(
    "210 more curves are not detailed here; 210 of them carry 210 findings, all in `report.json` (`findings`; the curves in `cross_run.curves`).",
  ));
  assert.equal(s6.filter((l) => l.startsWith("Pareto frontier")).length, 20);
  assert.ok(
    s6.includes("240 more Pareto frontiers are in `report.json` (`cross_run.pareto_frontier`)."),
  );

  // Section 7: one item per kind of measurement, counting the curves and naming five.
  const firstSeen: string[] = [];
  for (const f of r.findings) {
    const id = curveOf.get(f.cell_id!)!;
    if (!firstSeen.includes(id)) firstSeen.push(id);
  }
  const eg = (ids: string[]) => `e.g. ${ids.slice(0, 5).map((id) => `\`${id}\``).join(", ")}`;
  const inOrder = r.cross_run.curves.map((c) => c.curve_id);
  assert.deepEqual(linesOf(md, 7, "- "), [
    `- Densify concurrency between 8 and 16 (for example 11) on 260 curves to locate where their step findings start (\`tpot_degradation\` on 260, \`ttft_cliff\` on 5): ${
      eg(firstSeen)
    } and 255 more.`,
    `- Measure beyond c16 on 260 curves whose throughput still rises into c16 (by +100 %), so their peaks have not been measured: ${
      eg(inOrder)
    } and 255 more.`,
  ]);

  // Section 1 points at where every finding not shown is, and the counts add up.
  const pointer = section(md, 1).find((l) => l.includes("more findings:"))!;
  assert.equal(
    pointer,
    "255 more findings: 45 in section 6 (by curve, then other signals), 210 only in `report.json` (beyond the curves and findings section 6 lists); every finding is in `report.json`.",
  );
  const s6Text = s6.join("\n");
  const shownIn1 = section(md, 1).filter((l) => l.startsWith("- **"));
  assert.equal(shownIn1.length + 45 + 210, r.findings.length);
  const detailedSet = new Set(detailed);
  let inSection6 = 0;
  for (const f of r.findings) {
    if (!detailedSet.has(curveOf.get(f.cell_id!)!)) continue;
    assert.ok(s6Text.includes(f.message), f.message);
    inSection6++;
  }
  assert.equal(inSection6, 50 + 5, "every finding of a detailed curve is listed there");
});

Deno.test("markdown §7: at most 100 items, then a count of the rest by kind", () => {
  // 110 two-point curves, each with its own step: 110 densify and 110 measure-beyond items of
  // their own, and one grouped coverage item.
  const cells: Cell[] = [];
  const findings: Finding[] = [];
  for (let i = 0; i < 110; i++) {
    const a = pt(10 + i, 100, 1, 0.01, { model: `m${i}` });
    const b = pt(20 + i, 200, 1, 0.02, { model: `m${i}` });
    cells.push(a, b);
    findings.push(step("tpot_degradation", a, b, `tpot ${i}`));
  }
  const items = linesOf(renderMarkdown(build(cells, findings)), 7, "- ");
  assert.equal(items.length, 101);
  assert.equal(
    items[100],
    "- 121 more items (densify 10, measure 110, coverage 1) are not listed; the findings and curves behind them are in `report.json` (`findings`, `cross_run.curves`).",
  );
  // Quiet: a small report lists every item and no count.
  const small = linesOf(renderMarkdown(build(cells.slice(0, 4), findings.slice(0, 2))), 7, "- ");
  assert.equal(small.length, 2 + 2 + 2);
  assert.ok(!small.some((l) => l.includes("not listed")));
});

Deno.test("markdown: inline lists and per-curve findings are capped, with a count", async () => {
  // One curve of 45 points (every third partial), each with a KV finding and KV evidence, and
  // 15 eval-only cells of one configuration.
  const cells: Cell[] = [];
  const findings: Finding[] = [];
  for (let c = 1; c <= 45; c++) {
    const partial = c % 3 === 0;
    cells.push(pt(c, 100 + c, 1, 0.01, {
      status: partial ? "partial" : "complete",
      metrics: { success_rate: partial ? 0.5 : 1, gpu_kv_usage_p95: 0.95 },
    }));
    findings.push(finding("kv_pressure", "warning", `c${c}`, `KV pressure at c${c}`));
  }
  // A critical finding beyond the cut is counted as critical where the cut is noted.
  findings.push(finding("invalid_run_no_successful_requests", "critical", "c45", "none at c45"));
  for (let i = 0; i < 15; i++) cells.push(cell(`e${i}`, i + 1, { source_format: "eval" }));
  const md = renderMarkdown(build(cells, findings));
  const s6 = section(md, 6);
  assert.ok(s6.includes(
    "- Left out of the shape below (failed, or success rate under 0.95): c3 (partial, success 0.5), c6 (partial, success 0.5), c9 (partial, success 0.5), c12 (partial, success 0.5), c15 (partial, success 0.5), c18 (partial, success 0.5), c21 (partial, success 0.5), c24 (partial, success 0.5), c27 (partial, success 0.5), c30 (partial, success 0.5), c33 (partial, success 0.5), c36 (partial, success 0.5) and 3 more.",
  ));
  assert.match(s6.join("\n"), /c12: KV p95 0\.95, GPU hit —; 33 more points in `report\.json`\./);
  assert.equal(s6.filter((l) => l.includes("`kv_pressure`: KV pressure at")).length, 40);
  assert.ok(s6.includes(
    "- 6 more findings (1 critical) of this curve, after the first 40 (`invalid_run_no_successful_requests` 1, `kv_pressure` 5), are in `report.json`.",
  ));
  assert.ok(
    section(md, 1).includes(
      "36 more findings: 31 in section 6 (by curve, then other signals), 5 only in `report.json` (beyond the curves and findings section 6 lists); every finding is in `report.json`.",
    ),
  );
  assert.match(
    section(md, 2).join("\n"),
    /\| 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 33 more \|/,
  );
  assert.ok(
    section(md, 2).includes(
      `- ${LABEL} — eval only: \`e0\` (c1), \`e1\` (c2), \`e2\` (c3), \`e3\` (c4), \`e4\` (c5), \`e5\` (c6), \`e6\` (c7), \`e7\` (c8), \`e8\` (c9), \`e9\` (c10), \`e10\` (c11), \`e11\` (c12) and 3 more`,
    ),
  );
  // Quiet: the real sample report is under every cap and shown in full.
  const sample = renderMarkdown(await sampleReport());
  assert.ok(
    !/ more (curves?|Pareto frontiers|points|findings of this curve|items)\b/.test(
      section(sample, 6).concat(section(sample, 7)).join("\n"),
    ),
  );
  assert.ok(!/only in `report\.json`/.test(section(sample, 1).join("\n")));
});

Deno.test("markdown §6: frontier rows, cells of a row and other signals are capped", () => {
  // 60 points that each trade interactivity for throughput (all on the frontier), the first
  // measured 14 times with equal results, and 105 run-level findings.
  const cells: Cell[] = [];
  for (let c = 1; c <= 60; c++) cells.push(pt(c, 100 + c, 1, 0.01 * c));
  for (let i = 0; i < 13; i++) cells.push(pt(1, 101, 1, 0.01, { suffix: `_${i}` }));
  const findings = Array.from(
    { length: 105 },
    (_, i) => finding("eval_regression", "warning", null, `regression ${i}`),
  );
  const md = renderMarkdown(build(cells, findings));
  const s6 = section(md, 6);
  const at = s6.findIndex((l) => l.startsWith("Pareto frontier"));
  assert.equal(
    s6[at + 4],
    "| 1 | 101 | 100 | `c1`, `c1_0`, `c1_1`, `c1_10`, `c1_11`, `c1_12`, `c1_2`, `c1_3`, `c1_4`, `c1_5`, `c1_6`, `c1_7` and 2 more |",
  );
  assert.equal(s6.filter((l) => /^\| \d/.test(l)).length, 50);
  assert.ok(s6.includes(
    "10 more rows of this frontier (points and their cells) are in `report.json` (`cross_run.pareto_frontier`).",
  ));
  assert.equal(s6.filter((l) => l.startsWith("- **warning** `eval_regression`")).length, 100);
  assert.ok(s6.includes("5 more other signals are in `report.json` (`findings`)."));
  assert.ok(
    section(md, 1).includes(
      "95 more findings: 90 in section 6 (by curve, then other signals), 5 only in `report.json` (beyond the curves and findings section 6 lists); every finding is in `report.json`.",
    ),
  );
});

Deno.test("markdown §6: a curve's rank and worst severity count its input findings too", () => {
  // c8 of curve A has no primary record (critical, listed in section 3): A must rank first and
  // show it, ahead of curve B with a warning only.
  const a = [pt(4, 100, 1, 0.01, { model: "a" }), pt(8, 150, 1, 0.01, { model: "a" })];
  const b = [pt(4, 100, 1, 0.01, { model: "b" }), pt(8, 150, 1, 0.02, { model: "b" })];
  const findings = [
    finding("missing_required_artifact", "critical", a[1].cell_id, "no primary record"),
    step("tpot_degradation", b[0], b[1], "tpot b"),
  ];
  // Cell ids must differ between the curves.
  a.forEach((c) => (c.cell_id = `a_${c.cell_id}`));
  findings[0].cell_id = a[1].cell_id;
  const md = renderMarkdown(build([...a, ...b], findings));
  const s6 = section(md, 6);
  const rows = s6.filter((l) => l.startsWith("| `"));
  assert.equal(rows.length, 2);
  assert.ok(rows[0].includes("| a · h100 ·"), rows[0]);
  assert.ok(rows[0].endsWith("| critical | `missing_required_artifact` 1 |"), rows[0]);
  assert.ok(
    s6.includes(
      "2 curves: 2 with findings (1 with a critical one); on 2, throughput still rises into the highest trustworthy point.",
    ),
    s6.join("\n"),
  );
});

Deno.test("markdown §1/§6: notes of what the caps leave out count the critical findings in it", () => {
  // 60 curves, each with a critical ttft_cliff: 50 are detailed in section 6, 10 are not.
  const cells: Cell[] = [];
  const findings: Finding[] = [];
  for (let i = 0; i < 60; i++) {
    const [a, b] = [4, 8].map((conc) =>
      pt(conc, 25 * conc, 1, 0.01, { model: `m${i}`, suffix: `_${i}` })
    );
    cells.push(a, b);
    findings.push(step("ttft_cliff", a, b, `cliff ${i}`, "critical"));
  }
  const md = renderMarkdown(build(cells, findings));
  const s6 = section(md, 6);
  assert.ok(
    s6.includes(
      "10 more curves are not detailed here; 10 of them carry 10 findings (10 critical), all in `report.json` (`findings`; the curves in `cross_run.curves`).",
    ),
    s6.filter((l) => l.includes("not detailed")).join("\n"),
  );
  // Of the 60, 10 are in the top list of section 1 and 40 more in section 6's detail blocks
  // (the detailed curves' own top findings are among them); the rest are only in report.json.
  const shown = section(md, 1).filter((l) => l.startsWith("- **critical**")).length;
  const detailed = s6.filter((l) => l.startsWith("**")).length;
  assert.equal(shown, 10);
  assert.equal(detailed, 50);
  const line = section(md, 1).find((l) => l.includes("only in `report.json`"))!;
  assert.match(line, /, 10 \(10 critical\) only in `report\.json`/);
});

Deno.test("markdown §1: a critical cliff into a possible outlier is not called settled behaviour", () => {
  const c8 = pt(8, 200, 50, 0.03);
  const c12 = pt(12, 90, 900, 0.09);
  const cases: { name: string; c16Ttft: number; verdict: string }[] = [
    {
      name: "the next point falls back: to be confirmed",
      c16Ttft: 80,
      verdict:
        "**Verdict: critical behaviour found** (`ttft_cliff` 1), to be confirmed. Section 6 flags the `ttft_cliff` at c12 as a possible outlier: re-run that point before taking it for a cliff.",
    },
    {
      name: "quiet: the next point stays high",
      c16Ttft: 1000,
      verdict:
        "**Verdict: critical behaviour found** (`ttft_cliff` 1). The critical findings are valid measurements of how the system behaved, not results that cannot be trusted; the findings below give the details.",
    },
  ];
  for (const c of cases) {
    const cliff = step("ttft_cliff", c8, c12, "p99 TTFT rises 18.00×", "critical");
    const md = renderMarkdown(build([c8, c12, pt(16, 190, c.c16Ttft, 0.06)], [cliff]));
    assert.ok(
      section(md, 1).includes(c.verdict),
      `${c.name}\n${section(md, 1).slice(0, 3).join("\n")}`,
    );
  }
});

Deno.test("markdown §2/§6: without a curve, the reason names what the cells lack", () => {
  const evalCell = (id: string) =>
    cell(id, 64, { source_format: "eval", metrics: { tput_per_gpu: null } });
  const cases: { name: string; cells: Cell[]; reason: string }[] = [
    {
      name: "eval-only cells, each with a concurrency",
      cells: [evalCell("e1"), evalCell("e2")],
      reason:
        "Every cell is an eval-only cell (accuracy scores, not a point of a throughput or latency curve), so no curve could be formed",
    },
    {
      name: "no concurrency anywhere",
      cells: [cell("a", null), cell("b", null)],
      reason: "No cell has a known concurrency, so no curve could be formed",
    },
    {
      name: "both",
      cells: [evalCell("e1"), cell("a", null), cell("b", null)],
      reason:
        "No curve could be formed: 1 cell is eval-only (accuracy scores, not curve points) and the other 2 cells have no known concurrency",
    },
  ];
  for (const c of cases) {
    const md = renderMarkdown(build(c.cells));
    assert.ok(section(md, 2).includes(`${c.reason}.`), c.name);
    assert.ok(
      section(md, 6).includes(
        `Saturation cannot be located: ${c.reason[0].toLowerCase()}${c.reason.slice(1)}.`,
      ),
      c.name,
    );
    assert.ok(
      section(md, 2).includes(
        `Cells: ${c.cells.length}, of which 0 are points of the 0 curves below and ${c.cells.length} are outside any curve.`,
      ),
      c.name,
    );
  }
});

Deno.test("markdown §6: info and critical findings say their severity, warnings are the rule", () => {
  const cs = [pt(4, 100, 1, 0.01), pt(8, 200, 1, 0.01), pt(16, 201, 1, 0.01)];
  const md = renderMarkdown(build(cs, [
    step("throughput_plateau", cs[1], cs[2], "Total throughput changes +0.5 %", "info"),
    step("ttft_cliff", cs[0], cs[1], "p99 TTFT rises", "critical"),
    step("tpot_degradation", cs[0], cs[1], "p99 TPOT rises"),
  ]));
  const lines = section(md, 6).filter((l) => l.includes("`: ") || l.includes(": "));
  assert.ok(lines.some((l) => l.includes("`throughput_plateau` (info): Total throughput")));
  assert.ok(lines.some((l) => l.includes("`ttft_cliff` (critical): p99 TTFT rises")));
  assert.ok(lines.some((l) => l.includes("`tpot_degradation`: p99 TPOT rises")));
});
