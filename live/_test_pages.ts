/**
 * Edit real `/metrics` captures by known amounts for tests: spread series over data-parallel or
 * replica labels, set or shift sample values. Pure text in, text out; every edit must hit at
 * least one sample, so a test never passes on a page it did not change.
 * @module
 */

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?(\s+)(\S+)(.*)$/;

/** Labels of a sample line's `{…}` text. */
function parseLabels(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (text ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    out[m[1]] = m[2];
  }
  return out;
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${v}"`).join(",")}}` : "";
}

/** Whether `labels` holds every pair of `match`. */
function matches(labels: Record<string, string>, match: Record<string, string>): boolean {
  return Object.entries(match).every(([k, v]) => labels[k] === v);
}

/**
 * Replace every sample line whose name passes `names` by one line per variant, each with the
 * variant's labels added (e.g. `[{tp_rank: "0"}, {tp_rank: "1"}]` for two TP replicas).
 */
export function spreadSeries(
  text: string,
  names: (name: string) => boolean,
  variants: readonly Record<string, string>[],
): string {
  let hit = 0;
  const out = text.split("\n").flatMap((line) => {
    const m = SAMPLE.exec(line);
    if (!m || line.startsWith("#") || !names(m[1])) return [line];
    hit++;
    const labels = parseLabels(m[2]);
    return variants.map((v) => `${m[1]}${formatLabels({ ...labels, ...v })}${m[3]}${m[4]}${m[5]}`);
  });
  if (hit === 0) throw new Error("spreadSeries: no sample matched");
  return out.join("\n");
}

/** Set every sample named `name` whose labels include `match` to `value(old)`. */
export function setSample(
  text: string,
  name: string,
  match: Record<string, string>,
  value: (old: number) => number,
): string {
  let hit = 0;
  const out = text.split("\n").map((line) => {
    const m = SAMPLE.exec(line);
    if (!m || line.startsWith("#") || m[1] !== name || !matches(parseLabels(m[2]), match)) {
      return line;
    }
    hit++;
    return `${m[1]}${m[2] === undefined ? "" : `{${m[2]}}`}${m[3]}${value(Number(m[4]))}${m[5]}`;
  });
  if (hit === 0) throw new Error(`setSample: no sample ${name} ${JSON.stringify(match)}`);
  return out.join("\n");
}

/** Every sample value set to 0 (an all-zero first scrape of the same page). */
export function zeroPage(text: string): string {
  return text.split("\n").map((line) => {
    const m = SAMPLE.exec(line);
    if (!m || line.startsWith("#")) return line;
    return `${m[1]}${m[2] === undefined ? "" : `{${m[2]}}`}${m[3]}0${m[5]}`;
  }).join("\n");
}

/**
 * Prometheus text of one histogram series: cumulative `counts` per bound of `bounds` and `+Inf`
 * (so `counts.length === bounds.length + 1`), then `_sum` and `_count`.
 */
export function histogramText(
  name: string,
  labels: Record<string, string>,
  options: { bounds: number[]; counts: number[]; sum: number },
): string {
  const { bounds, counts, sum } = options;
  const les = [...bounds.map(String), "+Inf"];
  return [
    ...les.map((le, i) => `${name}_bucket${formatLabels({ ...labels, le })} ${counts[i]}`),
    `${name}_sum${formatLabels(labels)} ${sum}`,
    `${name}_count${formatLabels(labels)} ${counts[counts.length - 1]}`,
  ].join("\n");
}

/**
 * A Dynamo TRT-LLM worker page (`text`) with kvstats wired (total blocks 100) but a NaN KV usage
 * and a NaN in-flight count, plus a NaN TensorRT-LLM block count: every gauge read outside the
 * engine tables is NaN (reference §5.11).
 */
export function nanDynamoTrtPage(text: string): string {
  let page = setSample(text, "dynamo_component_kvstats_total_blocks", {}, () => 100);
  page = setSample(page, "dynamo_component_kvstats_gpu_cache_usage_percent", {}, () => NaN);
  page = setSample(page, "dynamo_component_inflight_requests", {
    dynamo_endpoint: "generate",
  }, () => NaN);
  return page + "trtllm_kv_cache_max_blocks NaN\ntrtllm_kv_cache_tokens_per_block 32\n";
}

/**
 * The real Dynamo TensorRT-LLM worker page (`text`) as stand-alone `trtllm-serve` 1.1.0rc5 prints
 * it at `/prometheus/metrics` (reference §4.4): no `dynamo_component_*` families, the five
 * families without the `trtllm_` prefix Dynamo adds, and `engine_type="undefined"`.
 */
export function standaloneTrtllmPage(text: string): string {
  const lines = text.split("\n").filter((line) =>
    !/^(# (HELP|TYPE) )?dynamo_component_/.test(line)
  );
  const out = lines.map((line) =>
    line.replace(/^(# (?:HELP|TYPE) )?trtllm_/, "$1").replace(
      'engine_type="trtllm"',
      'engine_type="undefined"',
    )
  ).join("\n");
  if (out === text || /^trtllm_/m.test(out)) {
    throw new Error("standaloneTrtllmPage: not a TRT page");
  }
  return out;
}

/** Only the `# HELP`/`# TYPE` lines of `text`: the page of a server that has served nothing yet. */
export function declarationsOnly(text: string): string {
  return text.split("\n").filter((line) => line.startsWith("# ")).join("\n") + "\n";
}
