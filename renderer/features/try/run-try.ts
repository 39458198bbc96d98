import { readStream, tryFigures, type TryFigures, type TryTimes } from './chat-stream.js';
import type { TryEndpoint } from './try-endpoint.js';

export interface TryProgress {
  answer: string;
  figures: TryFigures;
}

export type TryOutcome = { kind: 'done' } | { kind: 'stopped' } | { kind: 'error'; message: string };

export interface RunTryOptions {
  endpoint: TryEndpoint;
  model: string;
  prompt: string;
  signal: AbortSignal;
  now: () => number;
  fetch: typeof globalThis.fetch;
  onProgress: (p: TryProgress) => void;
}

/**
 * Sends one chat completion through `/v1/chat/completions` with `stream: true` (the router, admission
 * and metering every client gets) and reports the answer and figures as the stream arrives.
 */
export async function runTry(o: RunTryOptions): Promise<TryOutcome> {
  const times: TryTimes = { sentAt: o.now(), firstTokenAt: null, lastTokenAt: null, pieces: 0, usageTokens: null };
  let answer = '';
  const report = (): void => o.onProgress({ answer, figures: tryFigures(times) });
  try {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'text/event-stream' };
    if (o.endpoint.apiKey) headers.Authorization = `Bearer ${o.endpoint.apiKey}`;
    const res = await o.fetch(o.endpoint.url, {
      method: 'POST',
      headers,
      signal: o.signal,
      body: JSON.stringify({ model: o.model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: o.prompt }] }),
    });
    if (!res.ok || !res.body) return { kind: 'error', message: await errorText(res) };
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const split = readStream(rest, value);
      rest = split.rest;
      for (const p of split.pieces) {
        if (p.kind === 'error') return { kind: 'error', message: p.message };
        if (p.kind === 'text') {
          const at = o.now();
          times.firstTokenAt ??= at;
          times.lastTokenAt = at;
          times.pieces++;
          answer += p.text;
        } else if (p.kind === 'usage') times.usageTokens = p.completionTokens;
      }
      report();
    }
    return { kind: 'done' };
  } catch (e) {
    if (o.signal.aborted) return { kind: 'stopped' };
    return { kind: 'error', message: `the request failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The server's own words for a refused request (503 with a retry time, 404 unknown model, ...). */
async function errorText(res: Response): Promise<string> {
  let text = '';
  try {
    text = await res.text();
    const msg = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof msg === 'string' && msg) return `${res.status}: ${msg}`;
  } catch {
    // cut short, or not JSON: the status and what arrived say it
  }
  return `${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`;
}
