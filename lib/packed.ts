/**
 * Flat maps of numbers (a record's metrics, its extra percentiles) kept in a shared array of
 * doubles between loading and folding.
 *
 * A parsed record's numbers live from the moment its file is parsed until the fold, and on a big
 * campaign they are most of what is held at the end of the scan. As object properties each
 * fractional number is a heap object of its own (about 16 bytes with its slot, besides the
 * object's header and property array); packed, it is 8 bytes in a large array that V8 never has
 * to trace or copy, and the map's keys are one shared list per key sequence. V8 sizes its heap
 * from what is live after a collection, so the whole run peaks lower.
 *
 * Packing is exact: only maps whose every value is `null` or a finite number are packed (`null`
 * is stored as NaN, which such a map cannot hold), with their keys in their enumeration order.
 * Anything else is left as it is, and every reader takes both forms.
 * @module
 */
import { KeySequenceCache } from "./key_sequence.ts";

/** The keys of packed maps with one key sequence, and where each key is. */
class KeyList {
  readonly keys: readonly string[];
  #index: Map<string, number> | null = null;

  constructor(keys: readonly string[]) {
    this.keys = keys;
  }

  /** Position of `key`, or -1. */
  indexOf(key: string): number {
    this.#index ??= new Map(this.keys.map((k, i) => [k, i]));
    return this.#index.get(key) ?? -1;
  }
}

/** Doubles per arena chunk (512 KiB): large enough that chunks are few, small enough to waste little. */
const CHUNK_VALUES = 1 << 16;

/**
 * A flat map of numbers stored as a key list shared with every map of the same keys and a slice
 * of an arena chunk. Immutable. Read it with {@link numberAt} or {@link numbersOf}.
 */
export class PackedNumbers {
  readonly #keys: KeyList;
  readonly #chunk: Float64Array;
  readonly #offset: number;

  constructor(keys: KeyList, chunk: Float64Array, offset: number) {
    this.#keys = keys;
    this.#chunk = chunk;
    this.#offset = offset;
  }

  /** The keys, in the packed map's enumeration order. */
  get keys(): readonly string[] {
    return this.#keys.keys;
  }

  /** The value at position `i` of {@link keys}. */
  at(i: number): number | null {
    const v = this.#chunk[this.#offset + i];
    return v !== v ? null : v;
  }

  /** The value of `key`; `undefined` when the map has no such key. */
  get(key: string): number | null | undefined {
    const i = this.#keys.indexOf(key);
    return i < 0 ? undefined : this.at(i);
  }
}

/** Where maps are packed: key lists by key sequence, and the chunk being filled. */
export class NumberPacker {
  readonly #lists = new KeySequenceCache((keys) => new KeyList(keys));
  #chunk = new Float64Array(0);
  #used = 0;

  /**
   * `map` packed, or `null` when it cannot be packed exactly (a value that is not `null` or a
   * finite number, or a `__proto__` key, which an assignment cannot recreate as an own property).
   */
  pack(map: Readonly<Record<string, unknown>>): PackedNumbers | null {
    // One pass checks and writes; a map that does not fit the chunk's rest is written again into
    // a new chunk (values past the end of a typed array are not stored).
    let chunk = this.#chunk;
    let offset = this.#used;
    let i = offset;
    for (const key in map) {
      const v = map[key];
      if (v !== null && (typeof v !== "number" || !Number.isFinite(v))) return null;
      if (key === "__proto__") return null;
      if (i < chunk.length) chunk[i] = v === null ? NaN : v;
      i++;
    }
    const n = i - offset;
    if (i > chunk.length) {
      chunk = this.#chunk = new Float64Array(Math.max(CHUNK_VALUES, n));
      offset = 0;
      i = 0;
      for (const key in map) {
        const v = map[key] as number | null;
        chunk[i++] = v === null ? NaN : v;
      }
    }
    this.#used = offset + n;
    return new PackedNumbers(this.#lists.get(map), chunk, offset);
  }
}

/** A flat map of numbers (`T`), as parsed or packed. */
export type NumberMap<T> = T | PackedNumbers;

/** The value of `key` in a map of either form (`undefined` when absent). */
export function numberAt<T>(map: NumberMap<T>, key: keyof T & string): T[keyof T] | undefined {
  return (map instanceof PackedNumbers ? map.get(key) : map[key]) as T[keyof T] | undefined;
}

/** A map of either form as a plain object (a packed one is copied; a plain one is returned). */
export function numbersOf<T>(map: NumberMap<T>): T {
  if (!(map instanceof PackedNumbers)) return map;
  const out: Record<string, number | null> = {};
  const keys = map.keys;
  for (let i = 0; i < keys.length; i++) out[keys[i]] = map.at(i);
  return out as T;
}
