import type { ServerResponse } from 'node:http';
import { isLoadoutError, LoadoutError } from '../../../shared/errors.js';
import type { Lease } from '../../engine/engine.js';
import type { ModelSlot } from '../../engine/model-slot.js';

/** How often a waiting client is told the model is still loading (it also keeps proxies from timing out). */
const TICK_MS = 1000;

/**
 * llama-swap's `sendLoadingState`: a streaming chat request for a model that is not loaded gets its
 * SSE stream at once, with the load's progress as `reasoning_content`, then the model's own answer.
 * Returns the lease, or null when the load failed and the error was sent into the stream.
 */
export async function acquireWithLoadingState(res: ServerResponse, slot: ModelSlot, body: Buffer, path: string, acquire: () => Promise<Lease>): Promise<Lease | null> {
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
  const tick = setInterval(() => say('.'), TICK_MS);
  try {
    const lease = await acquire();
    say(` ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    return lease;
  } catch (err) {
    const e = isLoadoutError(err) ? err : new LoadoutError('internal', err instanceof Error ? err.message : String(err));
    if (!res.destroyed) res.end(`data: ${JSON.stringify(e.toBody())}\n\ndata: [DONE]\n\n`);
    return null;
  } finally {
    clearInterval(tick);
  }
}

function wantsStream(body: Buffer): boolean {
  try {
    return (JSON.parse(body.toString('utf8')) as { stream?: unknown }).stream === true;
  } catch {
    return false;
  }
}
