/**
 * Identity parsed from InferenceX / AgentX file and directory names.
 *
 * Names fill gaps only: every agg carries its identity in its fields, and names in the wild are
 * sometimes wrong. A name that says nothing yields an empty result, never a guess.
 * @module
 */
import type { Identity, Metrics } from "./types.ts";

/** What a name says: identity fields and topology numbers. */
export interface NameInfo {
  identity: Partial<Identity>;
  metrics: Partial<Metrics>;
}

const SINGLE_NODE = new RegExp(
  "_tp(\\d+)(?:-pp(\\d+))?(?:-dcp(\\d+))?(?:-pcp(\\d+))?-ep(\\d+)-dpa(true|false)" +
    "_disagg-(true|false)_spec-([^_]+)_conc(\\d+)_(.+)$",
);
const SINGLE_NODE_OLD = /_tp(\d+)_ep(\d+)_dpa_(true|false)_conc(\d+)_specdecode_([^_]+)_(.+)$/;
const MULTI_NODE = new RegExp(
  "_prefill-tp(\\d+)(?:-pp(\\d+))?(?:-dcp(\\d+))?(?:-pcp(\\d+))?-ep(\\d+)-dp(true|false)-nw(\\d+)" +
    "_decode-tp(\\d+)(?:-pp(\\d+))?(?:-dcp(\\d+))?(?:-pcp(\\d+))?-ep(\\d+)-dp(true|false)-nw(\\d+)" +
    "_disagg-(true|false)_spec-([^_]+)_conc([\\dx]+)_(.+)$",
);
const SEQ = /(?:^|_)(\d+)k(\d+)k(?:_|$)/;
/** srt-slurm / AMD `isl_<ISL>_osl_<OSL>` (exact token counts, reference §6.1 and §6.2). */
const ISL_OSL = /(?:^|_)isl_(\d+)_osl_(\d+)(?:_|$)/;
/**
 * Where a multi-node per-point suffix starts after the runner: AMD `_concurrency_<C>_…`,
 * srt-slurm `_<CONFIG_NAME>_conc<C>_gpus_…`, legacy NVIDIA `_isl_…`, and the AgentX multi-node
 * agg's `_conc<N>` that ends the name (`{RF}_conc{N}.json`).
 */
const POINT_SUFFIX =
  /_(concurrency_\d+|conc\d+_gpus|[a-z][a-z0-9-]*_isl_\d+_osl_\d+_|isl_\d+|[a-z0-9-]+_conc\d+_gpus|conc\d+$)/;
const RECIPE_SUFFIX_CHARS = "_recipe-".length + 16;
const HEX16 = /^[0-9a-f]{16}$/;

/**
 * The name without a trailing `_recipe-<16 hex digits>`. Checked at the one place it can start,
 * where an end-anchored regex would try every position of the name.
 */
function stripRecipe(name: string): string {
  const at = name.length - RECIPE_SUFFIX_CHARS;
  return at >= 0 && name.startsWith("_recipe-", at) && HEX16.test(name.slice(at + 8))
    ? name.slice(0, at)
    : name;
}

/** Strip a directory prefix and a `.json`/`.jsonl`/`.csv` extension from a path. */
export function stemOf(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  // What `/\.(jsonl|json|csv)$/i` would strip, without a regex scanning the whole name: an
  // extension has no dot, so it can only follow the last one.
  const dot = base.lastIndexOf(".");
  if (dot < 0 || base.length - dot > 6) return base;
  const ext = base.slice(dot + 1).toLowerCase();
  return ext === "json" || ext === "jsonl" || ext === "csv" ? base.slice(0, dot) : base;
}

/**
 * The curve a single-node fixed-seq file name belongs to: the name (prefix and extension
 * stripped by the caller) without its `_conc<N>_<runner>` part, which is all that tells the
 * points of one curve apart (formats reference §7: a curve's RFs differ only in `_conc<N>_` and
 * the runner suffix), followed by the runner's first token, the machine it names (`MI355`,
 * `b200`, `h200`): the same configuration on another machine is another curve, whatever its
 * runner pool. A recipe suffix stays. A multi-node per-point name keeps everything but its
 * concurrency (its job's points share their RF, runner and GPU split). `null` for any other name.
 *
 * @example
 * ```ts
 * curveStemOf("kimik2.5_8k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc64_MI355-gbt350");
 * // "kimik2.5_8k1k_int4_vllm_tp8-ep1-dpafalse_disagg-false_spec-mtp_conc*@mi355"
 * ```
 */
