import assert from "node:assert/strict";
import type { Finding, Severity } from "../lib/types.ts";
import { topFindings } from "./_top_findings.ts";

function f(
  code: string,
  severity: Severity,
  cell: string,
  evidence: Record<string, unknown> = {},
): Finding {
  return {
    code,
    severity,
    cell_id: cell,
    message: `${code} ${cell}`,
    evidence,
    source: "analyzer",
  };
}

const names = (fs: Finding[]) => fs.map((x) => x.message);
const curveOf = (x: Finding) => x.cell_id!.split("/")[0];

Deno.test("topFindings: critical first, codes take turns, worst and other curves first", () => {
  const findings = [
    f("ttft_cliff", "critical", "a/c12", { ttft_ratio: 17 }),
    ...[1, 2, 3, 4, 5].map((i) => f("kv_pressure", "warning", `a/c${i}`, { num_preemptions: i })),
    f("kv_pressure", "warning", "b/c1", { num_preemptions: 1 }),
    f("partial_run", "warning", "a/c2", { success_rate: 0.9 }),
    f("partial_run", "warning", "a/c256", { success_rate: 0.08 }),
    f("throughput_plateau", "info", "a/c8"),
  ];
  const cases: { name: string; limit: number; want: string[] }[] = [
    {
      name: "room for the first pass only",
      limit: 5,
      want: [
        "ttft_cliff a/c12",
        "kv_pressure a/c5",
        "kv_pressure b/c1", // another curve before a/c4
        "partial_run a/c256", // 8 % success before 90 %
        "partial_run a/c2",
      ],
    },
    {
      name: "leftover slots, worst first",
      limit: 7,
      want: [
        "ttft_cliff a/c12",
        "kv_pressure a/c5",
        "kv_pressure b/c1",
        "kv_pressure a/c4",
        "kv_pressure a/c3",
        "partial_run a/c256",
        "partial_run a/c2",
      ],
    },
    { name: "one slot: the critical one", limit: 1, want: ["ttft_cliff a/c12"] },
  ];
  for (const c of cases) {
    assert.deepEqual(
      names(topFindings(findings, { limit: c.limit, perCode: 2, groupOf: curveOf })),
      c.want,
      c.name,
    );
  }
  // Info findings are never chosen; nothing to choose gives nothing.
  assert.deepEqual(
    topFindings([f("throughput_plateau", "info", "a/c1")], {
      limit: 10,
      perCode: 2,
      groupOf: curveOf,
    }),
    [],
  );
});
