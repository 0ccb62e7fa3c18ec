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
    /\\(.)|&(lt|gt|amp);/g,
    (_, ch, ent) => ch ?? ({ lt: "<", gt: ">", amp: "&" } as Record<string, string>)[ent],
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

/** The escaping rules spelled out one code point at a time: the reference the fast paths match. */
function escapeMdReference(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += " ";
    else if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if (ch === "&") out += "&amp;";
    else if ("\\|`*_[]#~$".includes(ch)) out += "\\" + ch;
    else out += ch;
  }
  return out;
}

Deno.test("escapeMd (property): equals the per-code-point reference rules", () => {
  // Strings drawn mostly from the special characters, plus any UTF-16 unit (lone surrogates too).
  const special = fc.constantFrom(..."\u0000\u001f\u0020\u007f\u2028\u2029<>&\\|`*_[]#~$aé模");
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
