/**
 * Test support for the streaming parsers: text as bytes, cut into chunks at chosen offsets, so
 * tests can split input mid-field, mid-`\r\n`, mid-quote or mid-character.
 * @module
 */

/** UTF-8 bytes of a string. */
export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Cut `bytes` at the given offsets into an async iterable of chunks. */
export async function* chunked(
  bytes: Uint8Array,
  cuts: number[] = [],
): AsyncGenerator<Uint8Array> {
  const points = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), bytes.length)))]
    .sort((a, b) => a - b);
  let prev = 0;
  for (const p of points) {
    if (p > prev) yield bytes.slice(prev, p);
    prev = p;
  }
  if (prev < bytes.length) yield bytes.slice(prev);
}
