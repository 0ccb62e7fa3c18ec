/**
 * Each command gives up, before it runs, the permissions it does not need.
 *
 * A compiled binary has one fixed permission set for all its commands (read, write, net and the
 * environment variable `SOURCE_DATE_EPOCH`), so without this `analyze` could reach the network
 * and `disagg` could read any file. A revoked permission comes back only if the user says yes to
 * Deno's prompt, which `deno run` shows on a terminal and the program never triggers.
 *
 * Write cannot be narrowed to the output directory at run time: revoking one path under a
 * global write grant leaves the global grant as it was.
 * @module
 */

/** Every name of `Deno.PermissionName`. */
const ALL: readonly Deno.PermissionName[] = [
  "read",
  "write",
  "net",
  "env",
  "sys",
  "run",
  "ffi",
];

/** What each command keeps; `analyze` writes the reports, `disagg` appends its `--timeline`. */
export const COMMAND_PERMISSIONS = {
  analyze: ["read", "write", "env"],
  disagg: ["net", "write"],
  none: [],
} as const satisfies Record<string, readonly Deno.PermissionName[]>;

/** Revokes every permission not in `keep`, with all the paths, hosts or names it was granted for. */
export function keepOnly(keep: readonly Deno.PermissionName[]): void {
  for (const name of ALL) if (!keep.includes(name)) Deno.permissions.revokeSync({ name });
}
