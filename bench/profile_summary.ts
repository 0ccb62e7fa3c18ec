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
import { numberFlag, UsageError } from "../lib/io/cli_args.ts";
import { errText } from "../lib/io/walk.ts";
import { runTool, toolArgs } from "./cli.ts";

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

/**
 * `x` as a {@link CpuProfile}, or an error saying which part is missing or of the wrong type.
 *
 * @example
 * ```ts
 * const p = asCpuProfile(JSON.parse(await Deno.readTextFile("CPU.1.cpuprofile")));
 * ```
 */
export function asCpuProfile(x: unknown): CpuProfile {
  const o = (typeof x === "object" && x !== null ? x : {}) as Record<string, unknown>;
  const numbers = (v: unknown) => Array.isArray(v) && v.every((n) => typeof n === "number");
  const problem = !Array.isArray(o.nodes)
    ? "no nodes array"
    : !o.nodes.every(isNode)
    ? "a node without a numeric id and a call frame"
    : !numbers(o.samples)
    ? "no samples array of node ids"
    : !numbers(o.timeDeltas)
    ? "no timeDeltas array of numbers"
    : typeof o.startTime !== "number" || typeof o.endTime !== "number"
    ? "no numeric startTime and endTime"
    : null;
  if (problem) throw new Error(`not a V8 CPU profile (.cpuprofile): ${problem}`);
  return o as unknown as CpuProfile;
}

function isNode(n: unknown): boolean {
  if (typeof n !== "object" || n === null) return false;
  const { id, callFrame: cf, children } = n as Record<string, unknown>;
  if (typeof id !== "number" || typeof cf !== "object" || cf === null) return false;
  const { functionName, url, lineNumber } = cf as Record<string, unknown>;
  return typeof functionName === "string" && typeof url === "string" &&
    typeof lineNumber === "number" &&
    (children === undefined ||
      (Array.isArray(children) && children.every((c) => typeof c === "number")));
}

/**
 * Self and inclusive time per function; recursion is counted once per sample. A parent chain
 * that loops (a damaged profile) is followed no further than there are nodes.
 */
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
    for (let depth = 0; id !== undefined && depth < p.nodes.length; depth++) {
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

const USAGE = `Usage: deno run --allow-read bench/profile_summary.ts [options] <profile>...

Prints, for each V8 .cpuprofile (from deno run --cpu-prof), the functions with the most self time
and the most total time, as Markdown tables.

Options:
  --top N          rows per table (default 20)
  --root PREFIX    path prefix to leave out of file names (for example "$PWD/")
  -h, --help       this text

Exit codes: 0 every profile summarised, 1 a profile could not be read (named), 2 a usage error.`;

/**
 * The command line (see {@link USAGE}); returns the exit code. A profile that cannot be read or
 * is not a CPU profile is named on stderr and the others are still summarised.
 *
 * @example
 * ```ts
 * Deno.exit(await main(["--top", "25", "/tmp/prof/CPU.1.cpuprofile"]));
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const parsed = toolArgs(args, {
    top: { type: "string" },
    root: { type: "string" },
  }, USAGE);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const top = numberFlag("--top", values.top, 20, { integer: true });
  if (positionals.length === 0) throw new UsageError("Which profile? (missing <profile>)");
  let failed = 0;
  for (const path of positionals) {
    let p: CpuProfile;
    try {
      const text = await Deno.readTextFile(path);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        // V8 quotes the start of the text, which may hold line breaks.
        throw new Error(`not JSON (${(e as Error).message.replace(/\s+/g, " ")})`);
      }
      p = asCpuProfile(json);
    } catch (e) {
      console.error(`error: cannot summarise "${path}": ${errText(e)}`);
      failed++;
      continue;
    }
    const rows = summarize(p, values.root ?? "");
    const span = p.endTime - p.startTime;
    const pct = (us: number) => (span > 0 ? ((100 * us) / span).toFixed(1) : "–");
    console.log(`### ${path}\n\nProfile span ${(span / 1000).toFixed(0)} ms\n`);
    for (const [title, key] of [["Self time", "selfUs"], ["Total time", "totalUs"]] as const) {
      console.log(`| ${title} ms | % | Function |\n|---:|---:|---|`);
      for (const r of [...rows].sort((a, b) => b[key] - a[key]).slice(0, top)) {
        console.log(`| ${(r[key] / 1000).toFixed(0)} | ${pct(r[key])} | \`${r.name}\` |`);
      }
      console.log("");
    }
  }
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await runTool(USAGE, main));
