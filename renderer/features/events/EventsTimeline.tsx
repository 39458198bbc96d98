import { memo, useCallback, useMemo, useState } from 'react';
import { EVENT_TYPE_WORDS, eventSentence } from '../../../shared/event-text.js';
import { EVENT_TYPES, type EventType, type LoadoutEvent } from '../../../shared/events.js';
import { formatClock } from '../../lib/format.js';
import { useWindow } from '../../lib/use-window.js';
import { useDashboard } from '../../store/hooks.js';
import { Panel } from '../../ui/Panel.js';
import { eventTone, filterEvents, NO_FILTER, type EventFilter } from './event-filter.js';
import { EVENT_DETAILS_ID, EventDetails } from './EventDetails.js';
import './events.css';

const ROW_HEIGHT = 30;

interface EventRowProps {
  event: LoadoutEvent;
  rowIndex: number;
  open: boolean;
  onToggle: (e: LoadoutEvent) => void;
}

/** The sentence first (the disclosure shows the full message); the raw type and reason stay, small. */
const EventRow = memo(function EventRow({ event, rowIndex, open, onToggle }: EventRowProps) {
  const sentence = eventSentence(event);
  return (
    <tr aria-rowindex={rowIndex} className={open ? 'ev-open' : undefined}>
      <td className="mono faint"><time dateTime={event.at}>{formatClock(event.at)}</time></td>
      <td>
        <div className="ev-sentence">
          <button
            type="button"
            className="ev-expand"
            aria-expanded={open}
            aria-controls={open ? EVENT_DETAILS_ID : undefined}
            aria-label={`Full message of event ${event.seq}`}
            onClick={() => onToggle(event)}
          >
            <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          </button>
          <span className={`ev-dot ev-dot-${eventTone(event.type)}`} aria-hidden="true" />
          <span className="ev-text">{sentence}</span>
        </div>
      </td>
      <td className="ev-model">{event.model ?? <span className="faint">—</span>}</td>
      <td className="ev-code"><span className={`etype etype-${eventTone(event.type)}`}>{event.type}</span></td>
      <td className="ev-code">{event.reason ?? <span className="faint">—</span>}</td>
    </tr>
  );
});

function Filters({ filter, onChange }: { filter: EventFilter; onChange: (f: EventFilter) => void }) {
  const names = useDashboard((s) => s.names);
  return (
    <>
      <select className="field field-compact" aria-label="Filter events by type" value={filter.type} onChange={(e) => onChange({ ...filter, type: e.target.value as EventType | '' })}>
        <option value="">All types</option>
        {EVENT_TYPES.map((t) => <option key={t} value={t}>{`${EVENT_TYPE_WORDS[t]} (${t})`}</option>)}
      </select>
      <select className="field field-compact" aria-label="Filter events by model" value={filter.model} onChange={(e) => onChange({ ...filter, model: e.target.value })}>
        <option value="">All models</option>
        {names.map((n) => <option key={n} value={n}>{n}</option>)}
      </select>
    </>
  );
}

/** The event log, newest first. Windowed: 10,000 events cost as many DOM rows as fit on screen. */
export function EventsTimeline() {
  const log = useDashboard((s) => s.events);
  const [filter, setFilter] = useState<EventFilter>(NO_FILTER);
  const view = useMemo(() => filterEvents(log, filter), [log, filter]);
  const { ref, onScroll, window: win } = useWindow(view.size, ROW_HEIGHT);
  // Details open below the list rather than inside it: windowing needs rows of one height.
  const [open, setOpen] = useState<LoadoutEvent | null>(null);
  const toggle = useCallback((e: LoadoutEvent) => setOpen((cur) => (cur?.seq === e.seq ? null : e)), []);

  const rows = [];
  for (let i = win.start; i < win.end; i++) {
    const e = view.at(i);
    if (e) rows.push(<EventRow key={e.seq} event={e} rowIndex={i + 2} open={open?.seq === e.seq} onToggle={toggle} />);
  }

  return (
    <Panel title="Events" className="events-panel" actions={<Filters filter={filter} onChange={setFilter} />}>
      <div className="events-scroll" ref={ref} onScroll={onScroll} tabIndex={0}>
        <table className="events-table" aria-label="Events" aria-rowcount={view.size + 1}>
          <colgroup><col className="w-time" /><col /><col className="w-model" /><col className="w-type" /><col className="w-reason" /></colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col">Time</th><th scope="col">What happened</th><th scope="col">Model</th><th scope="col">Type</th><th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {win.padTop > 0 ? <tr className="spacer" aria-hidden="true" style={{ height: win.padTop }}><td colSpan={5} /></tr> : null}
            {rows}
            {win.padBottom > 0 ? <tr className="spacer" aria-hidden="true" style={{ height: win.padBottom }}><td colSpan={5} /></tr> : null}
          </tbody>
        </table>
        {view.size === 0 ? <p className="empty">{filter === NO_FILTER ? 'No events yet.' : 'No events match these filters.'}</p> : null}
      </div>
      {open ? <EventDetails event={open} onClose={() => setOpen(null)} /> : null}
    </Panel>
  );
}
