import assert from "node:assert/strict";
import fc from "fast-check";
import { ladder, mean, minMax, percentileSorted } from "./stats.ts";

/**
 * Reference: numpy's default ("linear", Hyndman–Fan type 7) written from its definition with
 * 1-based order statistics: rank r = 1 + (n − 1)·q/100, value = x(⌊r⌋) + (r − ⌊r⌋)·(x(⌈r⌉) − x(⌊r⌋)).
 */
function numpyLinear(sorted: readonly number[], q: number): number {
  const r = 1 + (sorted.length - 1) * (q / 100);
  const lo = Math.floor(r);
  const hi = Math.ceil(r);
  return sorted[lo - 1] + (r - lo) * (sorted[hi - 1] - sorted[lo - 1]);
}

function close(a: number | null, b: number, tol = 1e-9): void {
  assert.ok(a !== null && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
}

Deno.test("percentileSorted: the spec's example and numpy values", () => {
  close(percentileSorted([0.1, 0.2], 99), 0.199, 1e-12);
  close(percentileSorted([1, 2, 3, 4], 90), 3.7, 1e-12);
  close(percentileSorted([15, 20, 35, 40, 50], 40), 29, 1e-12);
  close(percentileSorted([1, 2, 3, 4], 50), 2.5, 1e-12);
  close(percentileSorted([5], 99.9), 5);
  assert.equal(percentileSorted([], 50), null);
  assert.equal(percentileSorted([1, 3], 0), 1);
  assert.equal(percentileSorted([1, 3], 100), 3);
});

const sortedArb = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), {
  minLength: 1,
  maxLength: 200,
}).map((xs) => [...xs].sort((a, b) => a - b));
const qArb = fc.oneof(
  fc.double({ min: 0, max: 100, noNaN: true }),
  fc.constantFrom(0, 50, 90, 95, 99, 99.9, 100),
);

Deno.test("percentileSorted (property): equals the numpy-linear reference", () => {
  fc.assert(
    fc.property(sortedArb, qArb, (xs, q) => {
      const want = numpyLinear(xs, q);
      const got = percentileSorted(xs, q);
      assert.ok(got !== null && Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)));
    }),
    { numRuns: 1000 },
  );
});

Deno.test("percentileSorted (property): within [min, max] and monotone in q", () => {
  fc.assert(
    fc.property(sortedArb, qArb, qArb, (xs, q1, q2) => {
      const [a, b] = q1 <= q2 ? [q1, q2] : [q2, q1];
      const pa = percentileSorted(xs, a)!;
      const pb = percentileSorted(xs, b)!;
      assert.ok(pa >= xs[0] - 1e-9 && pb <= xs[xs.length - 1] + 1e-9);
      assert.ok(pa <= pb + 1e-9 * Math.max(1, Math.abs(pb)));
    }),
    { numRuns: 500 },
  );
});

Deno.test("ladder: sorts a copy, leaves the input alone, matches the reference", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { maxLength: 100 }),
      (xs) => {
        const copy = [...xs];
        const l = ladder(xs);
        assert.deepEqual(xs, copy);
        assert.equal(l.count, xs.length);
        if (xs.length === 0) {
          assert.deepEqual([l.mean, l.p50, l.p99, l.max], [null, null, null, null]);
          return;
        }
        const sorted = [...xs].sort((a, b) => a - b);
        close(l.p50, numpyLinear(sorted, 50));
        close(l.p90, numpyLinear(sorted, 90));
        close(l.p99, numpyLinear(sorted, 99));
        close(l.p999, numpyLinear(sorted, 99.9));
        assert.equal(l.max, sorted[sorted.length - 1]);
        close(l.mean, xs.reduce((s, x) => s + x, 0) / xs.length);
      },
    ),
  );
});

Deno.test("mean: empty is null", () => {
  assert.equal(mean([]), null);
  assert.equal(mean([1, 2, 3, 6]), 3);
});

Deno.test("minMax: smallest and largest, null for none", () => {
  assert.deepEqual(minMax([3, 1, 2]), [1, 3]);
  assert.deepEqual(minMax([5]), [5, 5]);
  assert.equal(minMax([]), null);
});
