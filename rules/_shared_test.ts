import { deepStrictEqual } from "node:assert/strict";
import { fmtApart } from "./_shared.ts";

Deno.test("fmtApart: plain where the numbers read apart, more digits only where they do not", () => {
  deepStrictEqual(fmtApart([0.25, 0.5]), ["0.25", "0.5"]);
  // 0.1001 over a limit of 0.1 never prints as the limit.
  deepStrictEqual(fmtApart([0.1001, 0.1]), ["0.1001", "0.1"]);
  // Equal up to binary rounding is equal: 0.9 − 0.8 against 0.1.
  deepStrictEqual(fmtApart([0.9 - 0.8, 0.1]), ["0.1", "0.1"]);
  // More digits for all, but never fewer than fmt gave one of them: 12345 stays 12345.
  deepStrictEqual(fmtApart([12345, 1.2344, 1.2346]), ["12345", "1.234", "1.235"]);
  deepStrictEqual(fmtApart([0.7999, 0.9, 0.8]), ["0.7999", "0.9", "0.8"]);
});
