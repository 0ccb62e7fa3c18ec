/**
 * Number formats and table lines shared by the Markdown sections.
 * @module
 */

/** Format a number for display: `—` for null, up to 4 significant digits otherwise. */
export function fmt(n: number | null | undefined, digits = 4): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  if (n === 0) return "0";
  const abs = Math.abs(n);
  if (abs >= 10 ** digits) return Math.round(n).toString();
  return Number(n.toPrecision(digits)).toString();
}

/**
 * A ratio (0–1: success rate, cache hit rate, KV usage) as report.md writes every ratio it
 * generates: a plain number with 3 significant digits, the way the findings' messages write them.
 */
export function ratio(n: number | null | undefined): string {
  return fmt(n, 3);
}

/** The most significant digits a number is printed with to show that it is under a limit. */
const LIMIT_DIGITS = 10;

/**
 * Whether `n` counts as reaching `limit`: at or over it, or under it by less than
 * {@link LIMIT_DIGITS} significant digits can show (11 ms against 10 ms is 1.0999999999999999).
 * What {@link change} and {@link times} print with `below` agrees with it: a number that does not
 * reach the limit is printed under it, one that does is never.
 */
export function reaches(n: number, limit: number): boolean {
  return n >= limit || Number(n.toPrecision(LIMIT_DIGITS)) >= limit;
}

/**
 * `n` with 3 significant digits, or as many more as it takes (up to {@link LIMIT_DIGITS}) to
 * print a number under `below` as a number under it: rounded to 3 digits, 4.996 would read as the
 * limit 5 it missed.
 */
function underLimit(n: number, below: number | undefined): string {
  let digits = 3;
  let text = fmt(n, digits);
  while (below !== undefined && n < below && !(Number(text) < below) && digits < LIMIT_DIGITS) {
    text = fmt(n, ++digits);
  }
  return text;
}

/**
 * A relative change as a signed percentage (`+12.5 %`, `-3 %`). With `below` (a ratio, `0.05`
 * for 5 %), a change under it is never printed as reaching it (`+4.996 %`, not `+5 %`).
 */
export function change(n: number, below?: number): string {
  return `${n >= 0 ? "+" : ""}${
    underLimit(n * 100, below === undefined ? undefined : below * 100)
  } %`;
}

/**
 * A growth factor (`1.5×`). With `below`, a factor under it is never printed as reaching it
 * (`1.0999×`, not `1.1×`).
 */
export function times(n: number, below?: number): string {
  return `${underLimit(n, below)}×`;
}

/** Seconds shown as milliseconds. */
export function ms(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? "—" : `${fmt(n * 1000)} ms`;
}

/** Seconds. */
export function secs(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? "—" : `${fmt(n)} s`;
}

/** Bytes in binary units (`1.5 GiB`). */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${fmt(v, 3)} ${units[u]}`;
}

/** `c8`, the short name of a concurrency in prose. */
export function conc(n: number | null | undefined): string {
  return n === null || n === undefined ? "c?" : `c${n}`;
}

/** Lines of a Markdown table (cells must already be escaped for tables). */
export function table(header: readonly string[], rows: readonly string[][]): string[] {
  const lines = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
  for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
  return lines;
}

/** Append `items` to `out` (a loop: spreading a long list as arguments can overflow the stack). */
export function pushAll(out: string[], items: readonly string[]): void {
  for (const item of items) out.push(item);
}

/** `1 finding` / `3 findings`; irregular plurals as `[one, many]`. */
export function plural(n: number, word: string | readonly [string, string]): string {
  const [one, many] = typeof word === "string" ? [word, `${word}s`] : word;
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Concurrencies as a short list: three or more values that are consecutive among the measured
 * concurrencies `all` are written as a range (`c24–c256`), others one by one.
 */
export function concList(values: readonly number[], all: readonly number[]): string {
  const set = new Set(values);
  const sorted = [...new Set([...all, ...values])].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    if (!set.has(sorted[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < sorted.length && set.has(sorted[j + 1])) j++;
    if (j - i >= 2) parts.push(`${conc(sorted[i])}–${conc(sorted[j])}`);
    else for (let k = i; k <= j; k++) parts.push(conc(sorted[k]));
    i = j + 1;
  }
  return parts.join(", ");
}

/**
 * Up to `max` items joined with `, `, then ` and N more` for the rest: an inline list that
 * stays short however many items there are.
 *
 * @example
 * ```ts
 * listSome(["a", "b", "c"], 2); // "a, b and 1 more"
 * ```
 */
export function listSome(items: readonly string[], max: number): string {
  const head = items.slice(0, max).join(", ");
  return items.length > max ? `${head} and ${items.length - max} more` : head;
}
