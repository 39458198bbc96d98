import { memo, useMemo, useState } from 'react';
import { EVENT_TYPES, type EventType, type LoadoutEvent } from '../../../shared/events.js';
import { formatClock } from '../../lib/format.js';
import { useWindow } from '../../lib/use-window.js';
import { useDashboard } from '../../store/hooks.js';
import { Panel } from '../../ui/Panel.js';
import { eventTone, filterEvents, NO_FILTER, type EventFilter } from './event-filter.js';
import './events.css';

const ROW_HEIGHT = 30;

const EventRow = memo(function EventRow({ event, rowIndex }: { event: LoadoutEvent; rowIndex: number }) {
  return (
    <tr aria-rowindex={rowIndex}>
      <td className="mono faint" title={event.at}>{formatClock(event.at)}</td>
      <td><span className={`etype etype-${eventTone(event.type)}`}>{event.type}</span></td>
      <td className="ev-model" title={event.model ?? undefined}>{event.model ?? <span className="faint">—</span>}</td>
      <td>{event.reason ?? <span className="faint">—</span>}</td>
      <td className="ev-message" title={event.message}>{event.message}</td>
    </tr>
  );
});

function Filters({ filter, onChange }: { filter: EventFilter; onChange: (f: EventFilter) => void }) {
  const names = useDashboard((s) => s.names);
  return (
    <>
      <select className="field field-compact" aria-label="Filter events by type" value={filter.type} onChange={(e) => onChange({ ...filter, type: e.target.value as EventType | '' })}>
        <option value="">All types</option>
        {EVENT_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
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

  const rows = [];
  for (let i = win.start; i < win.end; i++) {
    const e = view.at(i);
    if (e) rows.push(<EventRow key={e.seq} event={e} rowIndex={i + 2} />);
  }

  return (
    <Panel title="Events" className="events-panel" actions={<Filters filter={filter} onChange={setFilter} />}>
      <div className="events-scroll" ref={ref} onScroll={onScroll} tabIndex={0}>
        <table className="events-table" aria-label="Events" aria-rowcount={view.size + 1}>
          <colgroup><col className="w-time" /><col className="w-type" /><col className="w-model" /><col className="w-reason" /><col /></colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col">Time</th><th scope="col">Type</th><th scope="col">Model</th><th scope="col">Reason</th><th scope="col">Message</th>
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
    </Panel>
  );
}
