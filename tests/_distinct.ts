/**
 * Copies of a test file that are not byte-for-byte copies: inferguard counts a measurement file
 * that repeats another's bytes once (lib/copies.ts), so a test that needs two cells from one
 * real file gives each copy its own trailing whitespace, which no parser sees.
 * @module
 */

let copies = 0;

/** Whitespace that no earlier call in this process returned: append it to a JSON text. */
export function distinctPadding(): string {
  return "\n" + " ".repeat(++copies);
}

/** Copy `from` to `to` (directories created as needed) with {@link distinctPadding} appended. */
export async function copyDistinct(from: string, to: string): Promise<void> {
  await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(to, (await Deno.readTextFile(from)) + distinctPadding());
}
