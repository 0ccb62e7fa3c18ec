/**
 * The long fuzz run: the "any input → report, exit code in the contract" and escaping properties
 * of `tests/property_test.ts` with many more runs. Not part of `deno test`; run it with
 * `deno task fuzz` (FUZZ_RUNS sets the runs per property, FUZZ_SEED replays a failure).
 * @module
 */
import fc from "fast-check";
import {
  byteMutationProperty,
  bytesProperty,
  escapingProperty,
  valueMutationProperty,
} from "./property_test.ts";

const runs = Number(Deno.env.get("FUZZ_RUNS") ?? "2000");
const seedText = Deno.env.get("FUZZ_SEED");
const seed = seedText !== undefined ? Number(seedText) : Date.now() ^ (Math.random() * 2 ** 31);

/** What one property run came to, independent of the property's value type. */
interface Outcome {
  failed: boolean;
  numRuns: number;
  report: string | null;
}

async function run<T>(p: fc.IAsyncProperty<T>, numRuns: number): Promise<Outcome> {
  const d = await fc.check(p, { numRuns, seed });
  return { failed: d.failed, numRuns: d.numRuns, report: fc.defaultReportMessage(d) ?? null };
}

const properties: [string, (numRuns: number) => Promise<Outcome>, number][] = [
  ["random bytes", (n) => run(bytesProperty, n), runs],
  ["byte mutations", (n) => run(byteMutationProperty, n), runs],
  ["value mutations", (n) => run(valueMutationProperty, n), runs],
  ["escaping", (n) => run(escapingProperty, n), Math.ceil(runs / 4)],
];

let failed = 0;
for (const [name, check, numRuns] of properties) {
  const started = performance.now();
  const details = await check(numRuns);
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  if (details.failed) {
    failed++;
    console.error(`FAIL ${name} after ${details.numRuns} runs (${secs} s), seed ${seed}:`);
    console.error(details.report ?? "no report");
  } else {
    console.log(`ok   ${name}: ${details.numRuns} runs in ${secs} s (seed ${seed})`);
  }
}
if (failed > 0) {
  console.error(
    `${failed} propert${failed === 1 ? "y" : "ies"} failed; replay with FUZZ_SEED=${seed}`,
  );
  Deno.exit(1);
}
