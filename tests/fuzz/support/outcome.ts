/**
 * What became of one bad input, and the table of counts the fuzz prints. "Refused clearly" means a
 * typed error a person can act on: a code and a short message (a refusal that quotes back a
 * megabyte of hostile input is not clear, so it counts as a crash).
 */
import { StageError } from '../../../src-main/engine/stage-error';

export type Verdict = 'refused' | 'accepted' | 'crashed' | 'lost' | 'escaped';

export interface Outcome {
  verdict: Verdict;
  /** The refusal's code and message, what was accepted, or what went wrong. */
  detail: string;
}

export interface FuzzCase {
  family: 'image' | 'pack' | 'message' | 'job-record';
  name: string;
  /** Runs the real code path on this input inside `root` (an empty folder of its own). */
  run(root: string): Promise<Outcome>;
}

/** Longest message still read as a clear refusal. */
export const MAX_CLEAR_MESSAGE = 1000;

export const refused = (code: string, message: string): Outcome =>
  message.length > 0 && message.length <= MAX_CLEAR_MESSAGE && code.length > 0
    ? { verdict: 'refused', detail: `${code}: ${firstLine(message)}` }
    : {
        verdict: 'crashed',
        detail: `unclear refusal (${code}, ${message.length} chars): ${message.slice(0, 120)}`,
      };

export const accepted = (detail: string): Outcome => ({ verdict: 'accepted', detail });
export const crashed = (detail: string): Outcome => ({ verdict: 'crashed', detail });
export const lost = (detail: string): Outcome => ({ verdict: 'lost', detail });
export const escaped = (detail: string): Outcome => ({ verdict: 'escaped', detail });

/** A thrown value: a StageError (PackError included) is a clear refusal, anything else a crash. */
export function classifyThrown(err: unknown): Outcome {
  if (err instanceof StageError) return refused(err.code, err.message);
  const what = err instanceof Error ? `${err.name}: ${err.message}` : `non-error thrown: ${String(err)}`;
  return crashed(firstLine(what).slice(0, 300));
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

export interface CaseResult {
  family: FuzzCase['family'];
  name: string;
  outcome: Outcome;
  ms: number;
}

const VERDICTS: Verdict[] = ['refused', 'accepted', 'crashed', 'lost', 'escaped'];

/** Counts per family and in all: tried / refused clearly / accepted valid / crashed / lost / escaped. */
export function countTable(results: readonly CaseResult[]): string {
  const families = [...new Set(results.map((r) => r.family)), 'all'] as const;
  const header = ['input', 'tried', 'refused clearly', 'accepted valid', 'crashed', 'lost', 'escaped'];
  const rows = families.map((family) => {
    const mine = family === 'all' ? results : results.filter((r) => r.family === family);
    return [
      family,
      String(mine.length),
      ...VERDICTS.map((v) => String(mine.filter((r) => r.outcome.verdict === v).length)),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The cases that did not end as a clear refusal or a valid result, one line each. */
export function failures(results: readonly CaseResult[]): CaseResult[] {
  return results.filter((r) => r.outcome.verdict !== 'refused' && r.outcome.verdict !== 'accepted');
}
