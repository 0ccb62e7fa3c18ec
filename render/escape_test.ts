import assert from "node:assert/strict";
import fc from "fast-check";
import { codeSpan, escapeMd } from "./escape.ts";

/** `|` that would split a table cell: not preceded by an escaping backslash. */
function unescapedPipes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === "|") n++;
  }
  return n;
}

Deno.test("escapeMd: pipes, HTML, newlines and Markdown punctuation", () => {
  assert.equal(escapeMd("a|b\n<script>"), "a\\|b &lt;script&gt;");
  assert.equal(escapeMd("x\r\ny"), "x  y");
  assert.equal(escapeMd("a\u2028b\u2029c\u0000d\u007fe\tf"), "a b c d e f");
  assert.equal(escapeMd("R&D"), "R&amp;D");
  assert.equal(escapeMd("back\\slash"), "back\\\\slash");
  assert.equal(
    escapeMd("`code` *b* _i_ [l](u) #h ~s~"),
    "\\`code\\` \\*b\\* \\_i\\_ \\[l\\](u) \\#h \\~s\\~",
  );
  assert.equal(escapeMd(null), "");
  assert.equal(escapeMd(undefined), "");
  assert.equal(escapeMd(0.5), "0.5");
  assert.equal(escapeMd("模型 ü"), "模型 ü");
  // GitHub renders `$…$` as math: a `$` from an input is escaped.
  assert.equal(escapeMd("cost $5 and $x$"), "cost \\$5 and \\$x\\$");
});

Deno.test("escapeMd (property): no line break, no raw '<', no unescaped '|' survives", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (s) => {
      const out = escapeMd(s);
      assert.ok(!/[\n\r\u2028\u2029]/.test(out));
      assert.ok(!out.includes("<") && !out.includes(">"));
      assert.equal(unescapedPipes(out), 0);
    }),
    { numRuns: 500 },
  );
});

Deno.test("escapeMd: a trailing backslash cannot escape the table's own separator", () => {
  const cell = escapeMd("ends with \\");
  assert.equal(unescapedPipes(`| ${cell} | next |`), 3);
});

/**
 * What a GFM renderer shows for one table cell or inline text holding exactly `md`: a code span's
 * content (fence and one padding space each side removed, `\\|` unescaped in tables), or the
 * text with backslash escapes and the three entities resolved. Enough for what codeSpan writes.
 */
function shown(md: string, inTable: boolean): string {
  const cell = inTable ? md.replaceAll("\\|", "|") : md; // GFM removes the `\\` of `\\|` first
  const fence = /^`+/.exec(cell)?.[0];
  if (fence) {
    assert.ok(cell.endsWith(fence) && cell.length >= 2 * fence.length, `unclosed span: ${md}`);
    let inner = cell.slice(fence.length, cell.length - fence.length);
    assert.ok(!new RegExp(`(^|[^\`])${fence}($|[^\`])`).test(inner), `fence inside: ${md}`);
    if (inner.startsWith(" ") && inner.endsWith(" ") && /[^ ]/.test(inner)) {
      inner = inner.slice(1, -1);
    }
    return inner;
  }
  return cell.replace(
    /\\(.)|&(lt|gt|amp|#32);/g,
    (_, ch, ent) =>
      ch ?? ({ lt: "<", gt: ">", amp: "&", "#32": " " } as Record<string, string>)[ent],
  );
}

/** `|` a GFM table splits on: not preceded by a backslash. */
function gfmPipes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s[i] === "|" && s[i - 1] !== "\\") n++;
  return n;
}

