/**
 * The command lines of the bench tools: options parsed strictly, and bad input reported in one
 * line with the tool's usage, never as a stack trace. Exit codes: 0 done, 1 a failure while
 * working (named), 2 a usage error.
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { argsMessage, UsageError } from "../lib/io/cli_args.ts";
import { errText } from "../lib/io/walk.ts";

/**
 * What `parse` returns; whatever it throws (`node:util`'s `parseArgs` throws a `TypeError` for an
 * unknown option or a missing value) becomes a usage error with the same message.
 *
 * @example
 * ```ts
 * import { parseArgs } from "node:util";
 * const { values } = strictArgs(() => parseArgs({ args: ["--quick"], options: { quick: { type: "boolean" } } }));
 * ```
 */
export function strictArgs<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError(argsMessage(e));
  }
}

/**
 * A tool's options, parsed strictly ({@link strictArgs}) with `-h, --help` added; `null` once the
 * usage is printed because help was asked for.
 *
 * @example
 * ```ts
 * const parsed = toolArgs(args, { top: { type: "string" } }, USAGE);
 * if (!parsed) return 0;
 * const { values, positionals } = parsed;
 * ```
 */
export function toolArgs<const O extends ParseArgsOptionsConfig>(
  args: string[],
  options: O,
  usage: string,
  { positionals = true }: { positionals?: boolean } = {},
) {
  const parsed = strictArgs(() =>
    parseArgs({
      args,
      allowPositionals: positionals,
      options: { ...options, help: { type: "boolean", short: "h" } } as const,
    })
  );
  if (!(parsed.values as { help?: boolean }).help) return parsed;
  console.log(usage);
  return null;
}

/** Where {@link runTool} writes its messages (tests pass their own). */
export type Print = (line: string) => void;

/**
 * Run a tool's `main` and return its exit code: what `main` returns, 2 with the message and the
 * usage when it throws a {@link UsageError}, 1 with the message when it throws anything else.
 *
 * @example
 * ```ts
 * if (import.meta.main) Deno.exit(await runTool(USAGE, main));
 * ```
 */
export async function runTool(
  usage: string,
  main: (args: string[]) => Promise<number> | number,
  args: string[] = Deno.args,
  print: Print = console.error,
): Promise<number> {
  try {
    return await main(args);
  } catch (e) {
    if (e instanceof UsageError) {
      print(`error: ${e.message}\n\n${usage}`);
      return 2;
    }
    print(`error: ${errText(e)}`);
    return 1;
  }
}
