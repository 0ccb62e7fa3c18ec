import assert from "node:assert/strict";
import fc from "fast-check";
import { numberAt, NumberPacker, numbersOf, PackedNumbers } from "./packed.ts";

type Flat = Record<string, number | null>;

/** Entries with each value compared by `Object.is` (so -0 and 0 differ). */
function sameEntries(a: Record<string, unknown>, b: Record<string, unknown>): void {
  assert.deepEqual(Object.keys(a), Object.keys(b));
  for (const k of Object.keys(a)) assert.ok(Object.is(a[k], b[k]), `${k}: ${a[k]} vs ${b[k]}`);
}

const keyArb = fc.oneof(
  fc.string({ maxLength: 12 }).filter((k) => k !== "__proto__"),
  fc.constantFrom("p99_ttft", "10", "9", "constructor", "toString", "-0"),
);
const valueArb = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(null, 0, -0, Number.MAX_VALUE, Number.MIN_VALUE),
);

Deno.test("packed (property): numbersOf(pack(m)) has m's keys in m's order and its exact values", () => {
  const packer = new NumberPacker();
  fc.assert(
    fc.property(fc.dictionary(keyArb, valueArb, { maxKeys: 40 }), (map) => {
      const packed = packer.pack(map);
      assert.ok(packed instanceof PackedNumbers);
      sameEntries(numbersOf<Flat>(packed), map);
      for (const k of Object.keys(map)) assert.ok(Object.is(packed.get(k), map[k]), k);
      assert.equal(packed.get("\u0000absent"), undefined);
    }),
    { numRuns: 500 },
  );
});

Deno.test("packed: maps that cannot be packed exactly are refused", () => {
  const packer = new NumberPacker();
  const refused: Record<string, unknown>[] = [
    { a: NaN },
    { a: Infinity },
    { a: 1, b: -Infinity },
    { a: undefined },
    { a: "1" },
    { a: { b: 1 } },
    JSON.parse('{"__proto__": 1}'),
  ];
  for (const m of refused) assert.equal(packer.pack(m), null, JSON.stringify(m));
  assert.ok(packer.pack({}) instanceof PackedNumbers);
});

Deno.test("packed: maps in earlier chunks keep their values as chunks fill; a huge map fits", () => {
  const packer = new NumberPacker();
  const maps = Array.from({ length: 4000 }, (_, i) => {
    const m: Record<string, number | null> = {};
    for (let k = 0; k < 40; k++) m[`k${k}`] = k % 7 === 0 ? null : i * 1000 + k + 0.25;
    return m;
  });
  const packed = maps.map((m) => packer.pack(m)!); // 160,000 values: several chunks
  maps.forEach((m, i) => sameEntries(numbersOf<Flat>(packed[i]), m));
  const huge: Record<string, number> = {};
  for (let k = 0; k < 70_000; k++) huge[`h${k}`] = k;
  sameEntries(numbersOf<Flat>(packer.pack(huge)!), huge);
  sameEntries(numbersOf<Flat>(packed[0]), maps[0]);
});

Deno.test("packed: numberAt and numbersOf take both forms", () => {
  const plain: Flat = { p99_ttft: 0.5, tp: null };
  const packed = new NumberPacker().pack(plain)!;
  for (const m of [plain, packed]) {
    assert.equal(numberAt(m, "p99_ttft"), 0.5);
    assert.equal(numberAt(m, "tp"), null);
    assert.equal(numberAt(m, "ep"), undefined);
  }
  assert.equal(numbersOf(plain), plain, "a plain map is returned as it is");
});
