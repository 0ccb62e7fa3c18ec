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
