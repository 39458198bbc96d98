import { assertNever } from '../../shared/assert-never.js';
import type { LoadoutEvent } from '../../shared/events.js';

export interface DesktopNotice {
  model: string;
  title: string;
  body: string;
}

/**
 * Which events deserve a desktop notification: the ones where a model went away without the user
 * asking (evicted, failed, died on its own). Loads, manual unloads and pins are the user's own doing.
 */
export function notificationFor(event: LoadoutEvent): DesktopNotice | null {
  if (event.model === null) return null;
  switch (event.type) {
    case 'model_evicted':
      return { model: event.model, title: `${event.model} unloaded (${event.reason ?? 'evicted'})`, body: event.message };
    case 'model_failed':
      return { model: event.model, title: `${event.model} failed`, body: event.message };
    case 'model_stopped':
      return event.reason === 'exited' ? { model: event.model, title: `${event.model} exited`, body: event.message } : null;
    case 'model_starting':
    case 'model_ready':
    case 'load_refused':
    case 'model_pinned':
    case 'model_unpinned':
    case 'config_reloaded':
    case 'config_invalid':
    case 'config_warning':
    case 'settings_changed':
    case 'orphans_reaped':
      return null;
    default:
      return assertNever(event, 'event');
  }
}
