import type { LogLine } from '../../shared/commands.js';
import type { ModelView } from '../../shared/model-view.js';
import type { TransportError } from '../transport/transport-error.js';
import { emptyLog, logFromArray, logToArray } from './append-log.js';
import { applyPush } from './reducer.js';
import { LOG_LINES_CAP, TOASTS_CAP, type ActionKind, type DashboardState } from './state.js';

// Pure updates for the state the dashboard owns itself (pending actions, errors, toasts, the log panel).

function without<V>(record: Readonly<Record<string, V>>, key: string): Record<string, V> {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}

export function startAction(state: DashboardState, name: string, action: ActionKind): DashboardState {
  return { ...state, pending: { ...state.pending, [name]: action } };
}

/** A command answered with the model's new view: apply it like a push, clear the row's pending and error. */
export function actionSucceeded(state: DashboardState, name: string, model: ModelView): DashboardState {
  const next = applyPush(state, { type: 'model', model });
  const refusals = next.refusals.some((r) => r.model === name) ? next.refusals.filter((r) => r.model !== name) : next.refusals;
  return { ...next, pending: without(next.pending, name), actionErrors: without(next.actionErrors, name), refusals };
}

const VERB: Record<ActionKind, string> = { load: 'Load', unload: 'Unload', pin: 'Pin change for', add: 'Adding to the config of' };

/** Codes of loads refused by a rule (CONTRACT §4 rule 4): a notice, not a failure of the model. */
const REFUSALS = new Set(['pinned_conflict', 'no_memory', 'busy']);

export function actionFailed(state: DashboardState, name: string, action: ActionKind, error: TransportError, at: string): DashboardState {
  // A load cancelled from here (or anywhere) is what someone asked for, not a failure to report.
  if (error.code === 'load_cancelled') return { ...state, pending: state.pending[name] === action ? without(state.pending, name) : state.pending };
  if (action === 'load' && REFUSALS.has(error.code)) return loadRefused(state, name, error);
  const withToast = addToast(state, `${VERB[action]} ${name} failed: ${firstLine(error.message)}`);
  return {
    ...withToast,
    pending: without(state.pending, name),
    actionErrors: {
      ...state.actionErrors,
      [name]: {
        action,
        code: error.code,
        message: error.message,
        exit_code: error.details.exit_code ?? null,
        log_tail: error.details.log_tail ?? [],
        at,
      },
    },
  };
}

/** A refused load: a dismissable notice naming the rule and the way out; the row keeps no error. */
export function loadRefused(state: DashboardState, name: string, error: TransportError): DashboardState {
  const notice = { id: state.nextToastId, model: name, code: error.code, message: error.message, hint: error.details.hint ?? null };
  const refusals = [...state.refusals.filter((r) => r.model !== name), notice].slice(-TOASTS_CAP);
  return { ...state, pending: without(state.pending, name), refusals, nextToastId: state.nextToastId + 1 };
}

export function dismissRefusal(state: DashboardState, id: number): DashboardState {
  const refusals = state.refusals.filter((r) => r.id !== id);
  return refusals.length === state.refusals.length ? state : { ...state, refusals };
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? text;
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

export function addToast(state: DashboardState, message: string): DashboardState {
  const toasts = [...state.toasts, { id: state.nextToastId, message }];
  return { ...state, toasts: toasts.slice(-TOASTS_CAP), nextToastId: state.nextToastId + 1 };
}

export function dismissToast(state: DashboardState, id: number): DashboardState {
  const toasts = state.toasts.filter((t) => t.id !== id);
  return toasts.length === state.toasts.length ? state : { ...state, toasts };
}

export function followModel(state: DashboardState, model: string | null): DashboardState {
  return { ...state, logs: { model, lines: emptyLog(), loaded: model === null, error: null } };
}

function lineKey(l: LogLine): string {
  return `${l.at}\u0000${l.stream}\u0000${l.text}`;
}

/**
 * Puts the `logs.tail` answer in front of any live lines that came in while it was on its way,
 * dropping live lines the tail already holds.
 */
export function tailLoaded(state: DashboardState, model: string, tail: LogLine[]): DashboardState {
  if (state.logs.model !== model) return state;
  const seen = new Set(tail.map(lineKey));
  const live = logToArray(state.logs.lines).filter((l) => !seen.has(lineKey(l)));
  return { ...state, logs: { ...state.logs, lines: logFromArray([...tail, ...live], LOG_LINES_CAP), loaded: true, error: null } };
}

export function tailFailed(state: DashboardState, model: string, message: string): DashboardState {
  if (state.logs.model !== model) return state;
  return { ...state, logs: { ...state.logs, loaded: true, error: message } };
}
