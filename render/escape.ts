/**
 * Escaping values that come from input files before they reach Markdown.
 * @module
 */

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
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) {
      out += " ";
    } else if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if (ch === "&") out += "&amp;";
    else if ("\\|`*_[]#~".includes(ch)) out += "\\" + ch;
    else out += ch;
  }
  return out;
}

/** Escape text for use inside a Markdown code span (backticks become a safe look-alike). */
export function codeSpan(value: unknown): string {
  // Code spans cannot escape: replace the few characters that could break out of a span or a
  // table, or read as HTML to a careless renderer, with look-alikes.
  const text = escapeControl(String(value ?? "")).replace(/`/g, "ˋ").replace(/\|/g, "¦")
    .replace(/</g, "‹").replace(/>/g, "›");
  return "`" + text + "`";
}

function escapeControl(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029 ? " " : ch;
  }
  return out;
}