export function curveStemOf(stem: string): string | null {
  const name = stripRecipe(stem);
  const recipe = stem.slice(name.length);
  const single = name.match(SINGLE_NODE);
  if (single && single.index !== undefined) {
    const tail = `_conc${single[9]}_${single[10]}`.length;
    return `${name.slice(0, name.length - tail)}_conc*@${machineOf(single[10])}${recipe}`;
  }
  const old = name.match(SINGLE_NODE_OLD);
  if (old && old.index !== undefined) {
    // `…_dpa_<b>_conc<N>_specdecode_<s>_<runner>`: the spec decoding stays part of the curve.
    const tail = `_conc${old[4]}_specdecode_${old[5]}_${old[6]}`.length;
    return `${name.slice(0, name.length - tail)}_conc*_specdecode_${old[5]}@${
      machineOf(old[6])
    }${recipe}`;
  }
  const multi = name.match(MULTI_NODE);
  if (multi && multi.index !== undefined) {
    // A multi-node job's per-point file (`{RF}_concurrency_<C>_…_gpus_<G>_ctx_<P>_gen_<D>`,
    // reference §2.2): every point of the job has its RF, runner included, and its GPU split;
    // only the concurrency differs. The RF alone (an AgentX multi-node agg) names no point.
    const rest = multi[18];
    const point = rest.search(POINT_SUFFIX);
    if (point < 0 || /^_conc\d+$/.test(rest.slice(point))) return null;
    const suffix = rest.slice(point).replace(MULTI_NODE_POINT_CONC, "$1*");
    if (suffix === rest.slice(point)) return null;
    return `${name.slice(0, name.length - rest.length)}${rest.slice(0, point)}${suffix}${recipe}`;
  }
  return null;
}

/** The concurrency of a multi-node per-point suffix (`_concurrency_<C>_`, `_conc<C>_gpus_`). */
const MULTI_NODE_POINT_CONC = /(_concurrency_|_conc)\d+(?=_)/;

/** The machine a runner label names: its first token, lower case (`MI355-gbt350` → `mi355`). */
function machineOf(runner: string): string {
  return runner.split(/[-_]/, 1)[0].toLowerCase();
}

const HW_SUFFIXES = ["-multinode", "-disagg", "-trt"] as const;

/**
 * Normalize a hardware label: lower case, `cluster:` prefix and its `-<site>` part removed,
 * `-multinode`/`-disagg`/`-trt` suffixes removed (also stacked); `null` when nothing is left.
 *
 * @example
 * ```ts
 * normalizeHardware("cluster:mi355x-amds"); // "mi355x"
 * normalizeHardware("B200-TRT"); // "b200"
 * ```
 */
export function normalizeHardware(hw: string): string | null {
  let s = hw.trim().toLowerCase();
  const cluster = s.startsWith("cluster:");
  if (cluster) s = s.slice("cluster:".length);
  for (let changed = true; changed;) {
    changed = false;
    for (const suffix of HW_SUFFIXES) {
      if (s.endsWith(suffix) && s.length > suffix.length) {
        s = s.slice(0, -suffix.length);
        changed = true;
      }
    }
  }
  // `cluster:<hw>-<site>`: the site is not part of the hardware.
  if (cluster && s.includes("-")) s = s.slice(0, s.indexOf("-"));
  return s === "" ? null : s;
}

