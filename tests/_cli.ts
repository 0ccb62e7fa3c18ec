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

/**
 * Resolves once a thread of `child` waits in the kernel for the other end of a FIFO
 * (`wait_for_partner`, Linux): the open of a FIFO with no writer (or reader) has been reached.
 * Rejects if the child exits first, or after `timeoutMs`. `/proc` is read through `sh`, as Deno
 * grants `/proc` paths only with `--allow-all`; `wchan` needs no ptrace rights.
 */
export async function waitForFifoOpen(child: Deno.ChildProcess, timeoutMs = 20_000): Promise<void> {
  let exited: Deno.CommandStatus | null = null;
  child.status.then((s) => exited = s);
  const script = 'cat /proc/"$1"/task/*/wchan 2>/dev/null; echo';
  const until = Date.now() + timeoutMs;
  let seen = "";
  while (Date.now() < until) {
    if (exited !== null) {
      throw new Error(`process ${child.pid} exited (${JSON.stringify(exited)}) before the open`);
    }
    const out = await new Deno.Command("sh", {
      args: ["-c", script, "sh", String(child.pid)],
      stdout: "piped",
      stderr: "null",
    }).output();
    seen = new TextDecoder().decode(out.stdout);
    if (seen.includes("wait_for_partner")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `process ${child.pid} did not reach a FIFO open within ${timeoutMs} ms (${seen})`,
  );
}
