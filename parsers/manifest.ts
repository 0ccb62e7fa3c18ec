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
import type { CampaignManifest, ExpectedCell } from "../lib/types.ts";

export type { CampaignManifest, ExpectedCell };

const MATCH_KEYS = [
  "hardware",
  "model",
  "framework",
  "precision",
  "isl",
  "osl",
  "concurrency",
  "offload_mode",
  "scenario_type",
] as const;

/** Identity keys a cell holds as numbers. */
const NUMERIC_KEYS: ReadonlySet<string> = new Set(["isl", "osl", "concurrency"]);

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
    for (const key of MATCH_KEYS) {
      const raw = key === "hardware"
        ? entry.hardware ?? entry.hw
        : entry[key] ?? (key === "concurrency" ? entry.conc : undefined);
      if (raw === undefined || raw === null) continue;
      // Cells hold isl, osl and concurrency as numbers and the rest as text: "4" must match 4.
      const v = NUMERIC_KEYS.has(key) ? num(raw) : typeof raw === "number" ? String(raw) : str(raw);
      if (v === null) {
        issues.push({
          line: null,
          message: `Expected cell ${index}: ${key} ${JSON.stringify(raw)} is not ${
            NUMERIC_KEYS.has(key) ? "a number" : "text"
          }; that key is ignored`,
        });
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
  return p.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/+$/, "");
}
