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

Deno.test("codeSpan: one span, no inner backtick, pipe or line break", () => {
  assert.equal(codeSpan("a`b|c\nd"), "`aˋb¦c d`");
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (s) => {
      const out = codeSpan(s);
      assert.ok(out.startsWith("`") && out.endsWith("`"));
      const inner = out.slice(1, -1);
      assert.ok(!inner.includes("`") && !inner.includes("|"));
      assert.ok(!/[\n\r\u2028\u2029]/.test(inner));
    }),
    { numRuns: 500 },
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
    else if ("\\|`*_[]#~".includes(ch)) out += "\\" + ch;
    else out += ch;
  }
  return out;
}

function codeSpanReference(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += " ";
    else out += ({ "`": "ˋ", "|": "¦", "<": "‹", ">": "›" } as Record<string, string>)[ch] ?? ch;
  }
  return "`" + out + "`";
}

Deno.test("escapeMd and codeSpan (property): equal the per-code-point reference rules", () => {
  // Strings drawn mostly from the special characters, plus any UTF-16 unit (lone surrogates too).
  const special = fc.constantFrom(..."\u0000\u001f\u0020\u007f\u2028\u2029<>&\\|`*_[]#~aé模");
  const text = fc.oneof(
    fc.array(special).map((a) => a.join("")),
    fc.string({ unit: "binary" }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
  );
  fc.assert(
    fc.property(text, (s) => {
      assert.equal(escapeMd(s), escapeMdReference(s));
      assert.equal(codeSpan(s), codeSpanReference(s));
    }),
    { numRuns: 1000 },
  );
  assert.equal(escapeMd("plain text 1.5× — ok"), "plain text 1.5× — ok");
  assert.equal(codeSpan("dsr1_1024-1024_c4"), "`dsr1_1024-1024_c4`");
});
