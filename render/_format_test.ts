import assert from "node:assert/strict";
import {
  bytes,
  change,
  concList,
  fmt,
  listSome,
  ms,
  plural,
  ratio,
  reaches,
  secs,
  table,
  times,
} from "./_format.ts";

Deno.test("_format: numbers, ratios, changes and units", () => {
  const cases: [string, string][] = [
    [fmt(null), "—"],
    [fmt(0), "0"],
    [fmt(18171.3), "18171"],
    [ratio(0.996225), "0.996"],
    [ratio(0.0018), "0.0018"],
    [ratio(null), "—"],
    [change(0.5), "+50 %"],
    [change(-0.276), "-27.6 %"],
    [change(0), "+0 %"],
    [times(53.81), "53.8×"],
    // Under a limit, never printed as reaching it; at or over it, as usual.
    [change(0.04996, 0.05), "+4.996 %"],
    [change(0.05, 0.05), "+5 %"],
    [change(0.05004, 0.05), "+5 %"],
    [change(0.031, 0.05), "+3.1 %"],
    [times(1.0999, 1.1), "1.0999×"],
    [times(1.09999999999, 1.1), "1.1×"],
    [times(1.1, 1.1), "1.1×"],
    [times(1.05, 1.1), "1.05×"],
    [times(1.09999999892, 1.1), "1.099999999×"],
    [ms(0.0155), "15.5 ms"],
    [ms(null), "—"],
    [secs(914.456), "914.5 s"],
    [bytes(6_000_000_000), "5.59 GiB"],
    [bytes(0), "0 B"],
    [plural(1, "run"), "1 run"],
    [plural(2, ["concurrency", "concurrencies"]), "2 concurrencies"],
  ];
  for (const [got, want] of cases) assert.equal(got, want);
});

Deno.test("_format: concList writes runs of three or more measured concurrencies as ranges", () => {
  const all = [1, 2, 4, 8, 12, 16, 24, 32];
  const cases: [number[], string][] = [
    [[], ""],
    [[8], "c8"],
    [[8, 12], "c8, c12"],
    [[8, 12, 16], "c8–c16"],
    [[12, 1, 24, 32, 16], "c1, c12–c32"],
    [[4, 64], "c4, c64"], // 64 is not among `all`: still named, in order
  ];
  for (const [values, want] of cases) assert.equal(concList(values, all), want, String(values));
});

Deno.test("_format: table lines", () => {
  assert.deepEqual(table(["a", "b"], [["1", "2"]]), ["| a | b |", "| --- | --- |", "| 1 | 2 |"]);
});

Deno.test("_format: listSome names up to max items, then counts the rest", () => {
  const cases: { items: string[]; max: number; want: string }[] = [
    { items: [], max: 12, want: "" },
    { items: ["a"], max: 12, want: "a" },
    { items: ["a", "b", "c"], max: 3, want: "a, b, c" }, // exactly at the cap: all shown
    { items: ["a", "b", "c", "d"], max: 3, want: "a, b, c and 1 more" },
    { items: Array.from({ length: 20 }, (_, i) => `c${i}`), max: 2, want: "c0, c1 and 18 more" },
  ];
  for (const c of cases) assert.equal(listSome(c.items, c.max), c.want, c.want);
});

Deno.test("_format: reaches agrees with what times and change print under a limit", () => {
  for (const n of [1.0999999999999999, 1.1, 1.2, 1.0999, 1.09999999892, 0.5]) {
    const printed = Number(times(n, 1.1).slice(0, -1));
    assert.equal(reaches(n, 1.1), printed >= 1.1, String(n));
  }
  assert.equal(reaches(0.011 / 0.01, 1.1), true);
  assert.equal(reaches(1.09999999892, 1.1), false);
});
