/**
 * Shared command-line pieces: validation of values (every usage error names the flag and what it
 * allows), the version line, and printing on stdout.
 * @module
 */

import { VERSION } from "../version.ts";

/**
 * The line `inferguard --version` and `inferguard analyze --version` print: the version and the
 * build it runs on.
 *
 * @example
 * ```ts
 * versionLine(); // "inferguard 0.1.0 (deno 2.9.6, x86_64-unknown-linux-gnu)"
 * ```
 */
export function versionLine(): string {
  return `inferguard ${VERSION} (deno ${Deno.version.deno}, ${Deno.build.target})`;
}

/**
 * A path given on the command line, refused when it holds U+FFFD and no such path exists: that
 * is how Deno hands over a name whose bytes are not valid UTF-8, and using it would read or write
 * another path than the one given.
 *
 * @example
 * ```ts
 * const root = pathArg("<results_dir>", Deno.args[0]);
 * ```
 */
export function pathArg(flag: string, value: string): string {
  if (!value.includes("\uFFFD")) return value;
  try {
    Deno.lstatSync(value);
    return value; // a name that really holds U+FFFD
  } catch {
    throw new UsageError(
      `${flag} "${value}" is not valid UTF-8 (shown with U+FFFD): such a path cannot be passed through; rename it or give a link to it with a UTF-8 name`,
    );
  }
}

/** Write all bytes (a pipe may take fewer than asked in one call). */
export function writeFully(sink: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += sink.writeSync(bytes.subarray(off));
}

/** Options of {@link printStdout}. */
export interface PrintOptions {
  /** Where the text goes (default: the process's stdout, written fully). */
  write?: (text: string) => void;
  /** Where the one line about a failure goes (default: the process's stderr). */
  stderr?: (text: string) => void;
  /** What is printed, named in that line (`report.json`). */
  what?: string;
  /** Appended to that line (` (the reports are written)`). */
  note?: string;
}

/**
 * Print `text` (or its pieces, one at a time) on stdout; whether it was all written. A reader that
 * stopped early (`| head`, `| true`) is no error and is not reported; any other failure (a full
 * disk) is one line on stderr starting with `who`. Never throws: what a command prints does not
 * decide its exit code.
 *
 * @example
 * ```ts
 * if (!printStdout("inferguard 0.1.0\n", "inferguard")) console.error("stopped printing");
 * ```
 */
export function printStdout(
  text: string | Iterable<string>,
  who: string,
  opts: PrintOptions = {},
): boolean {
  const enc = new TextEncoder();
  const write = opts.write ?? ((t: string) => writeFully(Deno.stdout, enc.encode(t)));
  try {
    if (typeof text === "string") write(text);
    else for (const piece of text) write(piece);
    return true;
  } catch (e) {
    if (!(e instanceof Deno.errors.BrokenPipe)) {
      const reason = e instanceof Error ? e.message.split("\n")[0] : String(e);
      const line = `${who}: cannot print ${opts.what ? `${opts.what} ` : ""}to stdout: ${reason}${
        opts.note ?? ""
      }\n`;
      try {
        (opts.stderr ?? ((t: string) => writeFully(Deno.stderr, enc.encode(t))))(line);
      } catch {
        // Nowhere left to say so.
      }
    }
    return false;
  }
}

/** A usage error: `inferguard` exits 3 with this message (the bench tools exit 2). */
export class UsageError extends Error {}

/**
 * The message of an error `parseArgs` (`node:util`) threw, on one line: it puts its hint ("To
 * specify an option argument starting with a dash use '--window=-XYZ'") on lines of its own.
 *
 * @example
 * ```ts
 * argsMessage(new TypeError("Option '--window' argument is ambiguous.\nDid you forget …?"));
 * // "Option '--window' argument is ambiguous. Did you forget …?"
 * ```
 */
export function argsMessage(e: unknown): string {
  return e instanceof Error ? e.message.trim().replace(/\s*\n\s*/g, " ") : String(e);
}

/**
 * The value if it is one of `allowed`, else a usage error naming the flag and the allowed values.
 *
 * @example
 * ```ts
 * oneOf("--format", "md", ["json", "md", "both"] as const); // "md"
 * ```
 */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(
      `Invalid value "${value}" for ${flag}; allowed values: ${allowed.join(", ")}`,
    );
  }
  return value as T;
}

/** What {@link numberFlag} accepts. */
export interface NumberSpec {
  /** Whole numbers only. */
  integer?: boolean;
  /** The bound (default 0). */
  min?: number;
  /** Whether the bound itself is allowed (default: the value must exceed it). */
  allowMin?: boolean;
  /** The largest value allowed (inclusive; default: no limit). */
  max?: number;
  /** What the number counts, named in the message ("seconds"). */
  unit?: string;
}

/** Longest wait a timer can hold (2³¹−1 ms): a longer one fires at once instead. */
export const MAX_TIMER_SECONDS = 2_147_483;

/** Plain decimal notation ("5", "0.5", "1e3"); not "0x10", "0b1" or "Infinity". */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * The number a flag was given, or `fallback` when it was not given; a usage error naming the flag,
 * the value and what is expected when the value is not such a number.
 *
 * @example
 * ```ts
 * numberFlag("--count", "3", null, { integer: true }); // 3
 * numberFlag("--interval", undefined, 15, { unit: "seconds" }); // 15
 * numberFlag("--window", "-1", 5, { allowMin: true, unit: "seconds" });
 * // throws: Invalid value for --window: "-1" (expected a number >= 0 of seconds)
 * ```
 */
export function numberFlag<T>(
  flag: string,
  raw: string | undefined,
  fallback: T,
  spec: NumberSpec = {},
): number | T {
  if (raw === undefined) return fallback;
  const { integer = false, min = 0, allowMin = false, max, unit } = spec;
  const v = Number(raw);
  const ok = DECIMAL.test(raw) && Number.isFinite(v) && (!integer || Number.isInteger(v)) &&
    (allowMin ? v >= min : v > min) && (max === undefined || v <= max);
  if (ok) return v;
  const bound = `${allowMin ? ">=" : ">"} ${min}${max === undefined ? "" : ` and <= ${max}`}`;
  const expected = integer
    ? (min === 0 && !allowMin ? "a positive integer" : `an integer ${bound}`)
    : `a number ${bound}`;
  throw new UsageError(
    `Invalid value for ${flag}: "${raw}" (expected ${expected}${unit ? ` of ${unit}` : ""})`,
  );
}
