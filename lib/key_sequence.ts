/**
 * Values worked out once per distinct key sequence of an object (see {@link KeySequenceCache}).
 * @module
 */

interface KeyNode<T> {
  /** The key of the first child seen, and that child: most nodes have exactly one. */
  key: string | undefined;
  child: KeyNode<T> | undefined;
  /** Further children by key, for sequences that part ways here. */
  more: Map<string, KeyNode<T>> | undefined;
  /** What the sequence ending here says, once built. */
  value: T | undefined;
}

function keyNode<T>(): KeyNode<T> {
  return { key: undefined, child: undefined, more: undefined, value: undefined };
}

/**
 * Whatever can be worked out from an object's keys alone (which fields are statistics, which are
 * checked, the shape of the output), built once per distinct key sequence.
 *
 * Records of one kind repeat the same keys in the same order across thousands of files, so this
 * turns per-key regex matching into one walk of a trie of keys, comparing each key with the one
 * seen at that position before (property names are interned strings: the comparison is cheap and
 * nothing is allocated). Key order is part of the sequence because callers depend on it (which of
 * two keys for one field comes first). At most `maxNodes` keys are remembered, so a stream of
 * hostile objects with made-up keys costs one build per object, never unbounded memory.
 *
 * @example
 * ```ts
 * const counts = new KeySequenceCache((keys) => keys.length);
 * counts.get({ a: 1, b: 2 }); // 2, built once for the sequence ["a", "b"]
 * ```
 */
export class KeySequenceCache<T> {
  readonly #build: (keys: readonly string[]) => T;
  readonly #maxNodes: number;
  readonly #root: KeyNode<T> = keyNode();
  #nodes = 0;

  /** `build` is called with an object's keys in enumeration order, once per distinct sequence. */
  constructor(build: (keys: readonly string[]) => T, maxNodes = 50_000) {
    this.#build = build;
    this.#maxNodes = maxNodes;
  }

  /** The value for the keys of `obj` (enumerable keys, in `for…in` order). */
  get(obj: Record<string, unknown>): T {
    let node = this.#root;
    for (const key in obj) {
      const next = node.key === key ? node.child : node.more?.get(key);
      if (next === undefined) return this.#insert(obj);
      node = next;
    }
    return node.value ??= this.#build(keysOf(obj));
  }

  #insert(obj: Record<string, unknown>): T {
    const keys = keysOf(obj);
    let node = this.#root;
    for (const key of keys) {
      let next = node.key === key ? node.child : node.more?.get(key);
      if (next === undefined) {
        if (this.#nodes >= this.#maxNodes) return this.#build(keys);
        this.#nodes++;
        next = keyNode();
        if (node.child === undefined) {
          node.key = key;
          node.child = next;
        } else (node.more ??= new Map()).set(key, next);
      }
      node = next;
    }
    return node.value ??= this.#build(keys);
  }
}

function keysOf(obj: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const key in obj) keys.push(key);
  return keys;
}