function int(s: string | undefined): number | null {
  if (s === undefined) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** Model prefix and ISL/OSL from an `EXP_NAME` such as `kimik2.5_8k1k`. */
function parseExpName(exp: string, info: NameInfo): void {
  const seq = exp.match(SEQ);
  if (seq) {
    info.identity.isl = Number(seq[1]) * 1024;
    info.identity.osl = Number(seq[2]) * 1024;
    const model = exp.slice(0, seq.index);
    if (model) info.identity.model = model;
    return;
  }
  const agentic = exp.match(
    /^(.+?)_tp(\d+)_(?:bs|users|conc)(\d+)_(offload(on|off)|kv([a-z0-9-]+))/,
  );
  if (agentic) {
    info.identity.model = agentic[1];
    info.identity.scenario_type = "agentic-coding";
    info.identity.concurrency = Number(agentic[3]);
    info.identity.offload_mode = agentic[5]
      ? (agentic[5] === "on" ? "on" : "none")
      : normalizeOffload(agentic[6]);
  }
}

function normalizeOffload(mode: string): string {
  return mode === "none" || mode === "off" ? "none" : mode;
}

/**
 * ISL/OSL from an `isl_<N>_osl_<M>` token anywhere in the name (`sa-bench_isl_8192_osl_1024`,
 * `isl_1024_osl_1024_concurrency_64_req_rate_inf`), when the rest of the name left them open.
 */
function parseIslOsl(name: string, info: NameInfo): void {
  if (info.identity.isl !== undefined || !name.includes("isl_")) return;
  const m = name.match(ISL_OSL);
  // `isl_0_osl_0` names no real run: left unknown rather than a length of 0.
  if (!m || Number(m[1]) <= 0 || Number(m[2]) <= 0) return;
  info.identity.isl = Number(m[1]);
  info.identity.osl = Number(m[2]);
}

/**
 * The name a file's directory lends it for ISL/OSL: `isl_<N>_osl_<M>` from the basename of the
 * directory of `path` (`…/sa-bench_isl_8192_osl_1024/results_concurrency_4_gpus_16.json`), or
 * `null` when the file's own name already gives ISL/OSL or the directory's gives none. Only
 * ISL/OSL: other fields a directory name may seem to carry (a `bmk_<RF>` names a whole run) never
 * reach the file's cell.
 *
 * @example
 * ```ts
 * dirSeqNameOf("logs/sa-bench_isl_8192_osl_1024/results_concurrency_4_gpus_16"); // "isl_8192_osl_1024"
 * dirSeqNameOf("kimik2.5_8k1k/concurrency_4"); // "isl_8192_osl_1024"
 * dirSeqNameOf("sa-bench_isl_1024_osl_1024/isl_8192_osl_1024_concurrency_64"); // null
 * ```
 */
export function dirSeqNameOf(path: string): string | null {
  const slash = path.lastIndexOf("/");
  if (slash <= 0) return null;
  if (parseResultName(path.slice(slash + 1)).identity.isl != null) return null;
  const dir = path.slice(path.lastIndexOf("/", slash - 1) + 1, slash);
  const { isl, osl } = parseResultName(dir).identity;
  return isl != null && osl != null ? `isl_${isl}_osl_${osl}` : null;
}

/** Per-point multi-node suffixes: GPU split and concurrency. */
function parsePointSuffix(name: string, info: NameInfo): void {
  const gpus = name.match(/_?gpus_(\d+)/);
  const ctx = name.match(/_ctx_(\d+)/);
  const gen = name.match(/_gen_(\d+)/);
  // `gpus_0` names no real run: its split (and count) are left unknown rather than a 0 to divide by.
  if (gpus && Number(gpus[1]) > 0) {
    info.identity.is_multinode = true;
    const g = Number(gpus[1]);
    if (ctx && gen) {
      info.metrics.num_prefill_gpu = Number(ctx[1]);
      info.metrics.num_decode_gpu = Number(gen[1]);
      info.identity.disagg = Number(gen[1]) > 0;
    } else {
      info.metrics.num_prefill_gpu = g;
      info.metrics.num_decode_gpu = 0;
    }
    info.metrics.num_gpus = g;
  } else if (gpus) info.identity.is_multinode = true;
  const conc = name.match(/(?:^|_)concurrency_(\d+)(?:_|$)/) ?? name.match(/_conc(\d+)(?:_|$)/);
  if (conc && Number(conc[1]) > 0) info.identity.concurrency = Number(conc[1]);
}

/**
 * Parse identity from a result file or directory name (any era of InferenceX naming).
 *
 * @example
 * ```ts
 * parseResultName("agg_gptoss_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc4_h200-nebius_0.json");
 * // identity: {model: "gptoss", isl: 1024, osl: 1024, precision: "fp4", framework: "vllm", concurrency: 4, ...}
 * ```
 */
export function parseResultName(path: string): NameInfo {
  const name = stripRecipe(
    stemOf(path).replace(
      /^(agg_|power_validation_|bmk_agentic_|agentic_|bmk_|server_logs_|eval_)/,
      "",
    ),
  );
  // One cell's names usually come in a row and say the same thing (`bmk_X/agg_X.json`,
  // `power_audit_X/X.json` and `X` all strip to `X`): parse the last name once. Callers get
  // their own copy, so changing one result never changes another.
  if (name !== last.name) last = { name, info: parseName(name) };
  const { identity, metrics } = last.info;
  return { identity: Object.assign({}, identity), metrics: Object.assign({}, metrics) };
}

let last: { name: string | null; info: NameInfo } = {
  name: null,
  info: { identity: {}, metrics: {} },
};

/** {@link parseResultName} of a name already stripped of its prefix and recipe suffix. */
function parseName(name: string): NameInfo {
  const info: NameInfo = { identity: {}, metrics: {} };
  const multi = name.match(MULTI_NODE);
  if (multi && multi.index !== undefined) {
    const head = name.slice(0, multi.index);
    parseHead(head, info);
    info.identity.is_multinode = true;
    info.metrics.prefill_tp = int(multi[1]);
    info.metrics.prefill_pp = int(multi[2]);
    info.metrics.prefill_dcp = int(multi[3]);
    info.metrics.prefill_pcp = int(multi[4]);
    info.metrics.prefill_ep = int(multi[5]);
    info.identity.prefill_dp_attention = multi[6] === "true";
    info.metrics.prefill_num_workers = int(multi[7]);
    info.metrics.decode_tp = int(multi[8]);
    info.metrics.decode_pp = int(multi[9]);
    info.metrics.decode_dcp = int(multi[10]);
    info.metrics.decode_pcp = int(multi[11]);
    info.metrics.decode_ep = int(multi[12]);
    info.identity.decode_dp_attention = multi[13] === "true";
    info.metrics.decode_num_workers = int(multi[14]);
    info.identity.disagg = multi[15] === "true";
    info.identity.spec_decoding = multi[16];
    const rest = multi[18];
    // Runner (and an optional recipe suffix of the RF), then an optional per-point suffix
    // appended by the launcher (reference §2.2), or AgentX's `_conc<N>` at the very end.
    const point = rest.search(POINT_SUFFIX);
    info.identity.runner = point >= 0 ? stripRecipe(rest.slice(0, point)) : rest;
    if (point >= 0) parsePointSuffix(rest.slice(point), info);
    parseIslOsl(rest, info);
    return info;
  }

  const single = name.match(SINGLE_NODE);
  if (single && single.index !== undefined) {
    parseHead(name.slice(0, single.index), info);
    info.identity.is_multinode = false;
    info.metrics.tp = int(single[1]);
    info.metrics.pp = int(single[2]);
    info.metrics.dcp = int(single[3]);
    info.metrics.pcp = int(single[4]);
    info.metrics.ep = int(single[5]);
    info.identity.dp_attention = single[6] === "true";
    info.identity.disagg = single[7] === "true";
    info.identity.spec_decoding = single[8];
    info.identity.concurrency = Number(single[9]);
    info.identity.runner = single[10];
    return info;
  }

  const old = name.match(SINGLE_NODE_OLD);
  if (old && old.index !== undefined) {
    parseHead(name.slice(0, old.index), info);
    info.metrics.tp = int(old[1]);
    info.metrics.ep = int(old[2]);
    info.identity.dp_attention = old[3] === "true";
    info.identity.concurrency = Number(old[4]);
    info.identity.spec_decoding = old[5];
    info.identity.runner = old[6];
    return info;
  }

  // Names carrying no configuration block: concurrency, GPU split and ISL/OSL only.
  parsePointSuffix(name, info);
  parseExpName(name, info);
  parseIslOsl(name, info);
  return info;
}

/** `EXP_NAME_PRECISION_FRAMEWORK` before the parallelism block. */
function parseHead(head: string, info: NameInfo): void {
  // The last two `_`-separated parts, found from the end without splitting the whole head.
  const last = head.lastIndexOf("_");
  const before = last > 0 ? head.lastIndexOf("_", last - 1) : -1;
  if (before < 0) return;
  info.identity.framework = head.slice(last + 1);
  info.identity.precision = head.slice(before + 1, last);
  parseExpName(head.slice(0, before), info);
}
