import { deepStrictEqual, ok } from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PIPELINE_CODES, RULES, ruleTableMarkdown } from "./mod.ts";

const DIR = fileURLToPath(new URL(".", import.meta.url));
const README = fileURLToPath(new URL("../README.md", import.meta.url));
const START = "<!-- finding-codes:start -->";
const END = "<!-- finding-codes:end -->";

/** Rule files: `rules/*.ts` except `mod.ts`, private `_*.ts` helpers and tests. */
function ruleFiles(): string[] {
  return readdirSync(DIR)
    .filter((f) =>
      f.endsWith(".ts") && f !== "mod.ts" && !f.startsWith("_") && !f.endsWith("_test.ts")
    )
    .map((f) => f.slice(0, -3))
    .sort();
}

Deno.test("rules registry: codes are unique, sorted and equal the file names", () => {
  const codes = RULES.map((r) => r.code);
  deepStrictEqual(new Set(codes).size, codes.length);
  deepStrictEqual(codes, [...codes].sort());
  deepStrictEqual(codes, ruleFiles());
});

Deno.test("rules registry: every rule has docs, a summary, numeric defaults and a test file", () => {
  const files = new Set(readdirSync(DIR));
  for (const r of RULES) {
    for (const [k, v] of Object.entries({ summary: r.summary, ...r.docs })) {
      ok(v.trim().length > 20, `${r.code}: ${k} is missing`);
    }
    for (const [k, v] of Object.entries(r.defaults)) {
      ok(Number.isFinite(v), `${r.code}.${k} is not finite`);
    }
    ok(files.has(`${r.code}_test.ts`), `${r.code}_test.ts is missing`);
    ok(
      !(r.severities ?? []).length || r.severities!.includes(r.severity),
      `${r.code}: severity not listed`,
    );
  }
});

Deno.test("rules registry: docs never tell users to change a serving flag", () => {
  for (const r of RULES) {
    const text = [r.summary, r.docs.why, r.docs.confirm, r.docs.next].join(" ");
    ok(
      !/\b(set|increase|decrease|raise|lower|enable|disable|change|tune)\s+(the\s+)?(--|flag|gpu-memory|max-num|kv_)/i
        .test(text),
      r.code,
    );
    ok(!/--[a-z]/.test(text), `${r.code} mentions a command-line flag`);
  }
});

Deno.test("rules registry: pipeline codes are distinct from rule codes and documented", () => {
  const rules = new Set(RULES.map((r) => r.code));
  for (const p of PIPELINE_CODES) {
    ok(!rules.has(p.code), p.code);
    ok(p.summary.length > 20 && p.severities.length > 0, p.code);
  }
  const table = ruleTableMarkdown();
  for (const code of [...rules, ...PIPELINE_CODES.map((p) => p.code)]) {
    ok(table.includes(`| \`${code}\` |`), code);
  }
  ok(table.includes("`ratio_warning=2`"));
});

Deno.test("README finding-code table equals ruleTableMarkdown()", () => {
  ok(existsSync(README), "README.md is missing");
  const text = readFileSync(README, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  ok(start >= 0 && end > start, `README.md lacks the ${START} … ${END} markers`);
  // `deno fmt` pads Markdown table cells; compare cell contents, not padding.
  deepStrictEqual(
    tableCells(text.slice(start + START.length, end)),
    tableCells(ruleTableMarkdown()),
  );
});

/** Rows of a Markdown table as trimmed cells, with `---` rules normalised. */
function tableCells(table: string): string[][] {
  return table.trim().split("\n").map((line) =>
    line.trim().replace(/^\||\|$/g, "").split(/(?<!\\)\|/).map((c) => {
      const cell = c.trim();
      return /^-+$/.test(cell) ? "---" : cell;
    })
  );
}
