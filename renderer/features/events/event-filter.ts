import type { EventType, LoadoutEvent } from '../../../shared/events.js';
import { logAt, logSize, type AppendLog } from '../../store/append-log.js';

export interface EventFilter {
  type: EventType | '';
  model: string;
}

export const NO_FILTER: EventFilter = { type: '', model: '' };

/** Random access, newest first, so the windowed list reads only the rows it shows. */
export interface EventView {
  size: number;
  at(i: number): LoadoutEvent | undefined;
}

export function filterEvents(log: AppendLog<LoadoutEvent>, filter: EventFilter): EventView {
  const n = logSize(log);
  if (!filter.type && !filter.model) return { size: n, at: (i) => logAt(log, n - 1 - i) };
  const out: LoadoutEvent[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const e = logAt(log, i);
    if (!e) continue;
    if (filter.type && e.type !== filter.type) continue;
    if (filter.model && e.model !== filter.model) continue;
    out.push(e);
  }
  return { size: out.length, at: (i) => out[i] };
}

export type EventTone = 'ok' | 'info' | 'warn' | 'bad' | 'idle';

/** How loud a row is: failures and refusals stand out, routine starts and stops stay quiet. */
export function eventTone(type: EventType): EventTone {
  switch (type) {
    case 'model_ready':
    case 'config_reloaded':
      return 'ok';
    case 'model_starting':
    case 'settings_changed':
    case 'model_pinned':
    case 'model_unpinned':
      return 'info';
    case 'model_evicted':
    case 'orphans_reaped':
    case 'config_warning':
      return 'warn';
    case 'model_failed':
    case 'load_refused':
    case 'config_invalid':
      return 'bad';
    case 'model_stopped':
      return 'idle';
    default:
      return type satisfies never;
  }
}
