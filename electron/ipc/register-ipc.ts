import { COMMAND_NAMES, commandSchemas, type CommandContext, type CommandHandlers, type CommandName, type LogLine } from '../../shared/commands.js';
import type { InvokeReply } from '../../shared/bridge.js';
import { IPC_CHANNELS } from '../../shared/http-routes.js';
import type { Push } from '../../shared/push.js';
import type { Logger } from '../engine/platform/logger.js';
import { describeIssues, failure, failureFromError } from './invoke-reply.js';
import { PushOutbox, type PushTarget } from './push-outbox.js';
import { isTrustedSender } from './trusted-sender.js';

/** The slice of `WebContents` IPC needs: send pushes, and learn when the page reloads or goes away. */
export interface SenderContents extends PushTarget {
  on(event: 'did-start-loading', listener: () => void): unknown;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface IpcEventLike {
  readonly senderFrame: { url: string } | null;
  readonly sender: SenderContents;
}

/** The slice of Electron's `ipcMain` used here (and recorded by the fake in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
}

export interface IpcOptions {
  ipcMain: IpcMainLike;
  commands: CommandHandlers;
  /** The dashboard window, if one exists; pushes go to its page. */
  getWindow: () => { webContents: SenderContents } | null;
  onPush: (listener: (push: Push) => void) => () => void;
  /** Live backend lines for one model (Service.onLog); backs the `logs.follow` command. */
  onLog: (model: string, listener: (line: LogLine) => void) => () => void;
  allowedOrigin?: string;
  maxQueued?: number;
  logger?: Logger;
}

export interface IpcRegistration {
  dispose(): void;
}

const KNOWN = new Set<string>(COMMAND_NAMES);
const isCommandName = (value: unknown): value is CommandName => typeof value === 'string' && KNOWN.has(value);

/**
 * The only bridge between the renderer and the command map: one invoke channel (sender check → known
 * command → schema parse → shared handler) and one push channel. Two verbs keep the attack surface and
 * the contract small; every decision about a command lives in the shared handlers.
 */
export function registerIpc(opts: IpcOptions): IpcRegistration {
  const { ipcMain, commands, allowedOrigin = 'app://ui' } = opts;
  const outbox = new PushOutbox(IPC_CHANNELS.event, opts.maxQueued);
  const follows = new Map<number, () => void>();
  const watched = new Set<number>();

  const stopFollowing = (id: number): void => {
    follows.get(id)?.();
    follows.delete(id);
  };

  // A page that reloads loses its listeners and its followed log; one that is destroyed is forgotten.
  const watch = (contents: SenderContents): void => {
    if (watched.has(contents.id)) return;
    watched.add(contents.id);
    contents.on('did-start-loading', () => {
      outbox.reset(contents.id);
      stopFollowing(contents.id);
    });
    contents.once('destroyed', () => {
      outbox.forget(contents.id);
      stopFollowing(contents.id);
      watched.delete(contents.id);
    });
  };

  const followLogsFor = (contents: SenderContents) => (name: string | null): void => {
    stopFollowing(contents.id);
    if (name === null) return;
    follows.set(contents.id, opts.onLog(name, (line) => outbox.deliver(contents, { type: 'log', model: name, line })));
  };

  const invoke = async (event: IpcEventLike, command: unknown, payload: unknown): Promise<InvokeReply<unknown>> => {
    if (!isTrustedSender(event.senderFrame, allowedOrigin)) {
      opts.logger?.warn('ipc call from an untrusted sender refused', { url: event.senderFrame?.url ?? null });
      return failure('forbidden', 'untrusted sender');
    }
    if (!isCommandName(command)) return failure('bad_request', `unknown command: ${String(command)}`);
    const parsed = commandSchemas[command].safeParse(payload ?? {});
    if (!parsed.success) return failure('bad_request', `invalid payload for ${command}: ${describeIssues(parsed.error)}`);
    watch(event.sender);
    const ctx: CommandContext = { origin: 'ui', followLogs: followLogsFor(event.sender) };
    // The map is typed per command; the parsed payload matches `command` by construction above.
    const handler = commands[command] as (payload: unknown, ctx: CommandContext) => Promise<unknown>;
    try {
      return { ok: true, value: await handler(parsed.data, ctx) };
    } catch (error) {
      const reply = failureFromError(error);
      if (reply.error.code === 'internal') opts.logger?.error('ipc command failed', { command, error: reply.error.message });
      return reply;
    }
  };

  const onReady = (event: IpcEventLike): void => {
    if (!isTrustedSender(event.senderFrame, allowedOrigin)) return;
    watch(event.sender);
    outbox.markReady(event.sender);
  };

  ipcMain.handle(IPC_CHANNELS.invoke, (event, command, payload) => invoke(event, command, payload));
  ipcMain.on(IPC_CHANNELS.ready, onReady);
  // No window yet means no page to update: it reads a fresh snapshot when it is created.
  const unsubscribe = opts.onPush((push) => {
    const contents = opts.getWindow()?.webContents;
    if (contents) outbox.deliver(contents, push);
  });

  return {
    dispose() {
      unsubscribe();
      for (const id of [...follows.keys()]) stopFollowing(id);
      ipcMain.removeHandler(IPC_CHANNELS.invoke);
      ipcMain.removeListener(IPC_CHANNELS.ready, onReady);
    },
  };
}
