import type { RequestStatsView } from '../../../shared/model-view.js';

/** A request a face finished serving, as the request meter saw it. */
export interface FinishedRequest {
  model: string;
  /** Null for a success; else the error code, `http_<status>` or `client_closed` (the client went away). */
  error: string | null;
  tokens: { prompt: number; completion: number } | null;
  /** Received → last byte written. */
  latencyMs: number;
  /** How long the answer itself took: first byte → last byte for a stream, else the latency. */
  generationMs: number;
}

/** The figures cover this many of a model's most recent answered requests. */
export const STATS_WINDOW = 100;

interface Sample {
  latencyMs: number;
  completion: number | null;
  generationMs: number;
}

interface ModelStats {
  requests: number;
  errors: number;
  /** Ring of the last STATS_WINDOW answered requests; `next` is where the next one goes. */
  samples: Sample[];
  next: number;
}

export const NO_STATS: RequestStatsView = { requests: 0, errors: 0, tokens_per_s: null, p50_latency_ms: null, window: 0 };

/**
 * Per-model request statistics for the model views: counts since start, and latency and token rate
 * over a bounded window. One store in the engine; the HTTP API, IPC and the dashboard all read the
 * view it makes, so the figures are computed in one place.
 */
export class RequestStats {
  private readonly byModel = new Map<string, ModelStats>();

  constructor(private readonly window = STATS_WINDOW) {}

  record(r: FinishedRequest): void {
    let s = this.byModel.get(r.model);
    if (!s) this.byModel.set(r.model, (s = { requests: 0, errors: 0, samples: [], next: 0 }));
    s.requests++;
    // A client that hung up (a Stop button, a closed tab) is not the model's failure, and its latency says nothing.
    if (r.error === 'client_closed') return;
    if (r.error !== null) {
      s.errors++;
      return;
    }
    const sample: Sample = { latencyMs: r.latencyMs, completion: r.tokens ? r.tokens.completion : null, generationMs: r.generationMs };
    if (s.samples.length < this.window) s.samples.push(sample);
    else s.samples[s.next] = sample;
    s.next = (s.next + 1) % this.window;
  }

  view(model: string): RequestStatsView {
    const s = this.byModel.get(model);
    if (!s) return NO_STATS;
    return {
      requests: s.requests,
      errors: s.errors,
      tokens_per_s: tokensPerSecond(s.samples),
      p50_latency_ms: percentile(s.samples.map((x) => x.latencyMs), 0.5),
      window: s.samples.length,
    };
  }
}

/** Nearest-rank percentile (`p` in 0..1): a value that was observed, never an interpolation. Null when empty. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * Completion tokens per second of generation over the samples that reported `usage`: total tokens over
 * total time, so a long answer weighs more than a short one. Null when none did (or took no time).
 */
export function tokensPerSecond(samples: readonly { completion: number | null; generationMs: number }[]): number | null {
  let tokens = 0;
  let ms = 0;
  for (const s of samples) {
    if (s.completion === null || s.completion <= 0 || s.generationMs <= 0) continue;
    tokens += s.completion;
    ms += s.generationMs;
  }
  return ms > 0 ? Math.round((tokens / (ms / 1000)) * 10) / 10 : null;
}
