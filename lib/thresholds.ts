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
 * Unknown codes, unknown keys and non-finite or non-number values are errors naming the key.
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
      defaults[key] = v;
    }
  }
  return { ok: true, thresholds };
}
