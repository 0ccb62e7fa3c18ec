/**
 * Shared validation of command-line values: every usage error names the flag and what it allows.
 * @module
 */

/** A usage error: the command exits 3 with this message. */
export class UsageError extends Error {}

/**
 * The value if it is one of `allowed`, else a usage error naming the flag and the allowed values.
 *
 * @example
 * ```ts
 * oneOf("--format", "md", ["json", "md", "both"] as const); // "md"
 * ```
 */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(
      `Invalid value "${value}" for ${flag}; allowed values: ${allowed.join(", ")}`,
    );
  }
  return value as T;
}
