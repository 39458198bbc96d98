import { formatCountdown } from '../../lib/format.js';
import { useNow } from '../../store/hooks.js';

/** Only rows with a deadline mount this, so only they re-render on the shared one-second tick. */
export function IdleCountdown({ deadline }: { deadline: string }) {
  const now = useNow();
  return <span className="mono">{formatCountdown(deadline, now)}</span>;
}
