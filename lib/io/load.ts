/**
 * Reading and parsing every discovered artifact, with bounded parallelism. Each file is read
 * once; JSON is parsed once and then recognised by its shape; big CSV/JSONL files are streamed.
 * @module
 */
import { kindFromJson } from "../sniff.ts";
import { type ArtifactKind, type ArtifactRef, overlongLine, type ParseResult } from "../types.ts";
import { type LoadedArtifact, PARSERS } from "../../parsers/mod.ts";
import { byteChunks, readTextSync, textLines } from "./read.ts";
import { errText, type WalkedFile } from "./walk.ts";

/** Limits that keep one hostile file from exhausting memory. */
export interface LoadLimits {
  /** Largest JSON document read whole, in bytes. */
  maxJsonBytes: number;
  /** Longest line in a JSONL file, in bytes. */
  maxLineBytes: number;
  /** Largest small text file (status, command) read whole, in bytes. */
  maxTextBytes: number;
  /** Deepest nesting of arrays/objects accepted in a JSON document. */
  maxJsonDepth: number;
  /** Files read at once. */
  parallel: number;
}

/** Default limits (documented in the README). */
export const DEFAULT_LIMITS: LoadLimits = {
  maxJsonBytes: 256 * 1024 * 1024,
  maxLineBytes: 64 * 1024 * 1024,
  maxTextBytes: 1024 * 1024,
  maxJsonDepth: 1000,
  parallel: 8,
};

function unreadable(message: string): ParseResult {
  return { drafts: [], issues: [{ line: null, message }], unreadable: true };
}

/**
 * Whether the loader reads files of this kind whole, and so learns their size without a `stat`:
 * pass it to the walk as `sizeFromRead`.
 */
export function readsWhole(kind: ArtifactKind): boolean {
  if (kind === "json_other" || kind === "eval_meta" || kind === "aiperf_profile") return true;
  return PARSERS[kind]?.input === "text";
}

/**
 * Read and parse one artifact. Never throws: failures come back as an unreadable result. A
 * reference without a size (see {@link readsWhole}) gets the size of what was read.
 */
export async function loadArtifact(
  root: string,
  file: ArtifactRef | WalkedFile,
  limits: LoadLimits,
): Promise<LoadedArtifact> {
  const abs = `${root}/${file.path}`;
  let ref: ArtifactRef = file.size === null ? { ...file, size: 0 } : file as ArtifactRef;
  try {
    if (ref.kind === "json_other" || ref.kind === "eval_meta" || ref.kind === "aiperf_profile") {
      const text = readTextSync(abs, limits.maxJsonBytes);
      ref = sized(file, text.size ?? statSize(abs));
      if (!text.ok) return { ref, result: unreadable(`Cannot read: ${text.message}`) };
      const depth = jsonDepthOver(text.text, limits.maxJsonDepth);
      if (depth !== null) {
        return {
          ref,
          result: unreadable(
            `JSON nested deeper than ${limits.maxJsonDepth} levels (at byte ${depth}); not parsed`,
          ),
        };
      }
      let value: unknown;
      try {
        value = JSON.parse(text.text);
      } catch (e) {
        return { ref, result: unreadable(`Invalid JSON: ${errText(e)}`) };
      }
      const kind: ArtifactKind = ref.kind === "json_other"
        ? kindFromJson(ref.path, value)
        : ref.kind;
      const refined = kind === ref.kind ? ref : { ...ref, kind };
      if (kind === "json_other") {
        const named = kindNamedBy(ref.path);
        if (named !== null) {
          return {
            ref: refined,
            result: unreadable(`Named like ${named} but the content has none of its fields`),
          };
        }
      }
      const parser = PARSERS[kind];
      if (!parser || parser.input !== "json") return { ref: refined, result: null };
      return { ...(await parser.parse(value, ref.path)), ref: refined };
    }
    const parser = PARSERS[ref.kind];
    if (!parser) return { ref, result: null };
    if (parser.input === "bytes") {
      return { ...(await parser.parse(byteChunks(abs), ref.path)), ref };
    }
    if (parser.input === "lines") {
      return { ...(await parser.parse(jsonLines(abs, limits.maxLineBytes), ref.path)), ref };
    }
    if (parser.input === "text") {
      const limit = ref.kind === "aiperf_server_metrics"
        ? limits.maxJsonBytes
        : limits.maxTextBytes;
      const text = readTextSync(abs, limit);
      ref = sized(file, text.size ?? statSize(abs));
      if (!text.ok) return { ref, result: unreadable(`Cannot read: ${text.message}`) };
      return { ...(await parser.parse(text.text, ref.path)), ref };
    }
    return { ref, result: null };
  } catch (e) {
    return { ref, result: unreadable(`Cannot read: ${errText(e)}`) };
  }
}

/** The reference with its size: the walk's when it has one, else what reading found. */
function sized(file: ArtifactRef | WalkedFile, readSize: number): ArtifactRef {
  return file.size === null
    ? { path: file.path, kind: file.kind, size: readSize }
    : file as ArtifactRef;
}

/** Size of a file that could not be opened or read (0 when even `stat` fails). */
function statSize(abs: string): number {
  try {
    return Deno.statSync(abs).size;
  } catch {
    return 0;
  }
}

/**
 * Where JSON text first nests deeper than `max` arrays/objects (outside strings), or `null`.
 * One pass over the text; it keeps hostile documents away from any recursive code downstream.
 */
export function jsonDepthOver(text: string, max: number): number | null {
  // Nesting deeper than `max` needs more than `max` opening brackets: count them first with
  // native searches (almost every document stops here) before the character-by-character pass.
  if (text.length <= max || countOf(text, "{", max) + countOf(text, "[", max) <= max) return null;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return null;
}

/** How many times `ch` occurs in `text`, counting no further than `limit + 1`. */
function countOf(text: string, ch: string, limit: number): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1 && n <= limit; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/** The artifact a JSON file's name promises, for names that are never anything else. */
function kindNamedBy(path: string): string | null {
  const base = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (base.startsWith("agg_")) return "an agg record (agg_*.json)";
  if (base.startsWith("power_validation")) return "a power validation sidecar";
  if (/(^|_)concurrency_\d+_.*gpus_\d+/.test(base)) return "a multi-node raw result";
  if (base.startsWith("results_concurrency_")) return "a raw benchmark result";
  return null;
}

/** Lines of a text file; a line over the limit becomes a marker the parser reports. */
async function* jsonLines(abs: string, maxLineBytes: number): AsyncGenerator<string> {
  for await (const line of textLines(abs, maxLineBytes)) {
    yield line ?? overlongLine(maxLineBytes);
  }
}

/**
 * Load every artifact with at most `limits.parallel` files open at once; the result is in the
 * same order as `refs`.
 */
export async function loadAll(
  root: string,
  refs: readonly (ArtifactRef | WalkedFile)[],
  limits: LoadLimits = DEFAULT_LIMITS,
): Promise<LoadedArtifact[]> {
  const out = new Array<LoadedArtifact>(refs.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < refs.length) {
      const i = next++;
      out[i] = await loadArtifact(root, refs[i], limits);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limits.parallel, refs.length) }, worker));
  return out;
}
