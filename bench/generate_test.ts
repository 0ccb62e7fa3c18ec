import assert from "node:assert/strict";
import { captureConsole } from "../tests/_console.ts";
import { UsageError } from "../lib/io/cli_args.ts";
import { generateFixedSeq, main, MAX_FIXED_SEQ_CELLS } from "./generate.ts";

Deno.test("generate main: makes the tree the command line asks for", async () => {
  const dir = await Deno.makeTempDir({ prefix: "inferguard_gen_" });
  try {
    const { value: code } = await captureConsole(() =>
      main(["fixed-seq", "--cells", "8", "--out", `${dir}/t`])
    );
    assert.equal(code, 0);
    let agg = 0;
    for (const e of Deno.readDirSync(`${dir}/t`)) {
      if (!e.isDirectory) continue;
      for (const f of Deno.readDirSync(`${dir}/t/${e.name}`)) {
        if (f.name.startsWith("agg_")) agg++;
      }
    }
    assert.equal(agg, 8);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("generate main: every option is checked before anything is written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "inferguard_gen_" });
  const out = `${dir}/never`;
  try {
    for (
      const [args, message] of [
        [["fixed-seq", "--out", out, "--cells", `${MAX_FIXED_SEQ_CELLS + 1}`], "at most"],
        [["fixed-seq", "--out", out, "--cells", "0"], "expected a positive integer"],
        [["detailed", "--out", out, "--mb", "0"], 'Invalid value for --mb: "0"'],
        [["detailed", "--out", out, "--users", "1.5"], "--users"],
        [["mixed", "--out", out, "--agentx", "-2"], "ambiguous"],
        [["mixed", "--out", out, "--agentx=-2"], "expected an integer >= 0"],
        [["agentx", "--out", out, "--seed", "x"], "--seed"],
        [["unknown", "--out", out], 'Invalid value "unknown" for <kind>'],
        [["fixed-seq"], "missing --out"],
        [["fixed-seq", "--out", " "], "missing --out"],
        [[], "missing <kind>"],
      ] as const
    ) {
      await assert.rejects(
        () => main([...args]),
        (e: unknown) => e instanceof UsageError && e.message.includes(message),
        args.join(" "),
      );
    }
    assert.equal(await Deno.stat(out).catch(() => null), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("generateFixedSeq full: a full download beside each job, the rest of the tree unchanged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "inferguard_gen_" });
  const files = (root: string) => {
    const out = new Map<string, string>();
    const walk = (rel: string) => {
      for (const e of Deno.readDirSync(`${root}/${rel}`)) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory) walk(p);
        else out.set(p, Deno.readTextFileSync(`${root}/${p}`));
      }
    };
    walk("");
    return out;
  };
  try {
    await generateFixedSeq(`${dir}/plain`, { cells: 64 });
    await generateFixedSeq(`${dir}/full`, { cells: 64, full: true });
    const plain = files(`${dir}/plain`);
    const full = files(`${dir}/full`);
    // Every agg and raw file is the same bytes with or without the extra files.
    for (const [p, text] of plain) {
      if (p.endsWith(".log")) continue;
      assert.equal(full.get(p), text, p);
    }
    const audits = [...full.keys()].filter((p) => p.startsWith("power_audit_"));
    const jobs = new Set(audits.map((p) => p.slice(0, p.indexOf("/"))));
    assert.ok(jobs.size > 0);
    for (const job of jobs) {
      const rf = job.slice("power_audit_".length);
      assert.ok(full.has(`${job}/gpu_metrics.csv`), job);
      assert.ok(full.has(`${job}/gpu_metrics_identity.json`), job);
      assert.ok(full.has(`server_logs_${rf}/results/benchmark.log`), rf);
      const pv = full.get(`${job}/power_validation_${rf}.json`);
      if (pv === undefined) continue; // a failed job has no agg, and no power validation
      const v = JSON.parse(pv);
      assert.equal(v.benchmark_result, `${rf}.json`);
      assert.ok("integration_method" in v && "power_valid" in v, "sniffed as power_validation");
      assert.equal(v.observed_gpu_ids.length, v.expected_gpu_count);
      for (const [k, x] of Object.entries(v.metrics)) {
        assert.ok(typeof x === "number" && x > 0, `${rf}: metrics.${k} = ${x}`);
      }
      assert.ok(Number.isInteger(v.benchmark_window.total_input_tokens), rf);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
