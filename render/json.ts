/**
 * `report.json`: the report as stable, indented JSON, produced in pieces so that a report of
 * tens of thousands of cells never has to exist as one string.
 * @module
 */
import type { Report } from "../lib/analyze.ts";

/**
 * Objects this shallow (the report itself, and its sections such as `artifact_manifest` and
 * `cross_run`) are written key by key rather than in one piece.
 */
const EXPAND_OBJECTS_TO_DEPTH = 1;
/**
 * Arrays this shallow (`cells`, `findings`, `artifact_manifest.discovered`, `cross_run.curves`,
 * ...) are written a batch of elements at a time: they grow with the results tree.
 */
const BATCH_ARRAYS_TO_DEPTH = 2;
/**
 * Elements stringified in one native call. Measured on 10,000 cells, batches of 4 to 16 were
 * fastest: one element per call pays more calls, and batches of 32 or more make strings too
 * large for V8's young generation (fresh memory each time). Each piece also stays well under
 * the writer's buffer.
 */
const BATCH = 8;

/**
 * Text of `JSON.stringify(value, null, 2)` as it appears nested at `depth` inside an indented
 * document (every line after the first indented by `2 * depth` more spaces).
 *
 * Wrapping the value in `depth` one-element arrays makes the native stringifier produce exactly
 * that indentation; the wrappers' brackets are a prefix of `depth * (depth + 3)` characters
 * (each level's `[` line, then the value's own indent) and a suffix of `depth * (depth + 1)`
 * (each level's `]` line), which are sliced off. This replaces re-indenting every line with a
 * regular expression, which cost more than the stringify itself.
 */
function nested(value: unknown, depth: number): string {
  let wrapped = value;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  return text.slice(depth * (depth + 3), text.length - depth * (depth + 1));
}

/**
 * The elements `items[start..end)` of an array at `depth`, each on its own lines with its
 * indentation, joined by `,\n`, without the array's brackets: one native stringify of the batch
 * wrapped in `depth` arrays, whose first `(depth + 1) * (depth + 2)` characters (the wrappers' and
 * the batch's `[` lines) and as many last ones (their `]` lines) are sliced off.
 */
function batchText(items: readonly unknown[], start: number, end: number, depth: number): string {
  const batch = items.slice(start, end);
  // Called on the batch, toJSON would see the index within the batch; give it the real one.
  for (let i = 0; i < batch.length; i++) {
    const item = batch[i];
    if (hasToJson(item)) batch[i] = item.toJSON(String(start + i));
  }
  let wrapped: unknown = batch;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  const cut = (depth + 1) * (depth + 2);
  return text.slice(cut, text.length - cut);
}

function hasToJson(value: unknown): value is { toJSON(key: string): unknown } {
  return typeof value === "object" && value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === "function";
}

/** Whether `JSON.stringify` would write this value as an object's member (it omits these). */
function isSerialisable(value: unknown): boolean {
  return value !== undefined && typeof value !== "function" && typeof value !== "symbol";
}

/**
 * A plain object, whose serialisation is its own enumerable keys in `Object.keys` order (class
 * instances and boxed primitives are left to the native stringifier).
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function pad(depth: number): string {
  return "  ".repeat(depth);
}

/** `JSON.stringify(value, null, 2)` nested at `depth`, in pieces. `value` is serialisable. */
function* valueChunks(value: unknown, depth: number): Generator<string> {
  if (Array.isArray(value) && depth <= BATCH_ARRAYS_TO_DEPTH) {
    if (value.length === 0) {
      yield "[]";
      return;
    }
    yield "[\n";
    for (let i = 0; i < value.length; i += BATCH) {
      if (i > 0) yield ",\n";
      yield batchText(value, i, Math.min(i + BATCH, value.length), depth);
    }
    yield "\n" + pad(depth) + "]";
  } else if (isPlainObject(value) && depth <= EXPAND_OBJECTS_TO_DEPTH) {
    const inner = pad(depth + 1);
    let first = true;
    for (const key of Object.keys(value)) {
      let member = value[key];
      if (hasToJson(member)) member = member.toJSON(key);
      if (!isSerialisable(member)) continue;
      yield (first ? "{\n" : ",\n") + inner + JSON.stringify(key) + ": ";
      first = false;
      yield* valueChunks(member, depth + 1);
    }
    yield first ? "{}" : "\n" + pad(depth) + "}";
  } else {
    yield nested(value, depth);
  }
}

/**
 * The report as JSON text in pieces; their concatenation is exactly
 * `JSON.stringify(report, null, 2) + "\n"` (two-space indentation, the report's fixed key order).
 * Each piece is at most a few elements of a long array, so a consumer can encode and write them
 * as they come.
 *
 * @example
 * ```ts
 * const text = [...renderJsonChunks(report)].join("");
 * ```
 */
export function* renderJsonChunks(report: Report): Generator<string> {
  const value: unknown = hasToJson(report) ? report.toJSON("") : report;
  yield* valueChunks(value, 0);
  yield "\n";
}

/**
 * Serialise the report with two-space indentation and a final newline. Key order is the
 * report's insertion order, which the analyzer keeps fixed, so equal reports give equal bytes.
 *
 * @example
 * ```ts
 * const text = renderJson(report);
 * ```
 */
export function renderJson(report: Report): string {
  return [...renderJsonChunks(report)].join("");
}
