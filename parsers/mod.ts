/**
 * The parser registry: which parser reads each artifact kind, and how its input is delivered
 * (a parsed JSON value, streamed byte chunks, streamed lines, or a small text).
 * @module
 */
import type { ArtifactKind, LoadedArtifact, ParseResult } from "../lib/types.ts";

export type { LoadedArtifact };
import { parseAgentxAgg } from "./agentx_agg.ts";
import { parseAggCollection } from "./agg_collection.ts";
import { parseAiperfProfile } from "./aiperf_profile.ts";
import { parseAiperfJsonl } from "./aiperf_jsonl.ts";
import { parseAiperfServerMetrics } from "./aiperf_server_metrics.ts";
import { parseClientMetricsCsv } from "./client_metrics_csv.ts";
import { parseDetailedResults } from "./detailed_results.ts";
import { parseEvalCollection } from "./eval_collection.ts";
import { parseEvalMeta } from "./eval_meta.ts";
import { parseEvalResults } from "./eval_results.ts";
import { countEvalSamples } from "./eval_samples.ts";
import { parseServerMetricsCsv } from "./server_metrics_csv.ts";
import { parseFixedSeqAgg } from "./fixed_seq_agg.ts";
import { parseManifest } from "./manifest.ts";
import { parsePowerValidation } from "./power_validation.ts";
import { parseProfileExportAiperfCsv } from "./profile_export_aiperf_csv.ts";
import { parseRawResult } from "./raw_result.ts";
import { parseCommandText, parseStatusText } from "./run_text.ts";
import { parseSummaryCsv } from "./summary_csv.ts";

/** A parser's output for one artifact, before the reference is attached. */
export type ParserOutput = Omit<LoadedArtifact, "ref">;

/** A registered parser and the input it takes. */
export type ParserEntry =
  | { input: "json"; parse(value: unknown, path: string): ParserOutput | Promise<ParserOutput> }
  | {
    input: "bytes";
    parse(chunks: AsyncIterable<Uint8Array>, path: string): Promise<ParserOutput>;
  }
  | { input: "lines"; parse(lines: AsyncIterable<string>, path: string): Promise<ParserOutput> }
  | { input: "text"; parse(text: string, path: string): ParserOutput | Promise<ParserOutput> };

function json(fn: (value: unknown) => ParseResult): ParserEntry {
  return { input: "json", parse: (value) => ({ result: fn(value) }) };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Parsers by artifact kind. */
export const PARSERS: Partial<Record<ArtifactKind, ParserEntry>> = {
  agg: json(parseFixedSeqAgg),
  raw_result: json(parseRawResult),
  agg_collection: json(parseAggCollection),
  power_validation: json(parsePowerValidation),
  agentx_agg: json(parseAgentxAgg),
  aiperf_profile: json(parseAiperfProfile),
  manifest: {
    input: "json",
    parse: (value) => {
      const { manifest, issues } = parseManifest(value);
      return { manifest, result: { drafts: [], issues, unreadable: manifest === null } };
    },
  },
  aiperf_profile_jsonl: {
    input: "lines",
    parse: async (lines) => ({ result: await parseAiperfJsonl(lines) }),
  },
  eval_results: json(parseEvalResults),
  eval_meta: json(parseEvalMeta),
  eval_collection: json(parseEvalCollection),
  eval_samples: {
    input: "lines",
    parse: async (lines) => {
      const { count, issues } = await countEvalSamples(lines);
      return {
        result: {
          drafts: [{
            source_format: "eval",
            priority: 1,
            primary: false,
            identity: {},
            metrics: {},
            notes: { eval_sample_lines: count },
          }],
          issues,
          unreadable: count === 0 && issues.length > 0,
        },
      };
    },
  },
  detailed_results: {
    input: "bytes",
    parse: async (chunks) => ({ result: await parseDetailedResults(chunks) }),
  },
  server_metrics_csv: {
    input: "bytes",
    parse: async (chunks) => ({ result: await parseServerMetricsCsv(chunks) }),
  },
  aiperf_profile_csv: {
    input: "bytes",
    parse: async (chunks) => ({ result: await parseProfileExportAiperfCsv(chunks) }),
  },
  client_metrics_csv: {
    input: "bytes",
    parse: async (chunks) => ({ result: await parseClientMetricsCsv(chunks) }),
  },
  summary_csv: {
    input: "bytes",
    parse: async (chunks) => ({ result: await parseSummaryCsv(chunks) }),
  },
  aiperf_server_metrics: {
    input: "text",
    parse: (text) => ({ result: parseAiperfServerMetrics(text) }),
  },
  status: { input: "text", parse: (text) => ({ result: parseStatusText(text) }) },
  command: {
    input: "text",
    parse: (text, path) => ({
      result: parseCommandText(baseName(path).replace(/_command\.txt$/i, ""), text),
    }),
  },
};
