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
