import type { ServerResponse } from 'node:http';
import { isLoadoutError, LoadoutError } from '../../../shared/errors.js';
import type { Lease } from '../../engine/engine.js';
import type { ModelSlot } from '../../engine/model-slot.js';
import type { ModelView } from '../../../shared/model-view.js';

/** How often a waiting client is told the model is still loading (it also keeps proxies from timing out). */
const TICK_MS = 1000;

/** What the loading stream reads of the load: the model's view, and its updates as they are pushed. */
export interface LoadWatch {
  /** Null once the model is gone (removed by a config reload). */
  view(): ModelView | null;
  onChange(listener: (view: ModelView) => void): () => void;
}

/**
 * llama-swap's `sendLoadingState`: a streaming chat request for a model that is not loaded gets its
 * SSE stream at once, with the load as `reasoning_content`, then the model's own answer. Unlike a row
 * of dots, it says what the load is doing: how long loads of this model took before, the models it
 * waits for, and the backend's own progress as it reports it; a dot each second otherwise.
 * Returns the lease, or null when the load failed and the error was sent into the stream.
 */
export async function acquireWithLoadingState(res: ServerResponse, slot: ModelSlot, body: Buffer, path: string, acquire: () => Promise<Lease>, load: LoadWatch): Promise<Lease | null> {
  if (!slot.config.sendLoadingState || path !== '/v1/chat/completions' || slot.instance?.state === 'ready' || !wantsStream(body)) return acquire();
  const started = Date.now();
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const say = (text: string) => {
    if (res.destroyed) return;
    const chunk = { id: `loading-${started}`, object: 'chat.completion.chunk', created: Math.floor(started / 1000), model: slot.name, choices: [{ index: 0, delta: { reasoning_content: text }, finish_reason: null }] };
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  };
  say(`loading model ${slot.name}`);
  const leased = acquire(); // starts the load (or joins the one under way): its view has the ETA now
  const news = new LoadNews();
  const tell = (view: ModelView | null): boolean => {
    const text = view && news.of(view);
    if (text) say(text);
    return text !== null;
  };
  tell(load.view());
  const off = load.onChange(tell);
  const tick = setInterval(() => tell(load.view()) || say('.'), TICK_MS);
  try {
    const lease = await leased;
    say(` ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    return lease;
  } catch (err) {
    const e = isLoadoutError(err) ? err : new LoadoutError('internal', err instanceof Error ? err.message : String(err));
    if (!res.destroyed) res.end(`data: ${JSON.stringify(e.toBody())}\n\ndata: [DONE]\n\n`);
    return null;
  } finally {
    off();
    clearInterval(tick);
  }
}

/**
 * What is new in a load since it was last told, as text for the stream: how long this model's loads
 * took before (once), the models it waits for, and the backend's progress in whole percent.
 */
export class LoadNews {
  private etaTold = false;
  private waitingFor = '';
  private percent: number | null = null;

  of(view: ModelView): string | null {
    let text = '';
    if (!this.etaTold && view.load_eta_ms !== null) {
      this.etaTold = true;
      text += ` (usually ${(view.load_eta_ms / 1000).toFixed(1)}s)`;
    }
    const waiting = view.load_waiting_for.join(', ');
    if (waiting !== this.waitingFor) {
      this.waitingFor = waiting;
      if (waiting) text += ` waiting for ${waiting}`;
    }
    const percent = view.load_progress === null ? null : Math.floor(view.load_progress * 100);
    if (percent !== null && percent !== this.percent) {
      this.percent = percent;
      text += ` ${percent}%`;
    }
    return text || null;
  }
}

function wantsStream(body: Buffer): boolean {
  try {
    return (JSON.parse(body.toString('utf8')) as { stream?: unknown }).stream === true;
  } catch {
    return false;
  }
}
