/**
 * Detector thresholds: defaults by code and the `--thresholds` JSON override.
 * @module
 */
import { RULES } from "../rules/mod.ts";

/** Thresholds of every rule: code -> key -> value. */
export type Thresholds = Record<string, Record<string, number>>;

/**
 * A fresh copy of every rule's default thresholds, by code.
 *
 * @example
 * ```ts
 * defaultThresholds().ttft_cliff.ratio_warning; // 2
 * ```
 */
export function defaultThresholds(): Thresholds {
  const out: Thresholds = {};
  for (const rule of RULES) out[rule.code] = { ...rule.defaults };
  return out;
}

/** What a threshold may be: `[low, high]`, `low` excluded when `above` is set. */
interface Range {
  low: number;
  high: number;
  above?: boolean;
  integer?: boolean;
}

const FRACTION: Range = { low: 0, high: 1 };
const FACTOR: Range = { low: 0, high: Infinity, above: true };
const NON_NEGATIVE: Range = { low: 0, high: Infinity };
const COUNT: Range = { low: 1, high: Infinity, integer: true };

/**
 * The range of every threshold, by `code.key`: shares of a whole are 0–1, multipliers above 0,
 * gains and margins at least 0, step counts whole numbers from 1. A key missing here is a bug
 * (`thresholds_test.ts` checks every default has one).
 */
export const THRESHOLD_RANGES: Readonly<Record<string, Range>> = {
  "eval_regression.stderr_multiplier": NON_NEGATIVE,
  "eval_regression.min_drop": NON_NEGATIVE, // also perplexity and loss, unbounded
  "kv_offload_thrash.growth_ratio": FACTOR,
  "kv_offload_thrash.ttft_ratio": FACTOR,
  "kv_offload_thrash.reload_fraction": NON_NEGATIVE, // blocks can be reloaded more than once
  "kv_pressure.gpu_kv_usage_p95": FRACTION,
  "kv_pressure.cpu_kv_usage_p95": FRACTION,
  "kv_pressure.min_preemptions": COUNT,
  "partial_run.min_success_rate": FRACTION,
  "prefix_cache_regression.max_gap_to_theoretical": FRACTION,
  "prefix_cache_regression.max_drop": FRACTION,
  "throughput_plateau.max_gain": NON_NEGATIVE,
  "throughput_plateau.latency_ratio": FACTOR,
  "throughput_plateau.min_consecutive_steps": COUNT,
  "tpot_degradation.ratio": FACTOR,
  "ttft_cliff.ratio_warning": FACTOR,
  "ttft_cliff.ratio_critical": FACTOR,
  "ttft_cliff.max_throughput_gain": NON_NEGATIVE,
};

function describeRange(r: Range): string {
  if (r.integer) return `a whole number >= ${r.low}`;
  if (r.high === Infinity) return `a number ${r.above ? ">" : ">="} ${r.low}`;
  return `a number from ${r.low} to ${r.high}`;
}

function inRange(v: number, r: Range): boolean {
  return (r.above ? v > r.low : v >= r.low) && v <= r.high && (!r.integer || Number.isInteger(v));
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function allowed(keys: string[]): string {
  return keys.length ? keys.join(", ") : "(none)";
}

function show(x: unknown): string {
  if (typeof x === "string") return JSON.stringify(x);
  if (typeof x === "number") return String(x);
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

/**
 * Merge a parsed `--thresholds` JSON object `{code: {key: number}}` over the defaults.
 * Unknown codes, unknown keys, non-finite or non-number values and values out of the key's range
 * ({@link THRESHOLD_RANGES}) are errors naming the key.
 *
 * @example
 * ```ts
 * const r = parseThresholds({ ttft_cliff: { ratio_warning: 3 } });
 * if (r.ok) r.thresholds.ttft_cliff.ratio_warning; // 3
 * ```
 */
export function parseThresholds(
  value: unknown,
): { ok: true; thresholds: Thresholds } | { ok: false; message: string } {
  if (!isRecord(value)) {
    return {
      ok: false,
      message: `Thresholds must be a JSON object of {code: {key: number}}, got ${show(value)}`,
    };
  }
  const thresholds = defaultThresholds();
  const codes = Object.keys(thresholds);
  for (const code of Object.keys(value).sort()) {
    const defaults = thresholds[code];
    if (!Object.hasOwn(thresholds, code)) {
      return {
        ok: false,
        message: `Unknown threshold code "${code}"; allowed: ${allowed(codes)}`,
      };
    }
    const overrides = value[code];
    if (!isRecord(overrides)) {
      return {
        ok: false,
        message: `Thresholds for "${code}" must be an object of {key: number}, got ${
          show(overrides)
        }`,
      };
    }
    const keys = Object.keys(defaults);
    for (const key of Object.keys(overrides).sort()) {
      if (!Object.hasOwn(defaults, key)) {
        return {
          ok: false,
          message: `Unknown threshold "${code}.${key}"; allowed: ${allowed(keys)}`,
        };
      }
      const v = overrides[key];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        return {
          ok: false,
          message: `Threshold "${code}.${key}" must be a finite number, got ${show(v)}`,
        };
      }
      const range = THRESHOLD_RANGES[`${code}.${key}`];
      if (range !== undefined && !inRange(v, range)) {
        return {
          ok: false,
          message: `Threshold "${code}.${key}" must be ${describeRange(range)}, got ${v}`,
        };
      }
      defaults[key] = v;
    }
  }
  const cliff = thresholds.ttft_cliff;
  if (cliff && cliff.ratio_critical < cliff.ratio_warning) {
    return {
      ok: false,
      message: `Threshold "ttft_cliff.ratio_critical" (${cliff.ratio_critical}) is below ` +
        `"ttft_cliff.ratio_warning" (${cliff.ratio_warning})`,
    };
  }
  return { ok: true, thresholds };
}
