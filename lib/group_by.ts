/**
 * Grouping a list by a key, in input order within each group; replacing a list's contents in place.
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

/**
 * Make `target` hold exactly `items`, in place. A loop, not `push(...items)` or
 * `splice(0, n, ...items)`: spreading passes every item as an argument, which overflows the stack
 * at about 130,000 items.
 *
 * @example
 * ```ts
 * const list = [1, 2, 3];
 * replaceContents(list, [4]); // list is [4]
 * ```
 */
export function replaceContents<T>(target: T[], items: readonly T[]): void {
  target.length = items.length;
  for (let i = 0; i < items.length; i++) target[i] = items[i];
}

/**
 * Add `by` to `counts[key]`, for keys read from input: a key named like a member of
 * `Object.prototype` (`constructor`, `toString`, `__proto__`) is counted as its own property, never
 * read from the prototype or set as it.
 *
 * @example
 * ```ts
 * const counts: Record<string, number> = {};
 * addCount(counts, "constructor");
 * addCount(counts, "__proto__", 2); // counts: { constructor: 1, __proto__: 2 }
 * ```
 */
export function addCount(counts: Record<string, number>, key: string, by = 1): void {
  setOwn(counts, key, (Object.hasOwn(counts, key) ? counts[key] : 0) + by);
}

/**
 * `record[key] = value` as an own, enumerable property, whatever the key: `__proto__` included,
 * which a plain assignment would take as the record's prototype.
 *
 * @example
 * ```ts
 * const r: Record<string, number> = {};
 * setOwn(r, "__proto__", 1);
 * JSON.stringify(r); // '{"__proto__":1}'
 * ```
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/**
 * The record with its keys in code-unit order, as the reports write them. Every key stays an own
 * property (`Object.fromEntries` defines them), `__proto__` included.
 *
 * @example
 * ```ts
 * withSortedKeys({ b: 1, a: 2 }); // { a: 2, b: 1 }
 * ```
 */
export function withSortedKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
