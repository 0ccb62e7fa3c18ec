/**
 * A short, stable string hash for ids and de-duplication keys.
 * @module
 */

/**
 * FNV-1a 32-bit hash of a string's UTF-16 code units, as 8 hex characters.
 *
 * @example
 * ```ts
 * shortHash("run:u8"); // 8 hex digits, the same on every machine
 * ```
 */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
