import type { ModelView } from '../../shared/model-view.js';
import type { Push } from '../../shared/push.js';
import type { WatchdogPatch, WatchdogSettingsView } from '../../shared/settings.js';
import type { Timers } from '../transport/sse-stream.js';
import { toTransportError, type TransportError } from '../transport/transport-error.js';
import type { ConnectionState, Transport } from '../transport/transport.js';
import * as m from './mutations.js';
import { applyPush, applySnapshot } from './reducer.js';
import type { ActionKind, DashboardState } from './state.js';
import type { DashboardStore } from './store.js';

export const LOG_TAIL_LINES = 500;
const SNAPSHOT_RETRY_MS = 3_000;

export type SettingsResult = { ok: true; settings: WatchdogSettingsView } | { ok: false; error: TransportError };
export type AddFileResult = { ok: true; model: ModelView } | { ok: false; error: TransportError };

/** What only the desktop app offers (absent in a browser). */
export interface DesktopActions {
  /** The native Open dialog for a .gguf file; null when cancelled. */
  pickModelFile(): Promise<string | null>;
  openConfigFile(): Promise<void>;
}

export interface DashboardActions {
  /** Reads the snapshot, then follows pushes. Returns the function that stops everything. */
  start(): () => void;
  load(name: string): Promise<void>;
  unload(name: string): Promise<void>;
  setPinned(name: string, pinned: boolean): Promise<void>;
  /** Writes a discovered model into the config file. */
  addToConfig(name: string): Promise<void>;
  updateSettings(patch: WatchdogPatch): Promise<SettingsResult>;
  /** Shows `name`'s log in the panel (tail, then live lines); null stops following. */
  followLogs(name: string | null): void;
  dismissToast(id: number): void;
  openAddModel(): void;
  closeAddModel(): void;
  /** Adds a GGUF file by path to the config file (`models.addFile`). */
  addFile(path: string, name?: string): Promise<AddFileResult>;
  /** Fetches what a load of `name` would do now (`models.plan`) into `plans`. */
  fetchPlan(name: string): Promise<void>;
  dismissRefusal(id: number): void;
  desktop: DesktopActions | null;
}

export interface ActionDeps {
  store: DashboardStore;
  transport: Transport;
  timers: Timers;
  now: () => Date;
}

/** Actions are plain functions over the store and the transport; components only call them. */
export function createActions({ store, transport, timers, now }: ActionDeps): DashboardActions {
  const update = (fn: (s: DashboardState) => DashboardState): void => store.setState(fn(store.getState()), true);
  let stopFollowing: (() => void) | null = null;
  let stopped = false;

  async function refreshSnapshot(): Promise<boolean> {
    try {
      const snap = await transport.invoke('snapshot.get', {});
      if (!stopped) update((s) => ({ ...applySnapshot(s, snap), connectionError: null }));
      return true;
    } catch (e) {
      const err = toTransportError(e);
      if (!stopped) update((s) => ({ ...s, connection: s.hasSnapshot ? s.connection : 'offline', connectionError: err.message }));
      return false;
    }
  }

  function onPush(push: Push): void {
    // Log lines reach the panel through followLogs (every transport has it); the IPC copy of the same
    // line on the main channel is skipped so it is not shown twice.
    if (push.type === 'log') return;
    update((s) => applyPush(s, push));
  }

  function onConnection(state: ConnectionState): void {
    const was = store.getState().connection;
    update((s) => ({ ...s, connection: state }));
    // Models may have changed while the stream was down; unnumbered pushes are not replayed.
    if (state === 'connected' && was === 'reconnecting') void refreshSnapshot();
  }

  async function run(name: string, action: ActionKind, call: () => Promise<ModelView>): Promise<void> {
    update((s) => m.startAction(s, name, action));
    try {
      const model = await call();
      update((s) => m.actionSucceeded(s, name, model));
    } catch (e) {
      update((s) => m.actionFailed(s, name, action, toTransportError(e), now().toISOString()));
    }
  }

  return {
    start() {
      let offConnection: (() => void) | undefined;
      let offEvents: (() => void) | undefined;
      let retry: unknown = null;
      const connect = async (): Promise<void> => {
        retry = null;
        if (!(await refreshSnapshot())) {
          if (!stopped) retry = timers.setTimeout(() => void connect(), SNAPSHOT_RETRY_MS);
          return;
        }
        if (stopped || offEvents) return;
        offConnection = transport.onConnection?.(onConnection);
        offEvents = transport.onEvent(onPush);
        // IPC has no connection state to report: it is up as soon as main answered.
        if (!transport.onConnection) update((s) => ({ ...s, connection: 'connected' }));
      };
      void connect();
      return () => {
        stopped = true;
        if (retry !== null) timers.clearTimeout(retry);
        offConnection?.();
        offEvents?.();
        stopFollowing?.();
      };
    },
    load: (name) => run(name, 'load', () => transport.invoke('models.load', { name })),
    unload: (name) => run(name, 'unload', () => transport.invoke('models.unload', { name })),
    setPinned: (name, pinned) => run(name, 'pin', () => transport.invoke('models.setPinned', { name, pinned })),
    addToConfig: (name) => run(name, 'add', () => transport.invoke('models.add', { name })),
    async updateSettings(patch) {
      try {
        const settings = await transport.invoke('settings.update', patch);
        update((s) => ({ ...s, settings }));
        return { ok: true, settings };
      } catch (e) {
        return { ok: false, error: toTransportError(e) };
      }
    },
    followLogs(name) {
      if (store.getState().logs.model === name && (name === null || stopFollowing)) return;
      stopFollowing?.();
      stopFollowing = null;
      update((s) => m.followModel(s, name));
      if (name === null) return;
      // Live lines first, so nothing written between the tail and the subscription is lost; tailLoaded de-duplicates.
      stopFollowing = transport.followLogs(name, (line) => update((s) => applyPush(s, { type: 'log', model: name, line })));
      transport.invoke('logs.tail', { name, tail: LOG_TAIL_LINES }).then(
        ({ lines }) => update((s) => m.tailLoaded(s, name, lines)),
        (e: unknown) => update((s) => m.tailFailed(s, name, toTransportError(e).message)),
      );
    },
    dismissToast: (id) => update((s) => m.dismissToast(s, id)),
    openAddModel: () => update((s) => (s.addModelOpen ? s : { ...s, addModelOpen: true })),
    closeAddModel: () => update((s) => (s.addModelOpen ? { ...s, addModelOpen: false } : s)),
    async addFile(path, name) {
      try {
        const model = await transport.invoke('models.addFile', name ? { path, name } : { path });
        update((s) => applyPush(s, { type: 'model', model }));
        return { ok: true, model };
      } catch (e) {
        return { ok: false, error: toTransportError(e) };
      }
    },
    async fetchPlan(name) {
      try {
        const plan = await transport.invoke('models.plan', { name });
        update((s) => ({ ...s, plans: { ...s.plans, [name]: { plan, error: null } } }));
      } catch (e) {
        const error = toTransportError(e).message;
        update((s) => ({ ...s, plans: { ...s.plans, [name]: { plan: null, error } } }));
      }
    },
    dismissRefusal: (id) => update((s) => m.dismissRefusal(s, id)),
    desktop: desktopActions(transport),
  };
}

function desktopActions(transport: Transport): DesktopActions | null {
  const desktop = transport.desktop?.bind(transport);
  if (!desktop) return null;
  return {
    pickModelFile: async () => (await desktop('file.pickModel', {})).path,
    openConfigFile: async () => void (await desktop('config.open', {})),
  };
}
