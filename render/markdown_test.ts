import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { analyze, type Report } from "../lib/analyze.ts";
import { loadAll } from "../lib/io/load.ts";
import { walkResults } from "../lib/io/walk.ts";
import { defaultThresholds } from "../lib/thresholds.ts";
import type { LoadedArtifact } from "../parsers/mod.ts";
import { renderJson } from "./json.ts";
import { fmt, renderMarkdown, renderMarkdownChunks } from "./markdown.ts";

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
  assert.match(text(HEADINGS[1]), /No cell has a known concurrency/);
  assert.match(text(HEADINGS[2]), /broken\.json/);
  assert.match(text(HEADINGS[3]), /No cell could be formed/);
  assert.match(text(HEADINGS[4]), /No live timeline/);
  assert.match(text(HEADINGS[5]), /No curve has two or more points/);
  assert.match(text(HEADINGS[6]), /Nothing in the evidence calls for another measurement/);
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
