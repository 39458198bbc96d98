import { eventSentence } from '../../../shared/event-text.js';
import type { LoadoutEvent } from '../../../shared/events.js';
import { formatClock } from '../../lib/format.js';

export const EVENT_DETAILS_ID = 'event-details';

/** What the backend printed last, where the event carries it (failures, crashes). */
function logTail(e: LoadoutEvent): string[] {
  const data = e.data as { log_tail?: unknown };
  return Array.isArray(data.log_tail) ? data.log_tail.filter((l): l is string => typeof l === 'string') : [];
}

/** One event in full: its sentence, the engine's whole message, the raw type and reason, the log tail. */
export function EventDetails({ event, onClose }: { event: LoadoutEvent; onClose: () => void }) {
  const tail = logTail(event);
  return (
    <div className="event-details" id={EVENT_DETAILS_ID} role="region" aria-label={`Details of event ${event.seq}`}>
      <div className="event-details-head">
        <strong>{eventSentence(event)}</strong>
        <button type="button" className="btn btn-ghost btn-small" aria-label="Close event details" onClick={onClose}>
          ✕
        </button>
      </div>
      <p className="event-full-message">{event.message}</p>
      <dl className="event-facts">
        <dt>Time</dt><dd><time dateTime={event.at}>{formatClock(event.at)}</time> <span className="faint mono">{event.at}</span></dd>
        <dt>Type</dt><dd className="mono">{event.type}</dd>
        {event.reason ? <><dt>Reason</dt><dd className="mono">{event.reason}</dd></> : null}
        <dt>Number</dt><dd className="mono">{event.seq}</dd>
      </dl>
      {tail.length > 0 ? <pre className="event-tail mono" aria-label="Last log lines">{tail.join('\n')}</pre> : null}
    </div>
  );
}
