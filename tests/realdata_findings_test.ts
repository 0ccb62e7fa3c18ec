/**
 * The findings `analyze` reports on two real campaigns, each explained by numbers read
 * independently from the files (not from the program's own output).
 * @module
 */
import assert from "node:assert/strict";
import { HAS_REALDATA, realdata } from "./_realdata.ts";
import { fileURLToPath } from "node:url";

const MAIN_TS = fileURLToPath(new URL("../main.ts", import.meta.url));

interface Finding {
  code: string;
  severity: string;
  cell_id: string | null;
  evidence: Record<string, unknown>;
}
interface Cell {
  cell_id: string;
  concurrency: number | null;
  offload_mode: string | null;
  metrics: Record<string, number | null>;
  artifacts: Record<string, string[]>;
  notes: Record<string, unknown>;
}
interface Discovered {
  path: string;
  cell: string | null;
}
interface Report {
  cells: Cell[];
  findings: Finding[];
  artifact_manifest: { discovered: Discovered[] };
}

async function analyzeReal(rel: string): Promise<Report> {
  const out = await Deno.makeTempDir({ prefix: "inferguard_real_" });
  try {
    const p = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        MAIN_TS,
        "analyze",
        realdata(rel),
        "--output-dir",
        out,
        "--generated-at",
        "2026-01-01T00:00:00Z",
        "--quiet",
        "--fail-on",
        "never",
      ],
    }).output();
    assert.equal(p.code, 0, new TextDecoder().decode(p.stderr));
    return JSON.parse(await Deno.readTextFile(`${out}/report.json`));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

Deno.test({
  name: "AMD MI355X disaggregated gpt-oss curve: scaling curve, no detector fires",
  ignore: !HAS_REALDATA,
  fn: async () => {
    // From the raw files: total throughput 918 → 45068 tok/s (each step +67…+86 %), p99 TTFT stays
    // within 0.31–2.24 s and p99 TPOT grows at most 1.25× per step: nothing supports a cliff,
    // degradation or plateau.
    const dir = realdata("multinode/gptoss-mi355x-disagg-raw");
    const rows: { c: number; t: number; ttft: number; tpot: number }[] = [];
    for await (const e of Deno.readDir(dir)) {
      const j = JSON.parse(await Deno.readTextFile(`${dir}/${e.name}`));
      rows.push({
        c: j.max_concurrency,
        t: j.total_token_throughput,
        ttft: j.p99_ttft_ms,
        tpot: j.p99_tpot_ms,
      });
    }
    rows.sort((a, b) => a.c - b.c);
    for (let i = 1; i < rows.length; i++) {
      assert.ok(rows[i].t / rows[i - 1].t > 1.5, "throughput keeps scaling");
      assert.ok(rows[i].tpot / rows[i - 1].tpot < 1.5, "TPOT ratio under the 1.5× threshold");
      assert.ok(rows[i].ttft / rows[i - 1].ttft < 4, "no critical TTFT ratio");
    }
    const r = await analyzeReal("multinode/gptoss-mi355x-disagg-raw");
    assert.equal(r.cells.length, 8);
    assert.deepEqual(r.findings.map((f) => f.code), []);
  },
});

