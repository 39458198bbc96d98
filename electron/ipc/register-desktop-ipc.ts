import type { InvokeReply } from '../../shared/bridge.js';
import { DESKTOP_ACTIONS, DESKTOP_CHANNEL, desktopSchemas, type DesktopAction, type DesktopParsed, type DesktopResults } from '../../shared/desktop.js';
import type { Logger } from '../engine/platform/logger.js';
import { describeIssues, failure, failureFromError } from './invoke-reply.js';
import type { IpcMainLike } from './register-ipc.js';
import type { TryStreams, TryTarget } from './try-streams.js';
import { isTrustedSender } from './trusted-sender.js';

/** The native effects behind the desktop actions: Electron's dialog and shell in main, recorders in tests. */
export interface DesktopEffects {
  /** `dialog.showOpenDialog` with MODEL_FILE_DIALOG; the chosen file, or null when cancelled. */
  pickModelFile(): Promise<string | null>;
  /** `shell.openPath(file)`: '' on success, else the reason it could not open. */
  openPath(file: string): Promise<string>;
}

/** The Open dialog of the Add model picker: one existing `.gguf` file. */
export const MODEL_FILE_DIALOG = {
  title: 'Add a model file',
  buttonLabel: 'Add',
  properties: ['openFile' as const],
  filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
};

export interface DesktopIpcOptions {
  ipcMain: IpcMainLike;
  effects: DesktopEffects;
  /** The config file `config.open` opens (the running service's). */
  configFile: string;
  /** The Try box's requests (`try.send`, `try.stop`). */
  tries: TryStreams;
  allowedOrigin?: string;
  logger?: Logger;
}

const KNOWN = new Set<string>(DESKTOP_ACTIONS);
const isAction = (value: unknown): value is DesktopAction => typeof value === 'string' && KNOWN.has(value);

/**
 * The desktop-only channel: sender check → known action → schema parse → effect, as the command
 * channel does. Only main touches Electron's dialog and shell; the page gets plain answers.
 */
export function registerDesktopIpc(opts: DesktopIpcOptions): { dispose(): void } {
  const { ipcMain, effects, allowedOrigin = 'app://ui' } = opts;
  const run: { [A in DesktopAction]: (payload: DesktopParsed<A>, sender: TryTarget) => Promise<DesktopResults[A]> } = {
    'file.pickModel': async () => ({ path: await effects.pickModelFile() }),
    'config.open': async () => {
      const problem = await effects.openPath(opts.configFile);
      if (problem) throw new Error(`could not open ${opts.configFile}: ${problem}`);
      return { opened: opts.configFile };
    },
    'try.send': async (p, sender) => {
      opts.tries.start(sender, p.id, p.body);
      return { started: true };
    },
    'try.stop': async (p, sender) => ({ stopped: opts.tries.stop(sender, p.id) }),
  };
  ipcMain.handle(DESKTOP_CHANNEL, async (event, action: unknown, payload: unknown): Promise<InvokeReply<unknown>> => {
    if (!isTrustedSender(event.senderFrame, allowedOrigin)) {
      opts.logger?.warn('desktop ipc call from an untrusted sender refused', { url: event.senderFrame?.url ?? null });
      return failure('forbidden', 'untrusted sender');
    }
    if (!isAction(action)) return failure('bad_request', `unknown desktop action: ${String(action)}`);
    const parsed = desktopSchemas[action].safeParse(payload ?? {});
    if (!parsed.success) return failure('bad_request', `invalid payload for ${action}: ${describeIssues(parsed.error)}`);
    try {
      // The parsed payload matches `action` by construction above.
      const handler = run[action] as (payload: unknown, sender: TryTarget) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data, event.sender) };
    } catch (error) {
      const reply = failureFromError(error);
      if (reply.error.code === 'internal') opts.logger?.error('desktop action failed', { action, error: reply.error.message });
      return reply;
    }
  });
  return { dispose: () => ipcMain.removeHandler(DESKTOP_CHANNEL) };
}
