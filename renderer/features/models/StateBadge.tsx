import type { DisplayState } from '../../store/selectors.js';

const LABEL: Record<DisplayState, string> = {
  stopped: 'Stopped',
  starting: 'Starting',
  ready: 'Ready',
  busy: 'Busy',
  stopping: 'Stopping',
  failed: 'Failed',
};

export function StateBadge({ state }: { state: DisplayState }) {
  return (
    <span className={`badge badge-${state}`}>
      <span className="badge-dot" aria-hidden="true" />
      {LABEL[state]}
    </span>
  );
}
