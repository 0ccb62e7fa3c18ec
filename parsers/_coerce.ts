/**
 * Private helpers of the parsers: valibot schemas that coerce loose JSON scalars, a field reader
 * that turns a bad value into an issue instead of a throw, and a cache of what a record's key
 * sequence says, shared by the records of one kind.
 * @module
 */
import * as v from "valibot";
import { overlongMessage, type ParseResult } from "../lib/types.ts";
import { boolish, num, str } from "../lib/coerce.ts";

export { boolish, num, str };

/** One problem found while parsing (line is 1-based, `null` for JSON documents). */
export type Issue = ParseResult["issues"][number];

/** A finite number, or a string holding one (`"8192"`, `" 0.5 "`); `"NaN"` and `""` fail. */
export const NumericSchema = v.union([
  v.pipe(v.number(), v.finite()),
  v.pipe(v.string(), v.trim(), v.nonEmpty(), v.transform(Number), v.finite()),
]);

/** A non-empty string (trimmed), or a finite number written as a string. */
export const TextSchema = v.union([
  v.pipe(v.string(), v.trim(), v.nonEmpty()),
  v.pipe(v.number(), v.finite(), v.transform(String)),
]);

/** A boolean, `"true"`/`"false"` in any case, or `0`/`1`. */
export const FlagSchema = v.union([
  v.boolean(),
  v.pipe(
    v.string(),
    v.trim(),
    v.toLowerCase(),
    v.picklist(["true", "false"]),
    v.transform((s) => s === "true"),
  ),
  v.pipe(v.picklist([0, 1]), v.transform((n) => n === 1)),
]);

/** A plain JSON object (not an array, not null); `v.record` would accept and copy an array. */
export const ObjectSchema = v.custom<Record<string, unknown>>(
  (x) => typeof x === "object" && x !== null && !Array.isArray(x),
  "Expected an object",
);

/** A loose JSON object. */
export type JsonObject = Record<string, unknown>;

/** The value as a plain object, or `null` when it is not one. */
export function asObject(x: unknown): JsonObject | null {
  return v.is(ObjectSchema, x) ? x : null;
}

/** Short, safe rendering of a bad value for an issue message. */
export function preview(x: unknown): string {
  if (typeof x === "number") return String(x);
  if (Array.isArray(x)) return "an array";
  if (x === null) return "null";
  if (typeof x === "object") return "an object";
  const s = typeof x === "string" ? JSON.stringify(x) : String(x);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

/** Options of a field reader. */
export interface FieldReaderOptions {
  /** Where issues go. */
  issues: Issue[];
  /** Dotted path of this object inside the document, for messages (`request_metrics.latency`). */
  path?: string;
  /** Line number to attach to issues (`null` for whole JSON documents). */
  line?: number | null;
}

/**
 * Reads typed fields from one loose JSON object. A missing key, `null` or `""` gives `null` quietly;
 * a present value of the wrong type gives `null` and an issue naming the field.
 */
export class FieldReader {
  readonly value: JsonObject;
  readonly #issues: Issue[];
  readonly #path: string;
  readonly #line: number | null;

  /** Wraps one object. */
  constructor(value: JsonObject, options: FieldReaderOptions) {
    this.value = value;
    this.#issues = options.issues;
    this.#path = options.path ?? "";
    this.#line = options.line ?? null;
  }

  /** Whether the key is present with a non-null value. */
  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  /** Number (numeric strings coerced). */
  num(key: string): number | null {
    return this.#read(key, num, "a number");
  }

  /** Non-empty string. */
  str(key: string): string | null {
    return this.#read(key, str, "a string");
  }

  /** Boolean (`"true"`/`"false"` strings coerced). */
  bool(key: string): boolean | null {
    return this.#read(key, boolish, "a boolean");
  }

  /** Nested object reader, or `null` when absent or not an object (the latter with an issue). */
  obj(key: string): FieldReader | null {
    const raw = this.value[key];
    if (raw === undefined || raw === null) return null;
    const o = asObject(raw);
    if (o === null) {
      this.#bad(key, raw, "an object");
      return null;
    }
    return new FieldReader(o, {
      issues: this.#issues,
      path: this.#name(key),
      line: this.#line,
    });
  }

  /** Raw value. */
  raw(key: string): unknown {
    return this.value[key];
  }

  #read<T>(key: string, coerce: (x: unknown) => T | null, expected: string): T | null {
    const raw = this.value[key];
    // Missing, null and blank strings mean "unknown", not "wrong".
    if (raw === undefined || raw === null) return null;
    if (typeof raw === "string" && raw.trim() === "") return null;
    const out = coerce(raw);
    if (out === null) this.#bad(key, raw, expected);
    return out;
  }

  #name(key: string): string {
    return this.#path ? `${this.#path}.${key}` : key;
  }

  #bad(key: string, raw: unknown, expected: string): void {
    this.#issues.push({
      line: this.#line,
      message: `Field "${this.#name(key)}" is not ${expected}: ${preview(raw)}`,
    });
  }
}