Deno.test("codeSpan: paths are shown verbatim, in prose and in tables", () => {
  const cases: { name: string; text: string; inTable?: boolean; want: string }[] = [
    // Quiet: nothing to do.
    { name: "plain id", text: "dsr1_1024-1024_c4", want: "`dsr1_1024-1024_c4`" },
    { name: "plain id in a table", text: "a/b.json", inTable: true, want: "`a/b.json`" },
    // Firing.
    { name: "pipe in prose stays", text: "a|b", want: "`a|b`" },
    {
      name: "pipe in a table",
      text: "weird dir|x/f.json",
      inTable: true,
      want: "`weird dir\\|x/f.json`",
    },
    { name: "backtick: longer fence", text: "a`b", want: "``a`b``" },
    { name: "backtick run of 2", text: "a``b", want: "```a``b```" },
    { name: "leading backtick: padded", text: "`x", want: "`` `x ``" },
    { name: "trailing backtick: padded", text: "x`", want: "`` x` ``" },
    { name: "spaces both ends: padded", text: " x ", want: "`  x  `" },
    { name: "only spaces: not padded", text: "  ", want: "`  `" },
    { name: "newline becomes a space", text: "a\nb", want: "`a b`" },
    { name: "markdown punctuation kept", text: "*_[x](y)#~$", want: "`*_[x](y)#~$`" },
    { name: "empty", text: "", want: "` `" },
    // Fallbacks to escaped text: `<`/`>` never reach the file raw; `\\|` in a table is ambiguous.
    { name: "html", text: "<script>.json", want: "&lt;script&gt;.json" },
    { name: "backslash pipe in a table", text: "a\\|b", inTable: true, want: "a\\\\\\|b" },
    { name: "backslash pipe in prose", text: "a\\|b", want: "`a\\|b`" },
  ];
  for (const c of cases) {
    const got = codeSpan(c.text, { inTable: c.inTable });
    assert.equal(got, c.want, c.name);
    // deno-lint-ignore no-control-regex
    const expected = c.text.replace(/[\u0000-\u001f]/g, " ");
    assert.equal(shown(got, c.inTable ?? false), expected === "" ? " " : expected, c.name);
  }
});

Deno.test("codeSpan (property): one line, no raw HTML, table-safe, shows the text verbatim", () => {
  const special = fc.constantFrom(..."`|\\ <>*_$\n\ta模");
  const text = fc.oneof(
    fc.array(special, { minLength: 1 }).map((a) => a.join("")),
    fc.string({ unit: "binary", minLength: 1 }),
  );
  fc.assert(
    fc.property(text, fc.boolean(), (s, inTable) => {
      const out = codeSpan(s, { inTable });
      assert.ok(!/[\n\r\u2028\u2029<>]/.test(out));
      if (inTable) assert.equal(gfmPipes(out), 0);
      // deno-lint-ignore no-control-regex
      assert.equal(shown(out, inTable), s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, " "));
    }),
    { numRuns: 1000 },
  );
});

/**
 * The escaping rules spelled out one code point at a time: the reference the fast paths match.
 * At the start, a space (or a control, which becomes one) is `&#32;`, a `-`, `+` or `=` gets a
 * backslash, and so does the `.`/`)` after one to nine leading digits when white space (or a
 * control) or the end follows.
 */
function escapeMdReference(text: string): string {
  const blank = (ch: string | undefined) => {
    if (ch === undefined) return false;
    const code = ch.codePointAt(0)!;
    return code <= 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029;
  };
  const chars = [...text];
  let digits = 0;
  while (digits < chars.length && chars[digits] >= "0" && chars[digits] <= "9") digits++;
  const marker = digits >= 1 && digits <= 9 && (chars[digits] === "." || chars[digits] === ")") &&
      (digits + 1 === chars.length || blank(chars[digits + 1]))
    ? digits
    : -1;
  let out = "";
  chars.forEach((ch, i) => {
    const code = ch.codePointAt(0)!;
    if (i === 0 && blank(ch)) out += "&#32;";
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += " ";
    else if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if (ch === "&") out += "&amp;";
    else if ("\\|`*_[]#~$".includes(ch)) out += "\\" + ch;
    else if (i === marker) out += "\\" + ch;
    else out += ch;
  });
  // A leading `-`/`+`/`=` is escaped only where the line would start a block: a bullet (`-`/`+`
  // then white space or nothing), a setext underline (only `-` or only `=`, then white space),
  // or a thematic break (three or more `-`, white space between and after).
  const first = out[0];
  const rest = out.slice(1);
  const stripped = out.replace(/[ \t]+$/, "");
  const bullet = (first === "-" || first === "+") &&
    (rest === "" || rest[0] === " " || rest[0] === "\t");
  const underline = (first === "-" || first === "=") && [...stripped].every((c) => c === first);
  const dashes = [...out].filter((c) => c === "-").length;
  const brk = first === "-" && dashes >= 3 &&
    [...out].every((c) => c === "-" || c === " " || c === "\t");
  if (bullet || underline || brk) return "\\" + out;
  return out;
}

