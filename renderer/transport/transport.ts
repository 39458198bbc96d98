import type { LoadoutBridge } from '../../shared/bridge.js';
import type { LogLine } from '../../shared/commands.js';
import type { DesktopAction, DesktopPayload, DesktopResult } from '../../shared/desktop.js';

/** `reconnecting` while the push stream is down; `connected` once it is back (the store then re-reads the snapshot). */
export type ConnectionState = 'connected' | 'reconnecting';

/**
 * What the dashboard talks to. The bridge's two verbs, plus log following, which each face does its own
 * way (IPC: `logs.follow` + `log` pushes; HTTP: a per-model SSE stream).
 */
export interface Transport extends LoadoutBridge {
  followLogs(model: string, listener: (line: LogLine) => void): () => void;
  /** Absent where the channel cannot drop (IPC). */
  onConnection?(listener: (state: ConnectionState) => void): () => void;
  /** Desktop-only actions (file picker, open the config file); absent in a browser. */
  desktop?<A extends DesktopAction>(action: A, payload: DesktopPayload<A>): Promise<DesktopResult<A>>;
}
