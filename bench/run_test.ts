import assert from "node:assert/strict";
import { captureConsole } from "../tests/_console.ts";
import {
  attempt,
  failedRow,
  MIN_RSS_POLLS,
  polledPeak,
  type Row,
  statusPeakKb,
  table,
} from "./run.ts";

const MEASURED: Row = {
  name: "fixed-seq 1k cells",
  cells: 1000,
  files: 2100,
  bytesParsed: 3e6,
  wallS: 0.5,
  wallMinS: 0.45,
  wallMaxS: 0.6,
  rssMb: 90,
  rssMaxMb: 92,
  runs: 3,
  target: "",
  note: "",
};

Deno.test("attempt: a scenario that throws becomes a row saying why", async () => {
  const { value: measured } = await captureConsole(() =>
    attempt("x", "", () => Promise.resolve(MEASURED))
  );
  assert.equal(measured, MEASURED);
  const { value: failed } = await captureConsole(() =>
    attempt(
      "fixed-seq 10k cells",
      "< 1.5 s",
      () => Promise.reject(new Error("exit code 3: a | b")),
    )
  );
  assert.deepEqual(failed, failedRow("fixed-seq 10k cells", "< 1.5 s", "exit code 3: a | b"));
  assert.equal(failed.wallS, null);
});

Deno.test("table: figures for a measured scenario, the reason for a failed one", () => {
  const failed = failedRow("fixed-seq 10k cells", "< 1.5 s", "exit code 3: a | b");
  const lines = table([MEASURED, failed], "polling").split("\n");
  assert.equal(
    lines[2],
    "| fixed-seq 1k cells | 1000 | 2100 | 3.0 | 0.500 | 0.450–0.600 | 90 / 92 | 6.0 | 2000 | 3 |  |",
  );
  assert.equal(
    lines[3],
    "| fixed-seq 10k cells (failed: exit code 3: a \\| b) | – | – | – | – | – | – | – | – | 0 | < 1.5 s |",
  );
  // Every row has the header's columns.
  const columns = (l: string) => l.replaceAll("\\|", "").split("|").length;
  assert.equal(columns(lines[3]), columns(lines[0]));
});

Deno.test("statusPeakKb: the larger of VmHWM and VmRSS; none once the process has exited", () => {
  assert.equal(statusPeakKb("Name:\tdeno\nVmHWM:\t   31160 kB\nVmRSS:\t   30988 kB\n"), 31160);
  assert.equal(statusPeakKb("VmRSS:\t 2048 kB\n"), 2048);
  assert.equal(statusPeakKb("Name:\tdeno\nState:\tZ (zombie)\n"), null);
});

Deno.test("polledPeak: no figure from a process seen too few times", () => {
  // A `--help` run polled at 6 and 32 ms: 4 MB is its start, not its peak.
  assert.equal(polledPeak([4444, 28852]), null);
  const seen = Array.from({ length: MIN_RSS_POLLS }, (_, i) => 1000 * (i + 1));
  assert.equal(polledPeak(seen), 1000 * MIN_RSS_POLLS);
});
