import assert from "node:assert/strict";
import { describeReference, machineReference } from "./reference.ts";

Deno.test("machineReference: positive figures from a small workload, and no files left", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const ref = machineReference(dir, { records: 40, dirs: 4, rounds: 1 });
    for (const v of [ref.jsonMBps, ref.readDirUs, ref.readFileUs]) {
      assert.ok(Number.isFinite(v) && v > 0, `figure ${v}`);
    }
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("describeReference: one figure each, or start → end with a second reference", () => {
  const a = { jsonMBps: 120.4, readDirUs: 18.2, readFileUs: 21.6 };
  const b = { jsonMBps: 96, readDirUs: 20, readFileUs: 24.4 };
  assert.equal(
    describeReference(a),
    "JSON parse + indented stringify 120 MB/s; list a directory 18 µs; open + read + close a small file 22 µs",
  );
  assert.equal(
    describeReference(a, b),
    "JSON parse + indented stringify 120 → 96 MB/s; list a directory 18 → 20 µs; open + read + close a small file 22 → 24 µs",
  );
});
