import assert from "node:assert/strict";
import type { BaselineSummary } from "../lib/analyze.ts";
import { type BaselineMatch, metricDelta } from "../lib/baseline.ts";
import { baselineSection, baselineSummaryLine } from "./_baseline.ts";

function match(
  id: string,
  now: Record<string, number>,
  then: Record<string, number>,
): BaselineMatch {
  const keys = ["p99_ttft", "p99_tpot", "tput_per_gpu", "total_tput_tps", "success_rate"];
  return {
    cell_id: id,
    baseline_cell_id: id,
    deltas: Object.fromEntries(keys.map((k) => [k, metricDelta(now[k] ?? null, then[k] ?? null)])),
    eval_deltas: {},
    baseline_candidates: 1,
    paired_by: "identity",
  };
}

const same = { p99_ttft: 1, p99_tpot: 0.01, tput_per_gpu: 100, success_rate: 1 };

function summary(matches: BaselineMatch[], extra: Partial<BaselineSummary> = {}): BaselineSummary {
  return {
    source: "prev/report.json",
    baseline_cells: matches.length + 1,
    matched: matches.length,
    unmatched: ["new_c512"],
    baseline_unmatched: ["old_c4"],
    matches,
    ...extra,
  };
}

Deno.test("baseline section: a throughput drop with flat latency ranks first and is counted", () => {
  const b = summary([
    match("a_c8", same, same),
    match("b_c16", { ...same, tput_per_gpu: 70 }, same),
    match("c_c32", { ...same, p99_ttft: 0.8 }, same),
  ]);
  const text = baselineSection(b).join("\n");
  assert.match(text, /### Against the baseline/);
  assert.match(
    text,
    /- 3 cells matched; 1 without a counterpart \(`new_c512`\); 1 baseline cell not measured again \(`old_c4`\)\./,
  );
  assert.match(
    text,
    /- 1 worse by 10 % or more on a headline metric, 0 better by 10 % or more on all of them, 2 within 10 %\./,
  );
  const rows = text.split("\n").filter((l) => l.startsWith("| `"));
  assert.equal(rows.length, 3);
  assert.match(
    rows[0],
    /^\| `b_c16` \| throughput worse 1\.43× \| .* \| 70 vs 100 \(0\.7×\) \|/,
  );
  assert.match(rows.at(-1)!, /^\| `c_c32` \| none \|/, "an unchanged worst metric reads none");
  assert.equal(
    baselineSummaryLine(b),
    "- Baseline: `prev/report.json` (4 cells): 3 cells of this run matched, 1 without a baseline counterpart, 1 baseline cell not measured again, 1 worse by 10 % or more (section 2)",
  );
});

Deno.test("baseline section: a drop to 0 ranks first; total throughput stands in without GPUs", () => {
  const b = summary([
    match("a_c8", { ...same, tput_per_gpu: 50 }, same),
    match("z_c64", { ...same, success_rate: 0 }, same),
    match("t_c4", { p99_ttft: 1, total_tput_tps: 400 }, { p99_ttft: 1, total_tput_tps: 800 }),
  ]);
  const text = baselineSection(b).join("\n");
  const rows = text.split("\n").filter((l) => l.startsWith("| `"));
  assert.match(rows[0], /^\| `z_c64` \| success rate dropped to 0 \|/);
  assert.match(rows[1], /^\| `a_c8` \| throughput worse 2× \|/);
  assert.match(rows[2], /^\| `t_c4` \| throughput worse 2× \| .* \| 400 vs 800 \(0\.5×\) \|/);
  assert.match(text, /- 3 worse by 10 % or more on a headline metric/);
});

Deno.test("baseline section: nothing matched says so; guesses are counted; none without a baseline", () => {
  const none = baselineSection(summary([], { baseline_cells: 5 })).join("\n");
  assert.match(
    none,
    /No cell of this run has a counterpart in the baseline, so nothing was compared/,
  );
  assert.doesNotMatch(none, /\| Cell \|/);
  const guess = {
    ...match("d_c8", same, same),
    paired_by: "order" as const,
    baseline_candidates: 2,
  };
  assert.match(
    baselineSection(summary([guess])).join("\n"),
    /- 1 pair could only be made in cell-id order/,
  );
  const reused = { ...guess, paired_by: "reused" as const, baseline_candidates: 1 };
  assert.match(
    baselineSection(summary([reused])).join("\n"),
    /- 1 cell of this run is compared with a baseline cell another cell also uses: the baseline has fewer runs of its identity\./,
  );
  // An eval-only match has no headline metric: counted, and no empty table row.
  const evalOnly = baselineSection(summary([match("e_c64", {}, {})])).join("\n");
  assert.match(
    evalOnly,
    /1 with no headline metric on both sides \(an eval-only cell's scores are compared by `eval_regression`\)\./,
  );
  assert.doesNotMatch(evalOnly, /\| Cell \|/);
  assert.deepEqual(baselineSection(null), []);
  assert.equal(baselineSummaryLine(null), null);
});

Deno.test("baseline section: a change just under 10 % is never printed as 1.1×", () => {
  const b = summary([
    match("a_c8", { ...same, p99_tpot: 0.010999 }, same),
    match("b_c16", { ...same, p99_tpot: 0.011 }, same),
    match("c_c32", { tput_per_gpu: 109.99 }, { tput_per_gpu: 100 }),
  ]);
  const text = baselineSection(b).join("\n");
  const rows = text.split("\n").filter((l) => l.startsWith("| `"));
  assert.match(rows[0], /^\| `b_c16` \| p99 TPOT worse 1\.1× \|/);
  assert.match(
    rows[1],
    /^\| `a_c8` \| p99 TPOT worse 1\.0999× \| .* \| 11 ms vs 10 ms \(1\.0999×\) \|/,
  );
  assert.match(rows[2], /^\| `c_c32` \| throughput better 1\.0999× \|/);
  assert.match(
    text,
    /- 1 worse by 10 % or more on a headline metric, 0 better by 10 % or more on all of them, 2 within 10 %\./,
  );
});
