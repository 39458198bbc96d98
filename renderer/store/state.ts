import type { LogLine } from '../../shared/commands.js';
import type { LoadoutEvent } from '../../shared/events.js';
import type { GpuHistoryPoint, GpuSnapshot } from '../../shared/gpu.js';
import type { LoadPlanView, ModelView } from '../../shared/model-view.js';
import type { WatchdogSettingsView } from '../../shared/settings.js';
import { emptyLog, type AppendLog } from './append-log.js';

export const EVENTS_CAP = 10_000;
export const LOG_LINES_CAP = 2_000;
export const GPU_HISTORY_MS = 10 * 60_000;
export const TOASTS_CAP = 4;

/** `connecting` until the first snapshot; `offline` when even that failed (see connectionError). */
export type Connection = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export type ActionKind = 'load' | 'unload' | 'pin' | 'add';

/** A failed action, kept on the model's row until the next attempt succeeds. */
export interface ActionError {
  action: ActionKind;
  code: string;
  message: string;
  exit_code: number | null;
  log_tail: string[];
  at: string;
}

export interface Toast {
  id: number;
  message: string;
}

/** A refused load (pinned_conflict, no_memory, busy): shown as a notice, never as the model's last error. */
export interface RefusalNotice {
  id: number;
  model: string;
  code: string;
  message: string;
  /** The rule and the way out (from the server's `hint`). */
  hint: string | null;
}

/** A model's preflight plan as last fetched (or why it could not be). */
export type PlanEntry = { plan: LoadPlanView; error: null } | { plan: null; error: string };

export interface LogsState {
  /** The followed model, or null. */
  model: string | null;
  lines: AppendLog<LogLine>;
  /** False until `logs.tail` answered (or failed). */
  loaded: boolean;
  error: string | null;
}

export interface DashboardState {
  hasSnapshot: boolean;
  models: Readonly<Record<string, ModelView>>;
  /** Model names, sorted; a new array only when the set of names changes. */
  names: readonly string[];
  settings: WatchdogSettingsView | null;
  gpu: GpuSnapshot | null;
  gpuHistory: AppendLog<GpuHistoryPoint>;
  events: AppendLog<LoadoutEvent>;
  lastSeq: number;
  connection: Connection;
  connectionError: string | null;
  configError: string | null;
  /** What the running config ignores or could not use (from the snapshot, then `config_warning` events). */
  configWarnings: readonly string[];
  configFile: string | null;
  version: string | null;
  /** The API's base URL from the snapshot (the desktop app's page is not served by it). */
  apiUrl: string | null;
  logs: LogsState;
  pending: Readonly<Record<string, ActionKind>>;
  actionErrors: Readonly<Record<string, ActionError>>;
  toasts: readonly Toast[];
  nextToastId: number;
  /** The Add model dialog is open (the header button, the empty state or the tray's "Add model…"). */
  addModelOpen: boolean;
  /** Preflight plans by model, fetched when a Load control is hovered or focused. */
  plans: Readonly<Record<string, PlanEntry>>;
  refusals: readonly RefusalNotice[];
}

export function initialState(): DashboardState {
  return {
    hasSnapshot: false,
    models: {},
    names: [],
    settings: null,
    gpu: null,
    gpuHistory: emptyLog(),
    events: emptyLog(),
    lastSeq: 0,
    connection: 'connecting',
    connectionError: null,
    configError: null,
    configWarnings: [],
    configFile: null,
    version: null,
    apiUrl: null,
    logs: { model: null, lines: emptyLog(), loaded: false, error: null },
    pending: {},
    actionErrors: {},
    toasts: [],
    nextToastId: 1,
    addModelOpen: false,
    plans: {},
    refusals: [],
  };
}
