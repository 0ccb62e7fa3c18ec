/**
 * Range and type checks for fixed-sequence records: a value that cannot be right becomes an
 * issue naming the field (and is left out of the cell), never a silent null.
 * @module
 */
import { num } from "../lib/coerce.ts";
import { KeySequenceCache } from "../lib/key_sequence.ts";

type Issue = { line: number | null; message: string };

/** Fields that must be positive whole numbers when present. */
const POSITIVE_INTEGERS = [
  "conc",
  "max_concurrency",
  "tp",
  "ep",
  "pp",
  "dcp_size",
  "pcp_size",
  "isl",
  "osl",
  "num_prompts",
] as const;

/** Fields that must be non-negative numbers when present. */
const NON_NEGATIVE = [
  "completed",
  "duration",
  "total_input_tokens",
  "total_output_tokens",
  "total_token_throughput",
  "output_throughput",
  "request_throughput",
  "tput_per_gpu",
  "output_tput_per_gpu",
  "input_tput_per_gpu",
] as const;

const LATENCY_KEY = /^(mean|median|std|p\d+(?:\.\d+)?)_(ttft|tpot|itl|e2el|ttlt|intvty)(_ms)?$/;

function describe(x: unknown): string {
  if (typeof x === "number") return String(x);
  if (typeof x === "string") return JSON.stringify(x.length > 40 ? x.slice(0, 37) + "…" : x);
  return x === null ? "null" : Array.isArray(x) ? "an array" : typeof x;
}

const POSITIVE = 1;
const NON_NEGATIVE_NUMBER = 2;

/** Which fields of a record get which check, worked out once per key sequence. */
interface CheckPlan {
  /** The check of each key by position (`0`: none), for one quick pass over a clean record. */
  codes: Uint8Array;
  /** The same fields in the order their issues are reported. */
  positive: readonly string[];
  nonNegative: readonly string[];
  /** Latency statistics, in key order. */
  latency: readonly string[];
}

function buildPlan(keys: readonly string[]): CheckPlan {
  const present = new Set(keys);
  const positive = POSITIVE_INTEGERS.filter((k) => present.has(k));
  const nonNegative = NON_NEGATIVE.filter((k) => present.has(k));
  const latency = keys.filter((k) => LATENCY_KEY.test(k));
  const isPositive = new Set<string>(positive);
  const isNonNegative = new Set<string>([...nonNegative, ...latency]);
  return {
    codes: Uint8Array.from(
      keys,
      (k) => isPositive.has(k) ? POSITIVE : isNonNegative.has(k) ? NON_NEGATIVE_NUMBER : 0,
    ),
    positive,
    nonNegative,
    latency,
  };
}

/** Plans by key sequence: the same keys repeat across thousands of files. */
const PLANS = new KeySequenceCache(buildPlan);

/** Shared by every clean record: most have nothing rejected, and nobody adds to it. */
const NONE: ReadonlySet<string> = new Set();

/** Issues of one record and the fields they reject. */
export interface CheckResult {
  issues: Issue[];
  rejected: ReadonlySet<string>;
}

/**
 * Issues for every present field whose value is not a number, or is out of range: positive
 * integers for concurrency/topology/shape, non-negative for counts and throughput, non-negative
 * for latency statistics. Returns the names of the rejected fields too, so callers can drop them.
 */
export function checkRecordValues(obj: Record<string, unknown>): CheckResult {
  const plan = PLANS.get(obj);
  if (isClean(obj, plan)) return { issues: [], rejected: NONE };
  return report(obj, plan);
}

/**
 * Whether {@link report} would find nothing: one pass in key order, reading values the way
 * `for…in` hands them out (by position, without a property lookup per key).
 */
function isClean(obj: Record<string, unknown>, plan: CheckPlan): boolean {
  const codes = plan.codes;
  let i = 0;
  for (const key in obj) {
    const code = codes[i++];
    if (code === 0) continue;
    const x = obj[key];
    if (x === undefined || x === null) continue;
    const n = num(x);
    if (n === null) return false;
    if (code === POSITIVE ? n <= 0 || !Number.isSafeInteger(n) : n < 0) return false;
  }
  return !overCount(obj);
}

/** Whether more requests completed than were planned. */
function overCount(obj: Record<string, unknown>): boolean {
  const completed = num(obj.completed);
  const planned = num(obj.num_prompts);
  return completed !== null && planned !== null && completed > planned;
}

function report(obj: Record<string, unknown>, plan: CheckPlan): CheckResult {
  const out: CheckResult = { issues: [], rejected: NONE };
  for (const key of plan.positive) {
    const x = obj[key];
    if (x === undefined || x === null) continue;
    const n = num(x);
    if (n === null) reject(out, key, `is not a number (${describe(x)})`);
    else if (n <= 0 || !Number.isSafeInteger(n)) {
      reject(out, key, `must be a positive whole number, got ${n}`);
    }
  }
  for (const key of plan.nonNegative) checkNonNegative(out, key, obj[key]);
  for (const key of plan.latency) checkNonNegative(out, key, obj[key]);
  if (overCount(obj)) {
    reject(
      out,
      "completed",
      `(${num(obj.completed)}) exceeds num_prompts (${num(obj.num_prompts)})`,
    );
  }
  return out;
}

/** A present value must be a finite number that is not negative. */
function checkNonNegative(out: CheckResult, key: string, x: unknown): void {
  if (x === undefined || x === null) return;
  const n = num(x);
  if (n === null) reject(out, key, `is not a finite number (${describe(x)})`);
  else if (n < 0) reject(out, key, `must not be negative, got ${n}`);
}

function reject(out: CheckResult, key: string, why: string): void {
  if (out.rejected === NONE) out.rejected = new Set();
  (out.rejected as Set<string>).add(key);
  out.issues.push({ line: null, message: `Field "${key}" ${why}` });
}

/** A copy of `obj` without the rejected fields. */
export function withoutRejected(
  obj: Record<string, unknown>,
  rejected: ReadonlySet<string>,
): Record<string, unknown> {
  if (rejected.size === 0) return obj;
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !rejected.has(k)));
}
