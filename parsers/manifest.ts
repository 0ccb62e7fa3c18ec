/**
 * Campaign `manifest.json`: which cells a campaign expected and whether a live timeline was
 * expected beside them.
 *
 * Shape (every key optional except one of `expected_cells`/`cells`/`timeline_expected`):
 * `{"expected_cells": [{"path": "rel/dir", "concurrency": 64, "model": "gptoss"} | "rel/dir"],
 *   "timeline_expected": true}`. An entry is satisfied by a cell whose artifacts live at or under
 * `path` and whose identity agrees with every identity key the entry names.
 * @module
 */
import { boolish, isRecord, num, str } from "../lib/coerce.ts";
import { normalizeHardware } from "../lib/names.ts";
import {
  type CampaignManifest,
  type ExpectedCell,
  IDENTITY_FIELDS,
  TOPOLOGY_KEYS,
} from "../lib/types.ts";

export type { CampaignManifest, ExpectedCell };

/** Identity fields a cell holds as booleans (the other identity fields: text or numbers). */
const BOOLEAN_KEYS: ReadonlySet<string> = new Set([
  "disagg",
  "is_multinode",
  "dp_attention",
  "prefill_dp_attention",
  "decode_dp_attention",
]);

/** Identity fields a cell holds as numbers. */
const NUMBER_KEYS: ReadonlySet<string> = new Set(["isl", "osl", "concurrency"]);

/** Every identity field of a cell, which an expected entry may name. */
const IDENTITY_KEYS: ReadonlySet<string> = new Set(IDENTITY_FIELDS);

/** Other names of match keys, as InferenceX spells them. */
const ALIASES: Readonly<Record<string, string>> = { hw: "hardware", conc: "concurrency" };

/** Keys of an entry that describe it and are not matched on. */
const DESCRIPTIVE_KEYS: ReadonlySet<string> = new Set([
  "path",
  "name",
  "label",
  "note",
  "notes",
  "comment",
  "description",
]);

/** Whether a JSON value looks like a campaign manifest (and not, e.g., a power manifest). */
export function isCampaignManifest(value: unknown): boolean {
  return isRecord(value) &&
    (Array.isArray(value.expected_cells) || Array.isArray(value.cells) ||
      "timeline_expected" in value);
}

/** Parse a campaign manifest; entries it cannot use become issues. */
export function parseManifest(
  value: unknown,
): { manifest: CampaignManifest | null; issues: { line: null; message: string }[] } {
  if (!isCampaignManifest(value) || !isRecord(value)) {
    return {
      manifest: null,
      issues: [{
        line: null,
        message: "Expected an object with expected_cells or timeline_expected",
      }],
    };
  }
  const issues: { line: null; message: string }[] = [];
  const list = Array.isArray(value.expected_cells)
    ? value.expected_cells
    : Array.isArray(value.cells)
    ? value.cells
    : [];
  const expected: ExpectedCell[] = [];
  list.forEach((entry: unknown, index: number) => {
    if (typeof entry === "string") {
      expected.push({ index, path: normalizeRel(entry), match: {} });
      return;
    }
    if (!isRecord(entry)) {
      issues.push({
        line: null,
        message: `Expected cell ${index} is neither a path nor an object`,
      });
      return;
    }
    const match: Record<string, string | number | boolean> = {};
    const ignored = (key: string, why: string) =>
      issues.push({
        line: null,
        message: `Expected cell ${index}: ${key} ${why}; that key is ignored`,
      });
    for (const [given, raw] of Object.entries(entry)) {
      if (DESCRIPTIVE_KEYS.has(given)) continue;
      const key = Object.hasOwn(ALIASES, given) ? ALIASES[given] : given;
      if (raw === undefined || raw === null) continue;
      const canonical = key === given ? null : entry[key];
      if (canonical !== undefined && canonical !== null) {
        // `hw` beside `hardware`: the latter is matched; the alias only has to agree with it.
        const same = (x: unknown) => {
          const t = String(x).trim().toLowerCase();
          return key === "hardware" ? normalizeHardware(t) ?? t : t;
        };
        if (same(raw) !== same(canonical)) {
          ignored(
            `${given} ${JSON.stringify(raw)}`,
            `disagrees with ${key} ${JSON.stringify(canonical)}`,
          );
        }
        continue;
      }
      const kind = BOOLEAN_KEYS.has(key)
        ? "a boolean"
        : NUMBER_KEYS.has(key) || TOPOLOGY_KEYS.has(key)
        ? "a number"
        : IDENTITY_KEYS.has(key)
        ? "text"
        : null;
      if (kind === null) {
        ignored(JSON.stringify(given), "is not a cell field inferguard matches on");
        continue;
      }
      // Cells hold isl, osl, concurrency and topology as numbers, flags as booleans and the rest
      // as text: "4" must match 4, "true" must match true.
      const v = kind === "a number"
        ? num(raw)
        : kind === "a boolean"
        ? boolish(raw)
        : typeof raw === "number"
        ? String(raw)
        : str(raw);
      if (v === null) {
        ignored(`${key} ${JSON.stringify(raw)}`, `is not ${kind}`);
        continue;
      }
      // A cell's hardware is normalized (`mi355x-disagg` → `mi355x`, reference §4.2): so is the
      // label it is expected under, else a present cell would be reported missing.
      match[key] = key === "hardware" && typeof v === "string" ? normalizeHardware(v) ?? v : v;
    }
    const path = str(entry.path);
    if (path === null && Object.keys(match).length === 0) {
      issues.push({ line: null, message: `Expected cell ${index} names no path and no identity` });
      return;
    }
    expected.push({ index, path: path === null ? null : normalizeRel(path), match });
  });
  return {
    manifest: {
      expected_cells: expected,
      timeline_expected: boolish(value.timeline_expected) ?? false,
    },
    issues,
  };
}

function normalizeRel(p: string): string {
  const rel = p.replace(/\\/g, "/").replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  return rel === "." ? "" : rel;
}