Deno.test("escapeMd (property): equals the per-code-point reference rules", () => {
  // Strings drawn mostly from the special characters, plus any UTF-16 unit (lone surrogates too).
  const special = fc.constantFrom(
    ..."\u0000\u001f\u0020\u007f\u2028\u2029<>&\\|`*_[]#~$aé模-+=.)1\t",
  );
  const text = fc.oneof(
    fc.array(special).map((a) => a.join("")),
    fc.string({ unit: "binary" }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
  );
  fc.assert(
    fc.property(text, (s) => {
      assert.equal(escapeMd(s), escapeMdReference(s));
    }),
    { numRuns: 1000 },
  );
  assert.equal(escapeMd("plain text 1.5× — ok"), "plain text 1.5× — ok");
  assert.equal(codeSpan("dsr1_1024-1024_c4"), "`dsr1_1024-1024_c4`");
});

/**
 * Whether a line's text starts a CommonMark block other than a paragraph: indented code, a
 * bullet or ordered list item, an ATX heading, a block quote, a fence, HTML, a thematic break
 * or a setext underline. (The structural check a Markdown parser would make of a list item's
 * content; deno.json carries no Markdown parser, so the rules are spelled out here.)
 */
function startsBlock(line: string): boolean {
  return /^(?: {4}|\t| {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)| {0,3}(?:#{1,6}(?:[ \t]|$)|>|```|~~~|<|(?:[-*_][ \t]*){3,}$|=+[ \t]*$|-+[ \t]*$))/
    .test(line);
}

Deno.test("escapeMd: a value can start a line without starting a list, heading or code block", () => {
  const cases: { name: string; text: string; want: string }[] = [
    // Quiet: nothing at the start to neutralise.
    { name: "plain label", text: "gptoss · h100", want: "gptoss · h100" },
    { name: "version", text: "0.1.0", want: "0.1.0" },
    { name: "decimal", text: "1.5-flash", want: "1.5-flash" },
    { name: "ten digits: no list", text: "1234567890. x", want: "1234567890. x" },
    { name: "dash inside", text: "a-b", want: "a-b" },
    { name: "negative number", text: "-55.2 %", want: "-55.2 %" },
    { name: "signed gain", text: "+5 %", want: "+5 %" },
    { name: "equals first", text: "=x", want: "=x" },
    { name: "dash word", text: "-x", want: "-x" },
    // Firing.
    { name: "ordered list .", text: "1. evil", want: "1\\. evil" },
    { name: "ordered list )", text: "2) x", want: "2\\) x" },
    { name: "nine digits", text: "123456789. x", want: "123456789\\. x" },
    { name: "marker alone", text: "1.", want: "1\\." },
    { name: "bullet -", text: "- evil", want: "\\- evil" },
    { name: "bullet +", text: "+ evil", want: "\\+ evil" },
    { name: "bullet alone", text: "-", want: "\\-" },
    { name: "spaced break", text: "- - -", want: "\\- - -" },
    { name: "bullet * (escaped anywhere)", text: "* evil", want: "\\* evil" },
    { name: "indented code", text: "     code", want: "&#32;    code" },
    { name: "tab", text: "\tcode", want: "&#32;code" },
    { name: "newline first", text: "\n- x", want: "&#32;- x" },
    { name: "thematic break", text: "---", want: "\\---" },
    { name: "setext underline", text: "===", want: "\\===" },
    { name: "heading", text: "# h", want: "\\# h" },
    { name: "quote", text: "> q", want: "&gt; q" },
    { name: "fence", text: "```js", want: "\\`\\`\\`js" },
  ];
  for (const c of cases) {
    const got = escapeMd(c.text);
    assert.equal(got, c.want, c.name);
    assert.ok(!startsBlock(got), `${c.name}: ${got}`);
    // As a list item's content (`- ${label} — …`) it stays one paragraph.
    assert.ok(!startsBlock(`${got} — eval only`), c.name);
    // It still reads as the input once rendered: escapes and the space entity resolve back.
    const shownText = got.replace(
      /\\(.)|&(lt|gt|amp|#32);/g,
      (_, ch, ent) =>
        ch ?? ({ lt: "<", gt: ">", amp: "&", "#32": " " } as Record<string, string>)[ent],
    );
    // deno-lint-ignore no-control-regex
    assert.equal(shownText, c.text.replace(/[\u0000-\u001f]/g, " "), c.name);
  }
  // The checker itself fires on the raw inputs, so the assertions above are not vacuous.
  for (const raw of ["1. evil", "2) x", "- evil", "+ evil", "     code", "---", "===", "# h"]) {
    assert.ok(startsBlock(raw), raw);
  }
});

Deno.test("escapeMd (property): the escaped text never starts a block", () => {
  const special = fc.constantFrom(..." \t\n-+=*#>`~<_.)19a");
  fc.assert(
    fc.property(fc.array(special, { maxLength: 8 }).map((a) => a.join("")), (s) => {
      const out = escapeMd(s);
      assert.ok(!startsBlock(out), JSON.stringify([s, out]));
      assert.ok(!startsBlock(`${out} — eval only`), JSON.stringify([s, out]));
    }),
    { numRuns: 2000 },
  );
});