Deno.test({
  name: "AgentX kvtester sweep: the KV cliff between 16 and 24 users is reported with its numbers",
  ignore: !HAS_REALDATA,
  fn: async () => {
    const r = await analyzeReal("agentx-kvtester");
    const off = (c: number) =>
      r.cells.find((x) =>
        x.concurrency === c && x.offload_mode === "none" && x.metrics.p99_ttft !== null
      )!;
    const c16 = off(16);
    const c24 = off(24);
    // Independently: the flat aggs say p99 TTFT 82.27 s at 16 users and 178.58 s at 24 (×2.17)
    // while total throughput falls; KV usage reaches 100 % at 24 users (§9.3 table), with
    // preemptions starting.
    const agg = async (users: number) => {
      for await (const e of Deno.readDir(realdata("agentx-kvtester"))) {
        if (!e.name.startsWith(`bmk_agentic_dsr1_tp4_bs${users}_offloadoff_`)) continue;
        for await (const f of Deno.readDir(realdata(`agentx-kvtester/${e.name}`))) {
          return JSON.parse(
            await Deno.readTextFile(realdata(`agentx-kvtester/${e.name}/${f.name}`)),
          );
        }
      }
      throw new Error(`no agg for ${users} users`);
    };
    const a16 = await agg(16);
    const a24 = await agg(24);
    assert.ok(a24.p99_ttft / a16.p99_ttft >= 2 && a24.total_tput_tps < a16.total_tput_tps);
    const cliff = r.findings.find((f) => f.code === "ttft_cliff" && f.cell_id === c24.cell_id);
    assert.ok(cliff, "ttft_cliff at 24 users");
    assert.equal(cliff.severity, "warning");
    const kv = r.findings.find((f) => f.code === "kv_pressure" && f.cell_id === c24.cell_id);
    assert.ok(kv, "kv_pressure at 24 users");
    assert.ok((c24.metrics.gpu_kv_usage_p95 ?? 0) >= 0.9 && (c24.metrics.num_preemptions ?? 0) > 0);
    assert.ok(!r.findings.some((f) => f.code === "kv_pressure" && f.cell_id === c16.cell_id));
    assert.ok((c16.metrics.gpu_kv_usage_p95 ?? 1) < 0.9 && c16.metrics.num_preemptions === 0);
    // The hit-rate collapse: by-source local hits / prompt tokens 0.2129 at 24 users (§9.3).
    const pcr = r.findings.find((f) =>
      f.code === "prefix_cache_regression" && f.cell_id === c24.cell_id
    );
    assert.ok(pcr);
    assert.ok(Math.abs((c24.metrics.server_gpu_cache_hit_rate ?? 0) - 0.2129) < 0.001);
    // The per-request CSVs and the aggregates of the same runs agree (theoretical cache hit rate
    // over successful rows, as the upstream aggregator computes it), so no aggregate_mismatch.
    assert.deepEqual(r.findings.filter((f) => f.code === "aggregate_mismatch"), []);
    // The mislabelled duplicate directory (bs256 offloadon, b200-nb_1) holds the bs128 offloadoff
    // run's server metrics byte for byte (reference §14.9) and no aggregate or per-request data:
    // it is no cell of its own, and the run it copies names it.
    const copyDir =
      "agentic_dsr1_tp4_bs256_offloadon_fp4_vllm_tp4-ep4-dpafalse_disagg-false_spec-none_conc256_b200-nb_1";
    const origDir =
      "agentic_dsr1_tp4_bs128_offloadoff_fp4_vllm_tp4-ep4-dpafalse_disagg-false_spec-none_conc128_b200-nb_1";
    assert.equal(
      r.cells.filter((c) => JSON.stringify(c.artifacts).includes(`${copyDir}/status`)).length,
      0,
    );
    assert.equal(
      r.findings.filter((f) => JSON.stringify(f.evidence).includes(`${copyDir}/status`)).length,
      0,
    );
    const orig = r.cells.filter((c) =>
      (c.artifacts.server_metrics_csv ?? []).includes(`${origDir}/metrics_server_metrics.csv`)
    );
    assert.equal(orig.length, 1);
    assert.equal(orig[0].concurrency, 128);
    // Its name's claims that the bytes contradict are kept with it (reference §14.9).
    assert.deepEqual(orig[0].notes.same_bytes_copies, [{
      path: `${copyDir}/metrics_server_metrics.csv`,
      same_bytes_as: `${origDir}/metrics_server_metrics.csv`,
      name_says: { concurrency: 256, offload_mode: "on" },
    }]);
    // Every file of the copy's directory is listed under the cell it copies.
    const listed = r.artifact_manifest.discovered.filter((d) => d.path.startsWith(`${copyDir}/`));
    assert.ok(listed.length >= 4);
    for (const d of listed) assert.equal(d.cell, orig[0].cell_id, d.path);
  },
});
