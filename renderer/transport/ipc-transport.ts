import type { LoadoutBridge } from '../../shared/bridge.js';
import { toTransportError } from './transport-error.js';
import type { Transport } from './transport.js';

/**
 * The desktop face: the preload's bridge (`window.loadout`). IPC cannot drop, so there is no connection
 * state; log lines arrive as `log` pushes once main is told which model this window follows.
 */
export function createIpcTransport(bridge: LoadoutBridge, onError: (error: Error) => void): Transport {
  const report = (e: unknown): void => onError(toTransportError(e));
  return {
    async invoke(command, payload) {
      try {
        return await bridge.invoke(command, payload);
      } catch (e) {
        throw toTransportError(e);
      }
    },
    onEvent: (listener) => bridge.onEvent(listener),
    followLogs(model, listener) {
      let active = true;
      const off = bridge.onEvent((push) => {
        if (active && push.type === 'log' && push.model === model) listener(push.line);
      });
      // A failure here only means no live lines: the panel still shows the tail, so report and carry on.
      bridge.invoke('logs.follow', { name: model }).catch(report);
      return () => {
        active = false;
        off();
        bridge.invoke('logs.follow', { name: null }).catch(report);
      };
    },
  };
}
