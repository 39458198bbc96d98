type Json = Record<string, unknown>;

export type ReplyKind = 'chat' | 'generate';

export interface TokenUsage {
  prompt: number;
  completion: number;
}

interface ToolCallDelta {
  name: string;
  args: string;
}

const NS_PER_MS = 1e6;

function record(v: unknown): Json {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** OpenAI's `arguments` is a JSON string; Ollama's is an object. A string that is not JSON stays a string. */
function args(s: string): unknown {
  try {
    return JSON.parse(s || '{}');
  } catch {
    return s;
  }
}

/**
 * Turns an OpenAI chat or text completion — whole, or chunk by chunk when streaming — into Ollama's
 * `/api/chat` or `/api/generate` answer. Token counts come from `usage`; llama.cpp's `timings` give
 * the prompt and generation durations when the backend reports them.
 */
export class OllamaReply {
  readonly usage: TokenUsage = { prompt: 0, completion: 0 };
  private doneReason = 'stop';
  private promptMs = 0;
  private predictedMs = 0;
  private readonly tools = new Map<number, ToolCallDelta>();

  constructor(
    private readonly kind: ReplyKind,
    private readonly model: string,
    private readonly now: () => number,
  ) {}

  /** One streamed chunk → the NDJSON record to send now, or null when it carries no text. */
  chunk(c: Json): Json | null {
    this.account(c);
    const choice = record((c.choices as unknown[] | undefined)?.[0]);
    const delta = record(choice.delta);
    for (const t of (delta.tool_calls as unknown[] | undefined) ?? []) this.toolDelta(record(t));
    const text = this.kind === 'chat' ? str(delta.content) : str(choice.text) || str(delta.content);
    const thought = str(delta.reasoning_content);
    if (!text && !thought) return null;
    return this.record(text, thought, null);
  }

  /** A tool call collected from the stream, sent once complete (before the final record). */
  pendingToolCalls(): Json | null {
    if (this.tools.size === 0) return null;
    const calls = [...this.tools.values()].map((t) => ({ function: { name: t.name, arguments: args(t.args) } }));
    this.tools.clear();
    return this.record('', '', calls);
  }

  /** A whole (non-streamed) completion → Ollama's single answer. */
  whole(c: Json, totals: { totalMs: number; loadMs: number }): Json {
    this.account(c);
    const choice = record((c.choices as unknown[] | undefined)?.[0]);
    const msg = record(choice.message);
    const text = this.kind === 'chat' ? str(msg.content) : str(choice.text) || str(msg.content);
    const calls = Array.isArray(msg.tool_calls)
      ? msg.tool_calls.map((t) => {
          const fn = record(record(t).function);
          return { function: { name: str(fn.name), arguments: args(str(fn.arguments)) } };
        })
      : null;
    return { ...this.record(text, str(msg.reasoning_content), calls?.length ? calls : null), ...this.final(totals) };
  }

  /** The closing record of a stream: `done: true` with the counts. */
  done(totals: { totalMs: number; loadMs: number }): Json {
    return { ...this.record('', '', null), ...this.final(totals) };
  }

  private final(t: { totalMs: number; loadMs: number }): Json {
    return {
      done: true,
      done_reason: this.doneReason,
      total_duration: Math.round(t.totalMs * NS_PER_MS),
      load_duration: Math.round(t.loadMs * NS_PER_MS),
      prompt_eval_count: this.usage.prompt,
      prompt_eval_duration: Math.round(this.promptMs * NS_PER_MS),
      eval_count: this.usage.completion,
      eval_duration: Math.round(this.predictedMs * NS_PER_MS),
    };
  }

  private record(text: string, thought: string, calls: Json[] | null): Json {
    const base = { model: this.model, created_at: new Date(this.now()).toISOString() };
    if (this.kind === 'generate') return { ...base, response: text, ...(thought ? { thinking: thought } : {}), done: false };
    const message: Json = { role: 'assistant', content: text };
    if (thought) message.thinking = thought;
    if (calls) message.tool_calls = calls;
    return { ...base, message, done: false };
  }

  private account(c: Json): void {
    const usage = record(c.usage);
    if (c.usage) this.usage.prompt = count(usage.prompt_tokens);
    if (c.usage) this.usage.completion = count(usage.completion_tokens);
    const timings = record(c.timings);
    if (c.timings) {
      this.promptMs = count(timings.prompt_ms);
      this.predictedMs = count(timings.predicted_ms);
    }
    const finish = record((c.choices as unknown[] | undefined)?.[0]).finish_reason;
    if (typeof finish === 'string') this.doneReason = finish === 'length' ? 'length' : 'stop';
  }

  private toolDelta(t: Json): void {
    const index = typeof t.index === 'number' ? t.index : this.tools.size;
    const fn = record(t.function);
    const cur = this.tools.get(index) ?? { name: '', args: '' };
    cur.name += str(fn.name);
    cur.args += str(fn.arguments);
    this.tools.set(index, cur);
  }
}
