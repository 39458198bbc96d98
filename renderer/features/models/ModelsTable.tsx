import { useCallback, useRef, useState } from 'react';
import { useDashboard } from '../../store/hooks.js';
import { useCssPixels } from '../../lib/use-css-pixels.js';
import { useWindow } from '../../lib/use-window.js';
import { Panel } from '../../ui/Panel.js';
import { EmptyModels } from '../add-model/EmptyModels.js';
import { ErrorDetails } from './ErrorDetails.js';
import { ModelRow } from './ModelRow.js';
import { ModelsSummary } from './ModelsSummary.js';
import './models.css';
import './models-cards.css';

/**
 * Windowing relies on fixed rows: models.css sets their height in `--model-row-height` (taller where
 * rows become cards), read from the table; this is the table layout's height, used until it is read.
 */
export const MODEL_ROW_HEIGHT = 44;
const COLUMNS = 11;

export function ModelsTable() {
  const names = useDashboard((s) => s.names);
  const hasSnapshot = useDashboard((s) => s.hasSnapshot);
  const [errorFor, setErrorFor] = useState<string | null>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const rowHeight = useCssPixels(tableRef, '--model-row-height', MODEL_ROW_HEIGHT);
  const { ref, onScroll, window: win } = useWindow(names.length, rowHeight);
  const toggleError = useCallback((name: string) => setErrorFor((cur) => (cur === name ? null : name)), []);

  const rows = [];
  for (let i = win.start; i < win.end; i++) {
    const name = names[i];
    if (name !== undefined) rows.push(<ModelRow key={name} name={name} rowIndex={i + 2} errorOpen={errorFor === name} onToggleError={toggleError} />);
  }

  return (
    <Panel title="Models" className="models-panel" actions={<ModelsSummary />}>
      <div className="models-scroll" ref={ref} onScroll={onScroll}>
        <table ref={tableRef} className="models-table" aria-label="Models" aria-rowcount={names.length + 1}>
          <colgroup>
            <col className="w-name" /><col className="w-state" /><col className="w-num" /><col className="w-requests" /><col className="w-idle" /><col className="w-vram" />
            <col className="w-groups" /><col className="w-action" /><col className="w-pin" /><col /><col className="w-logs" />
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col">Model</th>
              <th scope="col">State</th>
              <th scope="col" className="num">In&#8209;flight</th>
              <th scope="col" className="num">Requests</th>
              <th scope="col" className="num">Idle in</th>
              <th scope="col" className="num">VRAM</th>
              <th scope="col">Groups</th>
              <th scope="col"><span className="visually-hidden">Load or unload</span></th>
              <th scope="col">Pinned</th>
              <th scope="col">Last error</th>
              <th scope="col"><span className="visually-hidden">Logs</span></th>
            </tr>
          </thead>
          <tbody>
            {win.padTop > 0 ? <tr className="spacer" aria-hidden="true" style={{ height: win.padTop }}><td colSpan={COLUMNS} /></tr> : null}
            {rows}
            {win.padBottom > 0 ? <tr className="spacer" aria-hidden="true" style={{ height: win.padBottom }}><td colSpan={COLUMNS} /></tr> : null}
          </tbody>
        </table>
        {names.length === 0 ? hasSnapshot ? <EmptyModels /> : <p className="empty">Loading…</p> : null}
      </div>
      {errorFor ? <ErrorDetails name={errorFor} onClose={() => setErrorFor(null)} /> : null}
    </Panel>
  );
}
