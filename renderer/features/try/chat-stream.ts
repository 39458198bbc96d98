/**
 * Reading an OpenAI chat-completion stream (Server-Sent Events) as it arrives: the text of each
 * `delta.content`, the `usage` object of the last chunk, and an `error` a server may send mid-stream.
 * Pure: the prompt box feeds it decoded text; tests feed it strings.
 */

export type StreamPiece = { kind: 'text'; text: string } | { kind: 'usage'; completionTokens: number } | { kind: 'error'; message: string } | { kind: 'done' };

export interface SseSplit {
  pieces: StreamPiece[];
  /** An incomplete event held back until the next chunk of text. */
  rest: string;
}

/** Splits `buffered + chunk` into complete events; what is left over waits for more text. */
export function readStream(buffered: string, chunk: string): SseSplit {
  const text = (buffered + chunk).replace(/\r\n/g, '\n');
  const events = text.split('\n\n');
  const rest = events.pop() ?? '';
  const pieces: StreamPiece[] = [];
  for (const event of events) {
    const data = event
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data) pieces.push(...piecesOf(data));
  }
  return { pieces, rest };
}

function piecesOf(data: string): StreamPiece[] {
  if (data.trim() === '[DONE]') return [{ kind: 'done' }];
  let obj: unknown;
  try {
    obj = JSON.parse(data);
  } catch {
    return [{ kind: 'error', message: `the answer could not be read: ${data.slice(0, 80)}` }];
  }
  const o = obj as { choices?: { delta?: { content?: unknown } }[]; usage?: { completion_tokens?: unknown } | null; error?: { message?: unknown } };
  if (o.error) return [{ kind: 'error', message: typeof o.error.message === 'string' ? o.error.message : 'the backend sent an error' }];
  const out: StreamPiece[] = [];
  const content = o.choices?.[0]?.delta?.content;
  if (typeof content === 'string' && content !== '') out.push({ kind: 'text', text: content });
  const n = o.usage?.completion_tokens;
  if (typeof n === 'number' && Number.isFinite(n) && n >= 0) out.push({ kind: 'usage', completionTokens: n });
  return out;
}

/** Times of one try, on the page's clock (ms). */
export interface TryTimes {
  sentAt: number;
  firstTokenAt: number | null;
  lastTokenAt: number | null;
  /** Text pieces received: each is about one token on llama.cpp-style servers. */
  pieces: number;
  /** `usage.completion_tokens`, once the server sent it. */
  usageTokens: number | null;
}

export interface TryFigures {
  /** Time to first token. */
  ttftMs: number | null;
  /** Tokens per second after the first token arrived; null until two arrived. */
  tokensPerS: number | null;
  tokens: number;
  /** The count is the server's `usage`, not an estimate from the pieces received. */
  fromUsage: boolean;
}

/**
 * Time to first token, and the generation rate after it: the tokens that followed the first over the
 * time they took (the first token's wait is prompt processing, which TTFT already shows).
 */
export function tryFigures(t: TryTimes): TryFigures {
  const tokens = t.usageTokens ?? t.pieces;
  const ttftMs = t.firstTokenAt === null ? null : t.firstTokenAt - t.sentAt;
  const span = t.firstTokenAt !== null && t.lastTokenAt !== null ? t.lastTokenAt - t.firstTokenAt : 0;
  const tokensPerS = tokens > 1 && span > 0 ? Math.round(((tokens - 1) / (span / 1000)) * 10) / 10 : null;
  return { ttftMs, tokensPerS, tokens, fromUsage: t.usageTokens !== null };
}