/** Copies only the non-null numbers of `values` (unknown stays omitted, never 0). */
export function compact<K extends string>(
  values: Partial<Record<K, number | null | undefined>>,
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const [k, x] of Object.entries(values) as [K, number | null | undefined][]) {
    if (typeof x === "number" && Number.isFinite(x)) out[k] = x;
  }
  return out;
}

/** Copies only the finite numbers of a string-keyed map (extra percentiles). */
export function compactExtras(values: Record<string, number | null>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(values)) {
    if (typeof x === "number" && Number.isFinite(x)) out[k] = x;
  }
  return out;
}

/** Copies only the non-null values of an object. */
export function dropNulls<T extends object>(values: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, x] of Object.entries(values)) {
    if (x !== null && x !== undefined) (out as Record<string, unknown>)[k] = x;
  }
  return out;
}

/** Shared copies of repeated strings, bounded so made-up values cannot grow it without end. */
const SHARED = new Map<string, string>();
const MAX_SHARED = 10_000;
const MAX_SHARED_CHARS = 256;

/**
 * One shared copy of a string that repeats across records (model ids, image tags). Each parsed
 * file has its own copy of such a value; records are held until the fold, so a few bytes saved
 * per record add up over tens of thousands of files. (Short values are shared by the JSON
 * parser already.)
 */
export function shared(s: string | null): string | null {
  if (s === null || s.length > MAX_SHARED_CHARS) return s;
  const hit = SHARED.get(s);
  if (hit !== undefined) return hit;
  if (SHARED.size < MAX_SHARED) SHARED.set(s, s);
  return s;
}

/** A copy of `obj` without one key, rebuilt in one go (so it keeps V8's compact layout). */
export function withoutKey<T extends object>(obj: T, key: keyof T): T {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key)) as T;
}

/** `a / b`, or `null` when either is unknown or `b` is not positive. */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !(b > 0)) return null;
  return a / b;
}

/** A 0–1 ratio from a value that may be a percent (values above 1.5 are divided by 100). */
export function unitRatio(x: number | null): number | null {
  if (x === null) return null;
  return x > 1.5 ? x / 100 : x;
}

/** Strips a UTF-8 byte-order mark and a trailing carriage return from one line. */
export function cleanLine(line: string, first: boolean): string {
  let s = first && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  if (s.endsWith("\r")) s = s.slice(0, -1);
  return s;
}

/**
 * The JSON values of a JSONL stream with their 1-based line numbers. Blank lines are skipped; a
 * BOM and `\r` endings are dropped; an over-long or invalid line is handed to `bad` (with the
 * line number and why) and skipped, so one bad line never stops the file.
 */
export async function* jsonlValues(
  lines: AsyncIterable<string>,
  bad: (line: number, message: string) => void,
): AsyncGenerator<{ line: number; value: unknown }> {
  let line = 0;
  for await (const raw of lines) {
    line++;
    const overlong = overlongMessage(raw);
    if (overlong !== null) {
      bad(line, overlong);
      continue;
    }
    const text = cleanLine(raw, line === 1);
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      bad(line, `Invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    yield { line, value };
  }
}

/** Topology fields shared by every record kind that carries them (aggs, eval metadata). */
export function readTopology(r: FieldReader): Record<string, number | null> {
  return {
    tp: r.num("tp"),
    pp: r.num("pp"),
    ep: r.num("ep"),
    dcp: r.num("dcp_size") ?? r.num("dcp"),
    pcp: r.num("pcp_size") ?? r.num("pcp"),
    prefill_tp: r.num("prefill_tp"),
    prefill_pp: r.num("prefill_pp"),
    prefill_ep: r.num("prefill_ep"),
    prefill_dcp: r.num("prefill_dcp_size") ?? r.num("prefill_dcp"),
    prefill_pcp: r.num("prefill_pcp_size") ?? r.num("prefill_pcp"),
    prefill_num_workers: r.num("prefill_num_workers"),
    decode_tp: r.num("decode_tp"),
    decode_pp: r.num("decode_pp"),
    decode_ep: r.num("decode_ep"),
    decode_dcp: r.num("decode_dcp_size") ?? r.num("decode_dcp"),
    decode_pcp: r.num("decode_pcp_size") ?? r.num("decode_pcp"),
    decode_num_workers: r.num("decode_num_workers"),
    num_prefill_gpu: r.num("num_prefill_gpu"),
    num_decode_gpu: r.num("num_decode_gpu"),
  };
}
