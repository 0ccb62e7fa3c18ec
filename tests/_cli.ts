/**
 * Spawning the real `main.ts` entry point for process-level tests.
 * @module
 */
import { fileURLToPath } from "node:url";

/** Absolute path of the repository's `main.ts`. */
export const MAIN_TS: string = fileURLToPath(new URL("../main.ts", import.meta.url));

/** Exit code, stdout and stderr of one run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** The few host variables Deno needs to find its cache; nothing else (no SOURCE_DATE_EPOCH). */
function baseEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"]) {
    const v = Deno.env.get(name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * Run `deno run --allow-read --allow-write --allow-env main.ts <args>` and collect its output.
 *
 * @example
 * ```ts
 * const r = await runCli(["analyze", "results", "--quiet"]);
 * ```
 */
export async function runCli(args: string[], opts: RunCliOptions = {}): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", MAIN_TS, ...args],
    cwd: opts.cwd,
    env: { ...baseEnv(), NO_COLOR: "1", ...(opts.env ?? {}) },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
