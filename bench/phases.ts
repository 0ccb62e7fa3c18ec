/**
 * Where the time of one `analyze` goes: runs the pipeline's phases in-process (walk, load,
 * analyze, render JSON, render Markdown, encode) and prints the wall time of each, plus an
 * experiment or two that show what a cheaper variant of a phase would cost. It imports the
 * pipeline's modules and does not change them; the figures are diagnostics, not the benchmark
 * (that is `bench/run.ts`, which runs the real CLI).
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write bench/phases.ts bench/out/data/fs-10000
 * ```
 * @module
 */
import { walkResults } from "../lib/io/walk.ts";
import { DEFAULT_LIMITS, loadAll } from "../lib/io/load.ts";
import { analyze } from "../lib/analyze.ts";
import { defaultThresholds } from "../lib/thresholds.ts";
import { renderJson } from "../render/json.ts";
import { renderMarkdown } from "../render/markdown.ts";

async function timed<T>(label: string, f: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  const v = await f();
  console.log(`| ${label} | ${(performance.now() - t0).toFixed(0)} |`);
  return v;
}

if (import.meta.main) {
  const root = Deno.args[0];
  if (!root) {
    console.error("Usage: deno run --allow-read bench/phases.ts <results_dir>");
    Deno.exit(2);
  }
  console.log(`Phases of analyze on ${root}\n\n| Phase | ms |\n|---|---:|`);
  const walked = await timed(
    "walk (walkResults)",
    () => walkResults(root, { isTimeline: () => false }),
  );
  const refs = walked.artifacts.filter((a) => a.kind !== "timeline");
  const loaded = await timed(
    `load + parse ${refs.length} files (loadAll, parallel ${DEFAULT_LIMITS.parallel})`,
    () => loadAll(root, refs),
  );
  await timed(
    "load + parse (loadAll, parallel 64)",
    () => loadAll(root, refs, { ...DEFAULT_LIMITS, parallel: 64 }),
  );
  loaded.sort((a, b) => (a.ref.path < b.ref.path ? -1 : a.ref.path > b.ref.path ? 1 : 0));
  const report = await timed("analyze (fold, curves, rules, findings)", () =>
    analyze({
      inputRoot: root,
      generatedAt: "2026-01-01T00:00:00Z",
      loaded,
      walkIssues: walked.issues,
      timelines: [],
      thresholds: defaultThresholds(),
    }));
  const json = await timed("renderJson (JSON.stringify, indent 2)", () => renderJson(report));
  await timed("  for comparison: JSON.stringify without indent", () => JSON.stringify(report));
  const md = await timed("renderMarkdown", () => renderMarkdown(report));
  await timed("TextEncoder.encode both", () => {
    const enc = new TextEncoder();
    return enc.encode(json).length + enc.encode(md).length;
  });
  console.log(
    `\n${report.cells.length} cells, ${report.findings.length} findings, report.json ${
      (json.length / 1e6).toFixed(1)
    } MB, report.md ${(md.length / 1e6).toFixed(1)} MB`,
  );
  // Experiment: the same metadata work done synchronously, one op at a time.
  await timed(
    "experiment: statSync of every file (what the walk's stats cost without async)",
    () => {
      for (const a of walked.artifacts) Deno.statSync(`${root}/${a.path}`);
    },
  );
  await timed("experiment: sync walk (readDirSync + statSync, realPath only for links)", () => {
    let files = 0;
    const visit = (dir: string) => {
      const entries = [...Deno.readDirSync(dir)].sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const e of entries) {
        const abs = `${dir}/${e.name}`;
        if (e.isSymlink) Deno.realPathSync(abs);
        if (e.isDirectory) visit(abs);
        else if (e.isFile) files += Deno.statSync(abs).size >= 0 ? 1 : 0;
      }
    };
    visit(root);
    return files;
  });
  await timed("experiment: readFileSync of every file", () => {
    let n = 0;
    for (const a of refs) n += Deno.readFileSync(`${root}/${a.path}`).length;
    return n;
  });
}
