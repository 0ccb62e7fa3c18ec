/**
 * Summarize a V8 `.cpuprofile` (from `deno run --cpu-prof`): the functions with the most self
 * time and the most total (inclusive) time, as Markdown tables.
 *
 * @example
 * ```sh
 * deno run --allow-read --cpu-prof --cpu-prof-dir=/tmp/prof main.ts analyze big --quiet
 * deno run --allow-read bench/profile_summary.ts /tmp/prof/CPU.*.cpuprofile --top 25
 * ```
 * @module
 */
import { parseArgs } from "node:util";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

/** The part of a `.cpuprofile` this tool reads. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Self and total time of one function (by name, file and line), in microseconds. */
export interface FunctionTime {
  name: string;
  selfUs: number;
  totalUs: number;
}

function label(cf: CallFrame, root: string): string {
  const file = cf.url.replace(/^file:\/\//, "").replace(root, "");
  const name = cf.functionName || "(anonymous)";
  return file ? `${name} ${file}:${cf.lineNumber + 1}` : name;
}

/** Self and inclusive time per function; recursion is counted once per sample. */
export function summarize(p: CpuProfile, root = ""): FunctionTime[] {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    let id: number | undefined = p.samples[i];
    const seen = new Set<string>();
    let first = true;
    while (id !== undefined) {
      const node = byId.get(id);
      if (!node) break;
      const key = label(node.callFrame, root);
      if (first) {
        self.set(key, (self.get(key) ?? 0) + dt);
        first = false;
      }
      if (!seen.has(key)) {
        seen.add(key);
        total.set(key, (total.get(key) ?? 0) + dt);
      }
      id = parent.get(id);
    }
  }
  return [...total.entries()].map(([name, totalUs]) => ({
    name,
    selfUs: self.get(name) ?? 0,
    totalUs,
  }));
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { top: { type: "string" }, root: { type: "string" } },
  });
  const top = Number(values.top ?? 20);
  for (const path of positionals) {
    const p = JSON.parse(await Deno.readTextFile(path)) as CpuProfile;
    const rows = summarize(p, values.root ?? "");
    const wall = (p.endTime - p.startTime) / 1000;
    const pct = (us: number) => ((100 * us) / (p.endTime - p.startTime)).toFixed(1);
    console.log(`### ${path}\n\nProfile span ${wall.toFixed(0)} ms\n`);
    for (const [title, key] of [["Self time", "selfUs"], ["Total time", "totalUs"]] as const) {
      console.log(`| ${title} ms | % | Function |\n|---:|---:|---|`);
      for (const r of [...rows].sort((a, b) => b[key] - a[key]).slice(0, top)) {
        console.log(`| ${(r[key] / 1000).toFixed(0)} | ${pct(r[key])} | \`${r.name}\` |`);
      }
      console.log("");
    }
  }
}
