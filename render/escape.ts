/**
 * Escaping values that come from input files before they reach Markdown.
 * @module
 */

// The control characters in these classes are intended: they are what gets replaced.

/** Characters that are not plain text in Markdown (or GitHub math), plus line breaks and controls. */
// deno-lint-ignore no-control-regex
const MD_SPECIAL = /[\u0000-\u001f\u007f\u2028\u2029<>&\\|`*_[\]#~$]/;
const MD_SPECIAL_ALL = new RegExp(MD_SPECIAL.source, "g");
/** Line breaks and other controls: a code span cannot hold them on one line, so they become spaces. */
// deno-lint-ignore no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f\u2028\u2029]/;
const CONTROLS_ALL = new RegExp(CONTROLS.source, "g");
/** Text a code span cannot show as itself: `<`/`>` (kept out of the file as raw HTML-looking text). */
const SPAN_FALLBACK = /[<>]/;

/**
 * What makes text at the start of a line a block instead of a paragraph, once `#`, `>`, `*`,
 * `_`, `` ` ``, `~`, `<`, `|` and `[` are escaped everywhere: white space (indented code, or
 * the content of a list item that becomes code); a `-` or `+` followed by white space or the end
 * of the value (bullet; the caller may write a space next); a value of only `-` or `=` (setext
 * underline) or of three or more `-` with spaces (thematic break); or up to nine digits and `.`
 * or `)` followed by white space or the end of the value (ordered list). `-55.2 %` and `+5 %`
 * are none of these and stay as they are.
 */
const LEADING_BLOCK =
  /^(?:[ \t]|[-+](?:[ \t]|$)|(?:-+|=+)[ \t]*$|(?:-[ \t]*){3,}$|\d{1,9}[.)](?:[ \t]|$))/;

/**
 * Escape text for inline Markdown and table cells: `|`, backslashes, Markdown punctuation, `$`
 * (GitHub math) and HTML are neutralised; newlines and other control characters become spaces.
 * The start is escaped too, so the text may begin a line (`- ${escapeMd(label)}`): a leading
 * bullet `-`/`+`, an underline or break of `-`/`=`, and the `.`/`)` of a leading `1.`/`2)` get
 * a backslash, and a leading space becomes `&#32;`. Rendered, the text reads exactly as the input (only controls are lost).
 *
 * @example
 * ```ts
 * escapeMd("a|b\n<script> $5"); // "a\\|b &lt;script&gt; \\$5"
 * escapeMd("1. evil"); // "1\\. evil"
 * ```
 */
export function escapeMd(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  // Most values (ids, numbers, messages) need no escaping: return them as they are, without
  // building a copy. Every special character is a single UTF-16 unit, so matching units is
  // the same as matching code points.
  const out = MD_SPECIAL.test(text) ? text.replace(MD_SPECIAL_ALL, escapeMdChar) : text;
  return LEADING_BLOCK.test(out) ? escapeStart(out) : out;
}

/** `out` (already escaped) with the block-starting construct at its start neutralised. */
function escapeStart(out: string): string {
  const first = out[0];
  if (first === " " || first === "\t") return `&#32;${out.slice(1)}`;
  if (first === "-" || first === "+" || first === "=") return `\\${out}`;
  const mark = out.search(/[.)]/);
  return `${out.slice(0, mark)}\\${out.slice(mark)}`;
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
    case "$":
      return "\\" + ch;
    default:
      return " ";
  }
}

/** Options of {@link codeSpan}. */
export interface CodeSpanOptions {
  /** The span goes into a table cell, where GFM needs every `|` written as `\|`. */
  inTable?: boolean;
}

/**
 * A Markdown code span showing `value` verbatim (GFM/CommonMark rules), so that paths and ids can
 * be copied from the rendered report: the fence is one backtick longer than the longest run of
 * backticks inside, padded with a space where the text starts or ends with a backtick or a
 * space; in a table, `|` is written `\|` (which GFM removes again inside code spans). Line breaks
 * and other controls become spaces. Text holding `<` or `>`, or (in a table) a backslash before
 * a `|`, cannot be shown verbatim in a span without raw HTML-looking text or an ambiguous
 * escape; it is written as escaped inline text instead ({@link escapeMd}), which renders the
 * same characters.
 *
 * @example
 * ```ts
 * codeSpan("a`b"); // "``a`b``"
 * codeSpan("x|y", { inTable: true }); // "`x\\|y`"
 * ```
 */
export function codeSpan(value: unknown, options: CodeSpanOptions = {}): string {
  let text = String(value ?? "");
  if (CONTROLS.test(text)) text = text.replace(CONTROLS_ALL, " ");
  if (SPAN_FALLBACK.test(text) || (options.inTable && text.includes("\\|"))) {
    return escapeMd(text);
  }
  if (text === "") return "` `";
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 0x60) {
      run++;
      if (run > longest) longest = run;
    } else run = 0;
  }
  const fence = "`".repeat(longest + 1);
  const pad = /[^ ]/.test(text) && (
      text.startsWith("`") || text.endsWith("`") || (text.startsWith(" ") && text.endsWith(" "))
    )
    ? " "
    : "";
  const body = options.inTable && text.includes("|") ? text.replaceAll("|", "\\|") : text;
  return fence + pad + body + pad + fence;
}
