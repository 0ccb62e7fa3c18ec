/**
 * Range and type checks for fixed-sequence records: a value that cannot be right becomes an
 * issue naming the field (and is left out of the cell), never a silent null.
 * @module
 */
import { num } from "../lib/coerce.ts";

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

/** Whether a value is present but not usable as a number (`Infinity` from `1e999` included). */
function badNumber(x: unknown): boolean {
  return x !== undefined && x !== null && num(x) === null;
}

/**
 * Issues for every present field whose value is not a number, or is out of range: positive
 * integers for concurrency/topology/shape, non-negative for counts and throughput, non-negative
 * for latency statistics. Returns the names of the rejected fields too, so callers can drop them.
 */
export function checkRecordValues(
  obj: Record<string, unknown>,
): { issues: Issue[]; rejected: Set<string> } {
  const issues: Issue[] = [];
  const rejected = new Set<string>();
  const reject = (key: string, why: string) => {
    rejected.add(key);
    issues.push({ line: null, message: `Field "${key}" ${why}` });
  };
  for (const key of POSITIVE_INTEGERS) {
    const x = obj[key];
    if (x === undefined || x === null) continue;
    const n = num(x);
    if (n === null) reject(key, `is not a number (${describe(x)})`);
    else if (n <= 0 || !Number.isInteger(n)) {
      reject(key, `must be a positive whole number, got ${n}`);
    }
  }
  for (const key of NON_NEGATIVE) {
    const x = obj[key];
    if (badNumber(x)) reject(key, `is not a finite number (${describe(x)})`);
    else if (x !== undefined && x !== null && (num(x) as number) < 0) {
      reject(key, `must not be negative, got ${num(x)}`);
    }
  }
  for (const [key, x] of Object.entries(obj)) {
    if (!LATENCY_KEY.test(key) || x === null) continue;
    if (badNumber(x)) reject(key, `is not a finite number (${describe(x)})`);
    else if ((num(x) as number) < 0) reject(key, `must not be negative, got ${num(x)}`);
  }
  const completed = num(obj.completed);
  const planned = num(obj.num_prompts);
  if (completed !== null && planned !== null && completed > planned) {
    reject("completed", `(${completed}) exceeds num_prompts (${planned})`);
  }
  return { issues, rejected };
}

/** A copy of `obj` without the rejected fields. */
export function withoutRejected(
  obj: Record<string, unknown>,
  rejected: ReadonlySet<string>,
): Record<string, unknown> {
  if (rejected.size === 0) return obj;
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !rejected.has(k)));
}
