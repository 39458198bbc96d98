import type { InvokeReply, PreloadApi } from '../../shared/bridge.js';
import { toTransportError } from './transport-error.js';
import type { Transport } from './transport.js';

/**
 * The desktop face: the preload's bridge (`window.loadout`). IPC cannot drop, so there is no connection
 * state; log lines arrive as `log` pushes once main is told which model this window follows.
 */
async function unwrap<T>(call: () => Promise<InvokeReply<T>>): Promise<T> {
  let reply;
  try {
    reply = await call();
  } catch (e) {
    throw toTransportError(e);
  }
  if (reply.ok) return reply.value;
  throw toTransportError(reply.error);
}

export function createIpcTransport(bridge: PreloadApi, onError: (error: Error) => void): Transport {
  const report = (e: unknown): void => onError(toTransportError(e));
  const desktop = bridge.desktop?.bind(bridge);
  return {
    invoke: (command, payload) => unwrap(() => bridge.invoke(command, payload)),
    ...(desktop ? { desktop: (action, payload) => unwrap(() => desktop(action, payload)) } : {}),
    onEvent: (listener) => bridge.onEvent(listener),
    followLogs(model, listener) {
      let active = true;
      const off = bridge.onEvent((push) => {
        if (active && push.type === 'log' && push.model === model) listener(push.line);
      });
      // A failure here only means no live lines: the panel still shows the tail, so report and carry on.
      bridge.invoke('logs.follow', { name: model }).then((r) => r.ok || report(r.error), report);
      return () => {
        active = false;
        off();
        bridge.invoke('logs.follow', { name: null }).then((r) => r.ok || report(r.error), report);
      };
    },
  };
}
