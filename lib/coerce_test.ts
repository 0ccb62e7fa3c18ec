import assert from "node:assert/strict";
import { isIsoTime } from "./coerce.ts";

Deno.test("isIsoTime: dates and zoned times on real days; not what Date.parse merely tolerates", () => {
  for (
    const ok of [
      "2026-05-27",
      "2026-05-27T09:50:00Z",
      "2026-05-27T09:50Z",
      "2024-02-29T23:59:59.123+05:30",
    ]
  ) {
    assert.equal(isIsoTime(ok), true, ok);
  }
  for (
    const bad of [
      "1",
      "99",
      "0",
      "May 5",
      "2026-02-30T00:00:00Z",
      "2025-02-29",
      "2026-05-27T09:50:00",
      "2026-05-27T24:00:00Z",
      "2026-13-01",
      " 2026-05-27",
    ]
  ) {
    assert.equal(isIsoTime(bad), false, bad);
  }
});
