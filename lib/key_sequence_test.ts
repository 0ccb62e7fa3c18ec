import assert from "node:assert/strict";
import { KeySequenceCache } from "./key_sequence.ts";

/** A cache whose values record the keys they were built from, counting builds. */
function counting(maxNodes?: number) {
  const built: string[][] = [];
  const cache = new KeySequenceCache((keys) => {
    built.push([...keys]);
    return { keys: [...keys] };
  }, maxNodes);
  return { cache, built };
}

Deno.test("KeySequenceCache: one build per key sequence, whatever the values", () => {
  const { cache, built } = counting();
  const first = cache.get({ a: 1, b: "x" });
  const again = cache.get({ a: null, b: [1, 2] });
  assert.equal(again, first, "same keys, other values: the same plan");
  assert.deepEqual(first.keys, ["a", "b"]);
  assert.equal(built.length, 1);
});

Deno.test("KeySequenceCache: order, prefixes and branches are distinct sequences", () => {
  const { cache, built } = counting();
  const ab = cache.get({ a: 1, b: 2 });
  const ba = cache.get({ b: 2, a: 1 });
  const a = cache.get({ a: 1 });
  const abc = cache.get({ a: 1, b: 2, c: 3 });
  const abd = cache.get({ a: 1, b: 2, d: 4 });
  const empty = cache.get({});
  assert.deepEqual(
    [ab, ba, a, abc, abd, empty].map((p) => p.keys),
    [["a", "b"], ["b", "a"], ["a"], ["a", "b", "c"], ["a", "b", "d"], []],
  );
  assert.equal(built.length, 6);
  // Every one of them is remembered, including the ones that part ways after a shared prefix.
  assert.equal(cache.get({ a: 0, b: 0, d: 0 }), abd);
  assert.equal(cache.get({ a: 0, b: 0, c: 0 }), abc);
  assert.equal(cache.get({ a: 0 }), a);
  assert.equal(cache.get({ b: 0, a: 0 }), ba);
  assert.equal(cache.get({}), empty);
  assert.equal(built.length, 6);
});

Deno.test("KeySequenceCache: keys come in for…in order (integer-like keys first)", () => {
  const { cache } = counting();
  assert.deepEqual(cache.get({ z: 1, "10": 2, a: 3, "2": 4 }).keys, ["2", "10", "z", "a"]);
});

Deno.test("KeySequenceCache: past maxNodes new sequences are built every time, still right", () => {
  const { cache, built } = counting(3);
  const ab = cache.get({ a: 1, b: 2 }); // 2 nodes
  const xyz = cache.get({ x: 1, y: 2, z: 3 }); // 1 more node fits, then the cap is reached
  assert.deepEqual(xyz.keys, ["x", "y", "z"]);
  const xyz2 = cache.get({ x: 1, y: 2, z: 3 });
  assert.deepEqual(xyz2.keys, ["x", "y", "z"]);
  assert.notEqual(xyz2, xyz, "not remembered: built again");
  assert.equal(cache.get({ a: 0, b: 0 }), ab, "what was remembered is still served");
  assert.equal(built.length, 3);
});
