import type { Lease } from '../../../engine/engine.js';

/** Called once per attempt: null once the answer started, or the error that came before any of it. */
export type Settle = (err: Error | null) => void;

/**
 * The end of an event stream the backend cut (it died or was stopped): an OpenAI-style error event, so
 * clients see why instead of a bare `terminated`.
 */
export function cutStreamEvent(lease: Lease): string {
  const message = lease.instance.cutReason ?? `${lease.model} backend closed the stream before it ended`;
  return `\n\ndata: ${JSON.stringify({ error: { message, type: 'server_error', code: 'backend_error' } })}\n\n`;
}
