/**
 * Small text files of a run directory that carry identity and reproducibility facts:
 * `status.txt` (`SUCCESS`/`FAILED`) and `*_command.txt` (the exact command lines).
 * @module
 */
import type { ParseResult } from "../lib/types.ts";

const MAX_COMMAND_CHARS = 4096;

/** Facts of a `status.txt`. */
export function parseStatusText(text: string): ParseResult {
  const status = text.trim().split(/\s+/)[0] ?? "";
  const known = status === "SUCCESS" || status === "FAILED";
  return {
    drafts: [{
      source_format: "unknown",
      priority: 1,
      primary: false,
      identity: {},
      metrics: {},
      notes: { status_txt: known ? status : status.slice(0, 64) },
    }],
    issues: known ? [] : [{ line: 1, message: `Unexpected status "${status.slice(0, 64)}"` }],
    unreadable: false,
  };
}

/**
 * Facts of a `*_command.txt`: the command itself (for reproducibility), and what it says about
 * users and KV offload, which are the ground truth when directory names disagree.
 */
export function parseCommandText(name: string, text: string): ParseResult {
  const command = text.trim().replace(/\s+/g, " ").slice(0, MAX_COMMAND_CHARS);
  const notes: Record<string, unknown> = { [`command_${name}`]: command };
  const identity: ParseResult["drafts"][number]["identity"] = {};
  const users = command.match(/--start-users[ =](\d+)/);
  const issues: ParseResult["issues"] = [];
  if (users) {
    const n = Number(users[1]);
    notes.command_start_users = n;
    if (n >= 1 && Number.isSafeInteger(n)) identity.concurrency = n;
    else {
      issues.push({
        line: null,
        message: `--start-users ${users[1].slice(0, 24)} is not a concurrency; not used`,
      });
    }
  }
  const conc = command.match(/--(?:max-)?concurrency[ =](\d+)/);
  if (conc) notes.command_concurrency = Number(conc[1]);
  if (/^(vllm|sglang|server)/.test(name)) {
    notes.command_kv_offload =
      /--kv[_-]offloading[_-]backend|--kv[_-]transfer[_-]config|lmcache|--enable-hierarchical-cache/i
        .test(command);
    // A server command without any offload flag is the ground truth that offload was off.
    if (notes.command_kv_offload === false) identity.offload_mode = "none";
  }
  return {
    drafts: [{
      source_format: "unknown",
      priority: 1,
      primary: false,
      identity,
      metrics: {},
      notes,
    }],
    issues,
    unreadable: false,
  };
}
