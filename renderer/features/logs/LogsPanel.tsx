import { useCallback, useLayoutEffect, useRef, useState, type UIEvent } from 'react';
import { logAt, logSize } from '../../store/append-log.js';
import { useActions, useDashboard } from '../../store/hooks.js';
import { useWindow } from '../../lib/use-window.js';
import { formatClock } from '../../lib/format.js';
import { Panel } from '../../ui/Panel.js';
import './logs.css';

/** Must match `.log-line` height in logs.css; lines do not wrap (the panel scrolls sideways) so windowing holds. */
const LINE_HEIGHT = 18;
/** How close to the bottom still counts as "following". */
const STICK_PX = 24;

function ModelPicker() {
  const names = useDashboard((s) => s.names);
  const model = useDashboard((s) => s.logs.model);
  const { followLogs } = useActions();
  return (
    <select className="field field-compact" aria-label="Logs for model" value={model ?? ''} onChange={(e) => followLogs(e.target.value || null)}>
      <option value="">Choose a model…</option>
      {names.map((n) => <option key={n} value={n}>{n}</option>)}
    </select>
  );
}

/** Live backend output of one model: the tail first, then new lines as they come; stderr stands out. */
export function LogsPanel() {
  const model = useDashboard((s) => s.logs.model);
  const lines = useDashboard((s) => s.logs.lines);
  const loaded = useDashboard((s) => s.logs.loaded);
  const error = useDashboard((s) => s.logs.error);
  const count = logSize(lines);
  const list = useWindow(count, LINE_HEIGHT);
  const stuck = useRef(true);
  const [following, setFollowing] = useState(true);

  const onScroll = useCallback((e: UIEvent<HTMLDivElement>) => {
    list.onScroll(e);
    const el = e.currentTarget;
    stuck.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    setFollowing(stuck.current);
  }, [list]);

  const jumpToEnd = useCallback(() => {
    const el = list.ref.current;
    if (el) el.scrollTop = el.scrollHeight;
    stuck.current = true;
    setFollowing(true);
  }, [list.ref]);

  // New lines keep the view at the bottom, unless the user scrolled up to read.
  useLayoutEffect(() => {
    const el = list.ref.current;
    if (el && stuck.current) el.scrollTop = el.scrollHeight;
  }, [lines, list.ref]);

  useLayoutEffect(() => {
    stuck.current = true;
    setFollowing(true);
  }, [model]);

  const rows = [];
  for (let i = list.window.start; i < list.window.end; i++) {
    const l = logAt(lines, i);
    if (l) {
      rows.push(
        <div key={i} className={`log-line log-${l.stream}`} role="listitem">
          <span className="log-time" title={l.at}>{formatClock(l.at)}</span>
          <span className="log-text">{l.text}</span>
        </div>,
      );
    }
  }

  const actions = (
    <>
      {!following && count > 0 ? <button type="button" className="btn btn-small" onClick={jumpToEnd}>Jump to latest</button> : null}
      <ModelPicker />
    </>
  );

  return (
    <Panel title="Logs" className="logs-panel" actions={actions}>
      <div className="logs-body">
        {error ? <p className="logs-error" role="status">Could not read the log: {error}</p> : null}
        <div className="logs-scroll mono" ref={list.ref} onScroll={onScroll} tabIndex={0} role="log" aria-live="off" aria-label={model ? `Log of ${model}` : 'Log'}>
          <div role="list">
            {list.window.padTop > 0 ? <div aria-hidden="true" style={{ height: list.window.padTop }} /> : null}
            {rows}
            {list.window.padBottom > 0 ? <div aria-hidden="true" style={{ height: list.window.padBottom }} /> : null}
          </div>
          {count === 0 ? (
            <p className="empty">{model === null ? 'Pick a model to follow its output.' : loaded ? 'No output yet.' : 'Loading…'}</p>
          ) : null}
        </div>
      </div>
    </Panel>
  );
}
