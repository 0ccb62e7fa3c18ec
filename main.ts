/**
 * inferguard: read LLM-inference benchmark results and live P/D deployments, and report what
 * matters with exact evidence.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write --allow-env=SOURCE_DATE_EPOCH main.ts analyze testdata/sample
 * ```
 * @module
 */
import { VERSION } from "./lib/version.ts";
import { COMMAND_PERMISSIONS, keepOnly } from "./lib/io/permissions.ts";
import { printStdout, versionLine } from "./lib/io/cli_args.ts";

const USAGE = `inferguard ${VERSION}

Usage:
  inferguard analyze <results_dir> [OPTIONS]     write report.json and report.md for a results tree
  inferguard disagg status --prefill URL --decode URL [OPTIONS]
                                                 live status of a prefill/decode deployment
  inferguard schema                              print the JSON Schema of report.json
  inferguard --version | --help

Run "inferguard analyze --help" or "inferguard disagg status --help" for the options.`;

/** Usage text of `inferguard schema`. */
const SCHEMA_USAGE =
  `Usage: inferguard schema    print the JSON Schema of report.json (takes no options)`;

/** Dispatch a command line; returns the process exit code. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const err = (t: string) => void Deno.stderr.writeSync(new TextEncoder().encode(t));
  switch (command) {
    // Commands load their modules on demand, so `--help` and `--version` start instantly. Each
    // then gives up the permissions it does not need (after the import, which `deno run` checks).
    case "analyze": {
      const { runAnalyze } = await import("./lib/io/analyze_main.ts");
      keepOnly(COMMAND_PERMISSIONS.analyze);
      return await runAnalyze(rest);
    }
    case "disagg": {
      const { runDisagg } = await import("./lib/io/disagg_main.ts");
      // After the arguments are parsed and the timeline is opened (its last byte is read to tell
      // whether the previous run left a line cut short), before any endpoint is scraped.
      return await runDisagg(rest, { dropPermissions: () => keepOnly(COMMAND_PERMISSIONS.disagg) });
    }
    case "schema": {
      // No options but help: an unknown flag is bad usage (exit 3), as for every command.
      const extra = rest.find((a) => a !== "-h" && a !== "--help");
      if (extra !== undefined) {
        err(
          `inferguard schema: unknown argument "${extra}"; schema takes no arguments (allowed: -h, --help)\n${SCHEMA_USAGE}\n`,
        );
        return 3;
      }
      if (rest.length > 0) {
        keepOnly(COMMAND_PERMISSIONS.none);
        // Asked for, help is the output: on stdout, as for every command.
        printStdout(SCHEMA_USAGE + "\n", "inferguard schema");
        return 0;
      }
      const { reportJsonSchema } = await import("./lib/schema.ts");
      keepOnly(COMMAND_PERMISSIONS.none);
      // A reader that stops early is no error, another failure one line on stderr (as --json).
      printStdout(JSON.stringify(reportJsonSchema(), null, 2) + "\n", "inferguard schema");
      return 0;
    }
    case "--version":
    case "version":
      keepOnly(COMMAND_PERMISSIONS.none);
      printStdout(versionLine() + "\n", "inferguard");
      return 0;
    case "-h":
    case "--help":
    case "help":
      keepOnly(COMMAND_PERMISSIONS.none);
      printStdout(USAGE + "\n", "inferguard");
      return 0;
    case undefined:
      err(USAGE + "\n");
      return 3;
    default:
      err(
        `inferguard: unknown command "${command}"; allowed: analyze, disagg, schema, --version, --help\n`,
      );
      return 3;
  }
}

if (import.meta.main) {
  let code = 3;
  try {
    code = await main(Deno.args);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
    Deno.stderr.writeSync(new TextEncoder().encode(`inferguard: internal error: ${msg}\n`));
  }
  Deno.exit(code);
}
