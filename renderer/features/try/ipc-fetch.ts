import type { PreloadApi } from '../../../shared/bridge.js';
import type { TryPart } from '../../../shared/push.js';

/** What the desktop fetch needs of the preload's bridge. */
export type TryBridge = Required<Pick<PreloadApi, 'desktop' | 'onEvent'>>;

let nextId = 0;

const abortError = (): DOMException => new DOMException('The request was aborted', 'AbortError');

/**
 * A `fetch` for the Try box in the desktop window, whose page cannot reach the API itself: main sends
 * the request (desktop action `try.send`) to the API's own `/v1/chat/completions` and relays the answer
 * as `try` pushes, which become a Response whose body streams as they arrive. The request's signal
 * stops it (`try.stop`), as closing the connection would. Only the JSON body of `init` is sent: main
 * chooses the URL, the headers and the key.
 */
export function ipcTryFetch(bridge: TryBridge): typeof fetch {
  return (_input, init) =>
    new Promise<Response>((resolve, reject) => {
      const signal = init?.signal ?? null;
      if (signal?.aborted) return reject(abortError());
      const id = `try-${(nextId++).toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
      const encoder = new TextEncoder();
      let stream!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({
        start: (c) => void (stream = c),
        cancel: () => stop(),
      });
      let answered = false;
      let over = false;
      const end = (): void => {
        over = true;
        off();
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (err: Error): void => {
        if (over) return;
        end();
        if (answered) stream.error(err);
        else reject(err);
      };
      const answer = (status: number, statusText: string): void => {
        answered = true;
        resolve(new Response(body, { status, statusText }));
      };
      const onPart = (part: TryPart): void => {
        if (over) return;
        if (part.kind === 'head') answer(part.status, part.statusText);
        else if (part.kind === 'text') stream.enqueue(encoder.encode(part.text));
        else if (part.kind === 'error') fail(new TypeError(part.message));
        else {
          end();
          if (!answered) answer(502, 'Bad Gateway');
          stream.close();
        }
      };
      const off = bridge.onEvent((push) => {
        if (push.type === 'try' && push.id === id) onPart(push.part);
      });
      const stop = (): void => {
        if (over) return;
        end();
        void bridge.desktop('try.stop', { id });
      };
      const onAbort = (): void => {
        const wasAnswered = answered;
        stop();
        if (wasAnswered) stream.error(abortError());
        else reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      let sent: unknown;
      try {
        sent = JSON.parse(typeof init?.body === 'string' ? init.body : '');
      } catch {
        return fail(new TypeError('the Try request has no JSON body'));
      }
      bridge.desktop('try.send', { id, body: sent as never }).then(
        (reply) => {
          if (reply.ok || over) return;
          // Refused by main (an invalid request): answered like the API would, as a JSON error.
          end();
          resolve(new Response(JSON.stringify({ error: { message: reply.error.message, code: reply.error.code } }), { status: reply.error.status, headers: { 'content-type': 'application/json' } }));
        },
        (err: unknown) => fail(err instanceof Error ? err : new TypeError(String(err))),
      );
    });
}
