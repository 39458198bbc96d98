import { assertNever } from '../../shared/assert-never.js';
import { eventSentence } from '../../shared/event-text.js';
import type { LoadoutEvent } from '../../shared/events.js';

export interface DesktopNotice {
  model: string;
  title: string;
  body: string;
}

/**
 * Which events deserve a desktop notification: the ones where a model went away without the user
 * asking (evicted, failed, died on its own). Loads, manual unloads and pins are the user's own doing.
 * The body is the event's sentence, then for failures the backend's last lines.
 */
export function notificationFor(event: LoadoutEvent): DesktopNotice | null {
  if (event.model === null) return null;
  switch (event.type) {
    case 'model_evicted':
      return { model: event.model, title: `${event.model} was unloaded`, body: eventSentence(event) };
    case 'model_failed':
      return { model: event.model, title: `${event.model} failed to start`, body: withTail(eventSentence(event), event.data.log_tail) };
    case 'model_stopped':
      return event.reason === 'exited' ? { model: event.model, title: `${event.model} crashed`, body: withTail(eventSentence(event), event.data.log_tail) } : null;
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

/** The sentence, then the backend's last lines that it does not already quote (the body keeps a few). */
function withTail(sentence: string, tail: string[] | undefined): string {
  const lines = (tail ?? []).map((l) => l.trim()).filter((l) => l !== '' && !sentence.endsWith(l));
  return [sentence, ...lines.slice(-3)].join('\n');
}
