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
 * Resolves once a thread of process `pid` is blocked in `openat` (Linux only): the process has
 * reached an open that waits, such as a FIFO with no writer. Rejects after `timeoutMs`. `/proc`
 * is read through `sh`: Deno grants `/proc` paths only with `--allow-all`.
 */
export async function waitForBlockedOpen(pid: number, timeoutMs = 20_000): Promise<void> {
  const openat = Deno.build.arch === "aarch64" ? "56" : "257";
  const script = 'for f in /proc/"$1"/task/*/syscall; do read -r n rest < "$f" && echo "$n"; done';
  const until = Date.now() + timeoutMs;
  let seen = "";
  let blocked = 0;
  while (Date.now() < until) {
    const out = await new Deno.Command("sh", {
      args: ["-c", script, "sh", String(pid)],
      stdout: "piped",
      stderr: "null",
    }).output();
    seen = new TextDecoder().decode(out.stdout).trim().split("\n").join(" ");
    // Seen on two polls in a row: a blocked open, not one of the quick opens of start-up.
    if (seen.split(" ").includes(openat)) {
      if (++blocked >= 2) return;
    } else blocked = 0;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process ${pid} did not block in openat within ${timeoutMs} ms (${seen})`);
}
