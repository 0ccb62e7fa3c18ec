/**
 * The baseline comparison of `report.md`: one line for the executive summary and the
 * "Against the baseline" part of section 2, both from `cross_run.baseline`.
 * @module
 */
import type { BaselineSummary } from "../lib/analyze.ts";
import type { BaselineMatch, MetricDelta } from "../lib/baseline.ts";
import { compareText } from "../lib/curves.ts";
import { codeSpan } from "./escape.ts";
import { fmt, listSome, ms, plural, pushAll, ratio, reaches, table, times } from "./_format.ts";

/** A code span for a table cell. */
function tcode(value: unknown): string {
  return codeSpan(value, { inTable: true });
}

/** Rows of the comparison table: the matched cells that changed most for the worse. */
const BASELINE_ROWS = 50;

/** Cell ids named inline before "and N more". */
const INLINE_IDS = 8;

/** A worst change closer to 1 than this (0.5 %) is shown as none. */
const UNCHANGED = 0.005;

/** A change at or beyond this factor (10 %) counts as a change in the summary counts. */
const MATERIAL = 1.1;

/**
 * Whether a worse-factor counts as worse by {@link MATERIAL} or more. The factor is a quotient
 * of two measured values, so 11 ms against 10 ms gives 1.0999999999999999: {@link reaches} counts
 * it as the 10 % it is, by the same rule that prints it as `1.1×`.
 */
function materiallyWorse(factor: number): boolean {
  return reaches(factor, MATERIAL);
}

/** Whether a worse-factor counts as better by {@link MATERIAL} or more (see materiallyWorse). */
function materiallyBetter(factor: number): boolean {
  return reaches(1 / factor, MATERIAL);
}

/**
 * How much worse a metric got, as a factor ≥ 1 when worse (p99 TTFT and TPOT up, throughput and
 * success rate down), below 1 when better; `Infinity` when a throughput or success rate dropped
 * to 0; `null` when either side is unknown, or the baseline is 0.
 */
function worseFactor(d: MetricDelta | undefined, higherIsWorse: boolean): number | null {
  if (!d || d.current === null || d.baseline === null) return null;
  if (d.baseline <= 0 || d.current < 0) return null;
  if (d.current === 0) return higherIsWorse ? null : Infinity;
  return higherIsWorse ? d.current / d.baseline : d.baseline / d.current;
}

/** Throughput per GPU, or total throughput for a pair without a GPU count. */
function throughputDelta(m: BaselineMatch): MetricDelta | undefined {
  const perGpu = m.deltas.tput_per_gpu;
  return perGpu && perGpu.current !== null && perGpu.baseline !== null
    ? perGpu
    : m.deltas.total_tput_tps ?? perGpu;
}

/** The headline metrics of the table, with the direction that is worse. */
const COLUMNS: readonly {
  /** Column header. */
  label: string;
  /** The metric in the "Worst change" column. */
  name: string;
  higherIsWorse: boolean;
  delta: (m: BaselineMatch) => MetricDelta | undefined;
  show: (n: number | null) => string;
}[] = [
  {
    label: "p99 TTFT",
    name: "p99 TTFT",
    higherIsWorse: true,
    delta: (m) => m.deltas.p99_ttft,
    show: ms,
  },
  {
    label: "p99 TPOT",
    name: "p99 TPOT",
    higherIsWorse: true,
    delta: (m) => m.deltas.p99_tpot,
    show: ms,
  },
  {
    label: "throughput (per GPU, else total)",
    name: "throughput",
    higherIsWorse: false,
    delta: throughputDelta,
    show: (n) => fmt(n),
  },
  {
    label: "success rate",
    name: "success rate",
    higherIsWorse: false,
    delta: (m) => m.deltas.success_rate,
    show: ratio,
  },
];

/** The worst change of a match over the table's metrics, and which metric it is. */
function worstOf(m: BaselineMatch): { factor: number; label: string } | null {
  let worst: { factor: number; label: string } | null = null;
  for (const c of COLUMNS) {
    const f = worseFactor(c.delta(m), c.higherIsWorse);
    if (f !== null && (worst === null || f > worst.factor)) worst = { factor: f, label: c.name };
  }
  return worst;
}

/** The "Worst change" cell: `throughput worse 1.43×`, `success rate dropped to 0`, `none`. */
function worstText(worst: { factor: number; label: string } | null): string {
  if (worst === null) return "—";
  if (worst.factor === Infinity) return `${worst.label} dropped to 0`;
  if (Math.abs(worst.factor - 1) < UNCHANGED) return "none";
  return worst.factor >= 1
    ? `${worst.label} worse ${times(worst.factor, MATERIAL)}`
    : `${worst.label} better ${times(1 / worst.factor, MATERIAL)}`;
}

function deltaCell(d: MetricDelta | undefined, show: (n: number | null) => string): string {
  if (!d || (d.current === null && d.baseline === null)) return "—";
  // A ratio under the 10 % that counts is never printed as reaching it.
  const r = d.ratio === null ? "" : ` (${times(d.ratio, d.ratio >= 1 ? MATERIAL : undefined)})`;
  return `${show(d.current)} vs ${show(d.baseline)}${r}`;
}

