/**
 * `report.json`: the report as stable, indented JSON, produced in pieces so that a report of
 * tens of thousands of cells never has to exist as one string.
 * @module
 */
import type { Report } from "../lib/analyze.ts";

/** Top-level keys whose arrays are streamed element by element. */
const STREAMED: ReadonlySet<string> = new Set(["cells", "findings"]);

function indent(text: string, pad: string): string {
  return text.replace(/\n/g, "\n" + pad);
}

/** `JSON.stringify(value, null, 2)` of an array, element by element, nested at depth `pad`. */
function* arrayChunks(items: readonly unknown[], pad: string): Generator<string> {
  if (items.length === 0) {
    yield "[]";
    return;
  }
  const inner = pad + "  ";
  yield "[\n";
  for (let i = 0; i < items.length; i++) {
    const text = JSON.stringify(items[i], null, 2) ?? "null";
    yield inner + indent(text, inner) + (i + 1 < items.length ? ",\n" : "\n");
  }
  yield pad + "]";
}

/**
 * The report as JSON text in pieces; their concatenation is exactly
 * `JSON.stringify(report, null, 2) + "\n"` (two-space indentation, the report's fixed key order).
 *
 * @example
 * ```ts
 * const text = [...renderJsonChunks(report)].join("");
 * ```
 */
export function* renderJsonChunks(report: Report): Generator<string> {
  const entries = Object.entries(report).filter(([, v]) => v !== undefined);
  yield "{\n";
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i];
    yield `  ${JSON.stringify(key)}: `;
    if (key === "artifact_manifest" && value && typeof value === "object") {
      // The manifest's `discovered` list is as long as the tree: stream it too.
      const m = Object.entries(value as Record<string, unknown>);
      yield "{\n";
      for (let j = 0; j < m.length; j++) {
        const [k, v] = m[j];
        yield `    ${JSON.stringify(k)}: `;
        if (Array.isArray(v)) yield* arrayChunks(v, "    ");
        else yield indent(JSON.stringify(v, null, 2), "    ");
        yield j + 1 < m.length ? ",\n" : "\n";
      }
      yield "  }";
    } else if (STREAMED.has(key) && Array.isArray(value)) {
      yield* arrayChunks(value, "  ");
    } else {
      yield indent(JSON.stringify(value, null, 2), "  ");
    }
    yield i + 1 < entries.length ? ",\n" : "\n";
  }
  yield "}\n";
}

/**
 * Serialise the report with two-space indentation and a final newline. Key order is the
 * report's insertion order, which the analyzer keeps fixed, so equal reports give equal bytes.
 *
 * @example
 * ```ts
 * const text = renderJson(report);
 * ```
 */
export function renderJson(report: Report): string {
  return [...renderJsonChunks(report)].join("");
}
