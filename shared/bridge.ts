import type { CommandName, CommandPayload, CommandResult } from './commands.js';
import type { DesktopAction, DesktopPayload, DesktopResult } from './desktop.js';
import type { Push } from './push.js';

/**
 * What the renderer talks to: in Electron the preload exposes it as `window.loadout`; in the browser
 * an HTTP + SSE implementation stands in. Two verbs only.
 */
export interface LoadoutBridge {
  invoke<C extends CommandName>(command: C, payload: CommandPayload<C>): Promise<CommandResult<C>>;
  onEvent(listener: (push: Push) => void): () => void;
}

/** How an invoke failure crosses IPC: the error body (as the HTTP API sends it), never a stack. */
export interface InvokeFailureBody {
  code: string;
  message: string;
  status: number;
  blocking?: string[];
  exit_code?: number | null;
  log_tail?: string[];
  retry_after_s?: number;
  field?: string;
  /** A refused load: the rule and the way out. */
  hint?: string;
}

export type InvokeReply<T> = { ok: true; value: T } | { ok: false; error: InvokeFailureBody };

/**
 * What the preload exposes as `window.loadout`. Replies cross the context bridge as plain objects: an
 * Error thrown across it keeps only its message (electron/electron#25596), losing code and details.
 * The renderer's IPC transport unwraps them into the same errors the HTTP transport throws.
 */
export interface PreloadApi {
  invoke<C extends CommandName>(command: C, payload: CommandPayload<C>): Promise<InvokeReply<CommandResult<C>>>;
  onEvent(listener: (push: Push) => void): () => void;
  /** Desktop-only actions (shared/desktop.ts): the file picker, opening the config file. */
  desktop?<A extends DesktopAction>(action: A, payload: DesktopPayload<A>): Promise<InvokeReply<DesktopResult<A>>>;
}
