import assert from "node:assert/strict";
import { captureConsole } from "../tests/_console.ts";
import {
  attempt,
  childExitCode,
  cpuDescription,
  failedRow,
  measureRuns,
  MIN_RSS_POLLS,
  polledPeak,
  type Row,
  rowNote,
  type Sample,
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
  warmUpS: 0.9,
  target: "",
  note: "",
};

/** A run function giving these wall times (exit 0, or the given code) in turn, and its calls. */
function runsOf(walls: number[], codes: number[] = []) {
  let calls = 0;
  const run = (): Promise<Sample> => {
    const i = calls++;
    return Promise.resolve({
      wallS: walls[i],
      rssKb: 90_000 + i,
      code: codes[i] ?? 0,
      stderrTail: codes[i] ? "inferguard analyze: boom" : "",
    });
  };
  return { run, calls: () => calls };
}

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

Deno.test("measureRuns: the warm-up run is made first and not counted", async () => {
  const cold = runsOf([32.4, 15.1, 13.4, 15.5]);
  const { value: r, errors } = await captureConsole(() => measureRuns("50k", 3, true, cold.run));
  assert.equal(cold.calls(), 4);
  assert.deepEqual(r.samples.map((s) => s.wallS), [15.1, 13.4, 15.5]);
  assert.equal(r.warmUpS, 32.4);
  assert.equal(r.note, "");
  assert.match(errors.join("\n"), /50k warm-up \(not counted\): 32\.400 s/);

  const none = runsOf([0.03, 0.04]);
  const help = await captureConsole(() => measureRuns("--help", 2, false, none.run));
  assert.equal(none.calls(), 2);
  assert.equal(help.value.warmUpS, null);
  assert.equal(help.value.samples.length, 2);
});

Deno.test("measureRuns: a slow first measured run is not repeated; a failed run throws", async () => {
  // The warm-up's time does not decide it: only the first measured run's does.
  const slow = runsOf([45, 31, 29]);
  const { value: r } = await captureConsole(() => measureRuns("huge", 3, true, slow.run));
  assert.equal(slow.calls(), 2);
  assert.deepEqual(r.samples.map((s) => s.wallS), [31]);
  assert.equal(r.note, "1 run: first took > 30 s");

  for (const [label, codes] of [["warm-up", [3]], ["run 2", [0, 0, 3]]] as const) {
    const failing = runsOf([1, 1, 1, 1], [...codes]);
    await assert.rejects(
      captureConsole(() => measureRuns(label, 3, true, failing.run)),
      { message: "exit code 3: inferguard analyze: boom" },
      label,
    );
    assert.equal(failing.calls(), codes.length, label);
  }
});

Deno.test("rowNote: the warm-up only when it was much slower than the median", () => {
  assert.equal(rowNote("", 32.4, 15.2), "warm-up 32.4 s, not counted");
  assert.equal(rowNote("", 3.1, 3.0), "");
  assert.equal(rowNote("", null, 3.0), "");
  assert.equal(
    rowNote("1 run: first took > 30 s", 70, 31),
    "1 run: first took > 30 s; warm-up 70.0 s, not counted",
  );
});

Deno.test("childExitCode: a child killed by a signal is a failure, whatever Exit status says", () => {
  // GNU time 1.9 writes "Exit status: 0" for a child killed by SIGKILL (an OOM kill).
  const killed = "\tCommand terminated by signal 9\n\tMaximum resident set size (kbytes): 104\n" +
    "\tExit status: 0\n";
  assert.equal(childExitCode(killed), 137);
  assert.equal(childExitCode("\tExit status: 2\n"), 2);
  assert.equal(childExitCode("\tExit status: 0\n"), 0);
  assert.equal(childExitCode("time: cannot run foo: No such file or directory\n"), null);
});

Deno.test("cpuDescription: family, model, clock and cache of the first processor", () => {
  const proc = (n: number, mhz: string) =>
    `processor\t: ${n}\nvendor_id\t: AuthenticAMD\ncpu family\t: 23\nmodel\t\t: 49\n` +
    `model name\t: AMD EPYC\nstepping\t: 0\ncpu MHz\t\t: ${mhz}\ncache size\t: 512 KB\n`;
  assert.equal(
    cpuDescription(`${proc(0, "1996.252")}\n${proc(1, "2400.000")}`),
    "AMD EPYC (family 23, model 49, 1996 MHz, cache 512 KB)",
  );
  // Fields a platform leaves out are left out; no model name gives nothing.
  assert.equal(cpuDescription("model name\t: Ampere Altra\ncpu MHz\t: ?\n"), "Ampere Altra");
  assert.equal(cpuDescription("processor\t: 0\nBogoMIPS\t: 50.00\n"), null);
  assert.equal(cpuDescription(""), null);
});
