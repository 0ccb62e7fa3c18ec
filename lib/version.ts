/**
 * The inferguard version, kept in a module of its own so `--version` and `--help` load nothing
 * else.
 * @module
 */

/** Version of inferguard, written into every report. */
export const VERSION = "0.1.0";
