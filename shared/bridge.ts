import type { CommandName, CommandPayload, CommandResult } from './commands.js';
import type { Push } from './push.js';

/**
 * What the renderer talks to: in Electron the preload exposes it as `window.loadout`; in the browser
 * an HTTP + SSE implementation stands in. Two verbs only.
 */
export interface LoadoutBridge {
  invoke<C extends CommandName>(command: C, payload: CommandPayload<C>): Promise<CommandResult<C>>;
  onEvent(listener: (push: Push) => void): () => void;
}

/** How an invoke failure crosses IPC: the error body, never a thrown Error with a stack. */
export type InvokeReply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; status: number; blocking?: string[] } };
