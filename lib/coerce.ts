/**
 * Tolerant coercion of values read from JSON written by other programs.
 * Numbers may arrive as strings, booleans as `"true"`/`"false"`; anything else is `null`.
 * @module
 */

/** A finite number from a number or a numeric string; otherwise `null`. */
export function num(x: unknown): number | null {
  if (typeof x === "number") return Number.isFinite(x) ? x : null;
  if (typeof x === "string" && x.trim() !== "") {
    const n = Number(x);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A positive finite number (zero and negatives mean "unknown" in latency/throughput fields). */
export function positive(x: unknown): number | null {
  const n = num(x);
  return n !== null && n > 0 ? n : null;
}

/** A non-empty string; numbers are stringified; otherwise `null`. */
export function str(x: unknown): string | null {
  if (typeof x === "string") return x.trim() === "" ? null : x.trim();
  if (typeof x === "number" && Number.isFinite(x)) return String(x);
  return null;
}

/** A boolean from a boolean, `"true"`/`"false"`, or 0/1; otherwise `null`. */
export function boolish(x: unknown): boolean | null {
  if (typeof x === "boolean") return x;
  if (x === 1) return true;
  if (x === 0) return false;
  if (typeof x === "string") {
    const t = x.trim().toLowerCase();
    if (t === "true" || t === "1") return true;
    if (t === "false" || t === "0") return false;
  }
  return null;
}

/** Whether a value is a plain JSON object (not an array, not null). */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Whether `s` is an ISO 8601 / RFC 3339 date, or date and time with a zone (`Z` or `±hh:mm`), on a
 * real calendar day. `Date.parse` alone takes "1", "May 5" and 2026-02-30 (as March 2), and reads
 * a time without a zone in the machine's own zone.
 *
 * @example
 * ```ts
 * isIsoTime("2026-05-27T09:50:00Z"); // true
 * isIsoTime("2026-02-30T00:00:00Z"); // false
 * ```
 */
export function isIsoTime(s: string): boolean {
  const m = ISO_TIME.exec(s);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) {
    return false;
  }
  if (m[4] === undefined) return true;
  return Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6] ?? 0) < 60 &&
    !Number.isNaN(Date.parse(s));
}
