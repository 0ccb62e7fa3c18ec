/**
 * Escaping values that come from input files before they reach Markdown.
 * @module
 */

// The control characters in these two classes are intended: they are what gets replaced.

/** Characters that are not plain text in Markdown, plus line breaks and other controls. */
// deno-lint-ignore no-control-regex
const MD_SPECIAL = /[\u0000-\u001f\u007f\u2028\u2029<>&\\|`*_[\]#~]/;
const MD_SPECIAL_ALL = new RegExp(MD_SPECIAL.source, "g");
/** What may not appear inside a code span: controls, and characters that end a span or cell. */
// deno-lint-ignore no-control-regex
const SPAN_SPECIAL = /[\u0000-\u001f\u007f\u2028\u2029`|<>]/;
const SPAN_SPECIAL_ALL = new RegExp(SPAN_SPECIAL.source, "g");

/**
 * Escape text for inline Markdown and table cells: `|`, backslashes, Markdown punctuation and
 * HTML are neutralised; newlines and other control characters become spaces.
 *
 * @example
 * ```ts
 * escapeMd("a|b\n<script>"); // "a\\|b &lt;script&gt;"
 * ```
 */
export function escapeMd(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  // Most values (ids, numbers, messages) need no escaping: return them as they are, without
  // building a copy. Every special character is a single UTF-16 unit, so matching units is
  // the same as matching code points.
  return MD_SPECIAL.test(text) ? text.replace(MD_SPECIAL_ALL, escapeMdChar) : text;
}

/** The replacement of one character matched by `MD_SPECIAL` (controls become a space). */
function escapeMdChar(ch: string): string {
  switch (ch) {
    case "<":
      return "&lt;";
    case ">":
      return "&gt;";
    case "&":
      return "&amp;";
    case "\\":
    case "|":
    case "`":
    case "*":
    case "_":
    case "[":
    case "]":
    case "#":
    case "~":
      return "\\" + ch;
    default:
      return " ";
  }
}

/** Escape text for use inside a Markdown code span (backticks become a safe look-alike). */
export function codeSpan(value: unknown): string {
  // Code spans cannot escape: replace the few characters that could break out of a span or a
  // table, or read as HTML to a careless renderer, with look-alikes; controls become spaces.
  const text = String(value ?? "");
  return "`" + (SPAN_SPECIAL.test(text) ? text.replace(SPAN_SPECIAL_ALL, spanChar) : text) + "`";
}

/** The look-alike of one character matched by `SPAN_SPECIAL` (controls become a space). */
function spanChar(ch: string): string {
  switch (ch) {
    case "`":
      return "ˋ";
    case "|":
      return "¦";
    case "<":
      return "‹";
    case ">":
      return "›";
    default:
      return " ";
  }
}
