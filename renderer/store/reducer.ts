import { assertNever } from '../../shared/assert-never.js';
import type { Snapshot } from '../../shared/commands.js';
import type { LoadoutEvent } from '../../shared/events.js';
import type { GpuHistoryPoint } from '../../shared/gpu.js';
import type { ModelView } from '../../shared/model-view.js';
import type { Push } from '../../shared/push.js';
import { appendToLog, dropWhile, logFromArray, type AppendLog } from './append-log.js';
import { EVENTS_CAP, GPU_HISTORY_MS, LOG_LINES_CAP, type DashboardState } from './state.js';

function sortedNames(models: Record<string, ModelView>): string[] {
  return Object.keys(models).sort((a, b) => a.localeCompare(b));
}

/** The config banner follows the newest config event: an invalid edit sets it, a good reload clears it. */
function configErrorAfter(current: string | null, event: LoadoutEvent): string | null {
  if (event.type === 'config_invalid') return event.message;
  if (event.type === 'config_reloaded') return null;
  return current;
}

function applyEvent(state: DashboardState, event: LoadoutEvent): DashboardState {
  // Numbered events can arrive twice around a reconnect (replay after Last-Event-ID, then the snapshot).
  if (event.seq <= state.lastSeq) return state;
  return {
    ...state,
    events: appendToLog(state.events, event, EVENTS_CAP),
    lastSeq: event.seq,
    configError: configErrorAfter(state.configError, event),
    // Each config_warning event carries the whole current list.
    configWarnings: event.type === 'config_warning' ? event.data.warnings : state.configWarnings,
  };
}

function applyModel(state: DashboardState, model: ModelView): DashboardState {
  const known = model.name in state.models;
  const models = { ...state.models, [model.name]: model };
  return { ...state, models, names: known ? state.names : sortedNames(models) };
}

function pointTime(p: GpuHistoryPoint): number {
  return Date.parse(p.at);
}

/** Keeps the history to the last GPU_HISTORY_MS before its newest point. */
function trimHistory(history: AppendLog<GpuHistoryPoint>, newest: GpuHistoryPoint): AppendLog<GpuHistoryPoint> {
  const cutoff = pointTime(newest) - GPU_HISTORY_MS;
  return dropWhile(history, (p) => pointTime(p) < cutoff);
}

// A generous count cap on top of the time window, in case a sampler ever reports far faster than 1 Hz.
const HISTORY_POINTS_CAP = 5_000;

/** The dashboard's one reducer, for IPC and SSE alike. Pure: returns the same object when nothing changed. */
export function applyPush(state: DashboardState, push: Push): DashboardState {
  switch (push.type) {
    case 'event':
      return applyEvent(state, push.event);
    case 'model':
      return applyModel(state, push.model);
    case 'settings':
      return { ...state, settings: push.settings };
    case 'gpu': {
      if (!push.point) return { ...state, gpu: push.gpu };
      const gpuHistory = trimHistory(appendToLog(state.gpuHistory, push.point, HISTORY_POINTS_CAP), push.point);
      return { ...state, gpu: push.gpu, gpuHistory };
    }
    case 'log':
      if (push.model !== state.logs.model) return state;
      return { ...state, logs: { ...state.logs, lines: appendToLog(state.logs.lines, push.line, LOG_LINES_CAP) } };
    case 'ui':
      return { ...state, addModelOpen: true };
    case 'try':
      return state; // read by the Try box's own listener

    default:
      return assertNever(push, 'push');
  }
}

/**
 * Applies a snapshot (first connect, or after a reconnect). Models, settings and GPU data are replaced;
 * events are merged by seq so the timeline keeps what it had and gains what it missed.
 */
export function applySnapshot(state: DashboardState, snap: Snapshot): DashboardState {
  const models: Record<string, ModelView> = {};
  for (const m of snap.models) models[m.name] = m;
  const names = sortedNames(models);
  const sameNames = names.length === state.names.length && names.every((n, i) => n === state.names[i]);

  let next: DashboardState = {
    ...state,
    hasSnapshot: true,
    models,
    names: sameNames ? state.names : names,
    settings: snap.settings,
    gpu: snap.gpu,
    gpuHistory: logFromArray(snap.gpu_history, HISTORY_POINTS_CAP),
    configError: snap.config_error,
    configFile: snap.config_file,
    version: snap.version,
    apiUrl: snap.api_url ?? null,
  };
  const events = [...snap.events].sort((a, b) => a.seq - b.seq);
  for (const e of events) {
    if (e.seq > next.lastSeq) next = { ...next, events: appendToLog(next.events, e, EVENTS_CAP), lastSeq: e.seq };
  }
  // The snapshot's config_error is current; replayed events above must not override it.
  return { ...next, configError: snap.config_error, configWarnings: snap.config_warnings, lastSeq: Math.max(next.lastSeq, snap.last_seq) };
}