/**
 * The executive summary's line about the baseline, or `null` without one.
 *
 * @example
 * ```ts
 * baselineSummaryLine(report.cross_run.baseline);
 * // "- Baseline: `prev/report.json` (92 cells): 90 cells of this run matched, 2 without a
 * //  baseline counterpart, 2 baseline cells not measured again, 3 worse by 10 % or more (section 2)"
 * ```
 */
export function baselineSummaryLine(b: BaselineSummary | null): string | null {
  if (b === null) return null;
  const parts = [
    `${plural(b.matched, "cell")} of this run matched`,
    `${b.unmatched.length} without a baseline counterpart`,
    `${b.baseline_unmatched.length} baseline ${
      b.baseline_unmatched.length === 1 ? "cell" : "cells"
    } not measured again`,
  ];
  let worse = 0;
  for (const m of b.matches) {
    const w = worstOf(m);
    if (w !== null && materiallyWorse(w.factor)) worse++;
  }
  if (b.matched > 0) parts.push(`${worse} worse by 10 % or more (section 2)`);
  return `- Baseline: ${codeSpan(b.source)} (${plural(b.baseline_cells, "cell")}): ${
    parts.join(", ")
  }`;
}

/**
 * Section 2's comparison with the baseline: what was matched and what was not, and the matched
 * cells that changed most for the worse. Empty without a baseline.
 */
export function baselineSection(b: BaselineSummary | null): string[] {
  if (b === null) return [];
  const out = ["", "### Against the baseline", ""];
  out.push(
    `Baseline ${codeSpan(b.source)}: ${
      plural(b.baseline_cells, "cell")
    }. A cell of this run is compared with the baseline cell of the same identity (every curve field and the concurrency; never the path; an eval-only cell, which states no scenario type or disaggregation, on the eval's identity).`,
    "",
  );
  if (b.matched === 0) {
    out.push(
      "No cell of this run has a counterpart in the baseline, so nothing was compared: see the `metrics_unavailable` finding.",
    );
  }
  const guesses = b.matches.filter((m) => m.paired_by === "order").length;
  const facts = [
    `${plural(b.matched, "cell")} matched`,
    ...(b.unmatched.length
      ? [
        `${b.unmatched.length} without a counterpart (${
          listSome(b.unmatched.map((id) => codeSpan(id)), INLINE_IDS)
        })`,
      ]
      : []),
    ...(b.baseline_unmatched.length
      ? [
        `${plural(b.baseline_unmatched.length, "baseline cell")} not measured again (${
          listSome(b.baseline_unmatched.map((id) => codeSpan(id)), INLINE_IDS)
        })`,
      ]
      : []),
  ];
  out.push(`- ${facts.join("; ")}.`);
  if (guesses > 0) {
    out.push(
      `- ${
        plural(guesses, "pair")
      } could only be made in cell-id order: several runs of one identity on both sides, with nothing (id, notes, measurements) telling them apart. Their findings say so.`,
    );
  }
  const reused = b.matches.filter((m) => m.paired_by === "reused").length;
  if (reused > 0) {
    out.push(
      `- ${plural(reused, "cell")} of this run ${
        reused === 1 ? "is" : "are"
      } compared with a baseline cell another cell also uses: the baseline has fewer runs of ${
        reused === 1 ? "its" : "their"
      } identity.`,
    );
  }
  if (b.matched === 0) return out;
  const ranked = b.matches
    .map((m) => ({ m, worst: worstOf(m) }))
    .sort((x, y) =>
      (y.worst?.factor ?? -Infinity) - (x.worst?.factor ?? -Infinity) ||
      compareText(x.m.cell_id, y.m.cell_id)
    );
  let worse = 0;
  let better = 0;
  for (const { worst } of ranked) {
    if (worst === null) continue;
    if (materiallyWorse(worst.factor)) worse++;
    else if (materiallyBetter(worst.factor)) better++;
  }
  const unknown = ranked.filter((x) => x.worst === null).length;
  const rows = ranked.filter((x) => x.worst !== null);
  out.push(
    `- ${worse} worse by 10 % or more on a headline metric, ${better} better by 10 % or more on all of them, ${
      b.matched - worse - better - unknown
    } within 10 %${
      unknown
        ? `, ${unknown} with no headline metric on both sides (an eval-only cell's scores are compared by \`eval_regression\`)`
        : ""
    }.`,
  );
  if (rows.length === 0) return out;
  out.push(
    "",
    rows.length > BASELINE_ROWS
      ? `The ${BASELINE_ROWS} matched cells that changed most for the worse (of ${rows.length}; all are in \`report.json\`, \`cross_run.baseline\`), this run vs the baseline:`
      : "Matched cells, most changed for the worse first, this run vs the baseline:",
    "",
  );
  pushAll(
    out,
    table(
      ["Cell", "Worst change", ...COLUMNS.map((c) => c.label)],
      rows.slice(0, BASELINE_ROWS).map(({ m, worst }) => [
        tcode(m.cell_id) +
        (m.baseline_cell_id === m.cell_id ? "" : ` (baseline ${tcode(m.baseline_cell_id)})`),
        worstText(worst),
        ...COLUMNS.map((c) => deltaCell(c.delta(m), c.show)),
      ]),
    ),
  );
  return out;
}
