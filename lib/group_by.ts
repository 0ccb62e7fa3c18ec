/**
 * Grouping a list by a key, in input order within each group.
 * @module
 */

/**
 * Items by `key(item)`: groups in order of first appearance, items in input order within each.
 *
 * @example
 * ```ts
 * groupBy(["a1", "b1", "a2"], (s) => s[0]); // Map { "a" => ["a1", "a2"], "b" => ["b1"] }
 * ```
 */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
