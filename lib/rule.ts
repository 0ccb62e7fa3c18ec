/**
 * The shape every detector in `rules/` has.
 * @module
 */
import type { BaselineMatch } from "./baseline.ts";
import type { Curve } from "./curves.ts";
import type { Cell, Finding, Severity } from "./types.ts";

/** Everything a rule may look at: the cells, their curves and the baseline matches. */
export interface RuleContext {
  cells: readonly Cell[];
  curves: readonly Curve[];
  /** `null` when no `--baseline` was given. */
  baseline: readonly BaselineMatch[] | null;
}

/** What a finding means, how to confirm it and what to measure next (never "change flag X"). */
export interface RuleDocs {
  why: string;
  confirm: string;
  next: string;
}

/** One detector: metadata, default thresholds and a pure check. */
export interface Rule {
  /** Finding code; equals the rule's file name. */
  code: string;
  /** Default severity of its findings. */
  severity: Severity;
  /** Every severity the rule can emit, when more than the default (for the docs table). */
  severities?: readonly Severity[];
  /** One line: what it detects. */
  summary: string;
  docs: RuleDocs;
  /** Named thresholds and their defaults; all overridable with `--thresholds`. */
  defaults: Readonly<Record<string, number>>;
  /** Pure: findings for the context under the given thresholds (defaults merged in). */
  check(ctx: RuleContext, thresholds: Record<string, number>): Finding[];
}
