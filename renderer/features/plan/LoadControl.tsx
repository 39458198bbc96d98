import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { planLine } from '../../../shared/plan-text.js';
import { useActions, useDashboard } from '../../store/hooks.js';
import './plan.css';

interface LoadControlProps {
  name: string;
  /** Keeps ids unique where one model has Load controls in two places (the table, the Add model dialog). */
  place: string;
  disabled: boolean;
  loading: boolean;
  onLoad(): void;
}

const POPOVER_WIDTH = 340;

/**
 * A Load button that says what it will do before the click: the preflight plan (`models.plan`, the
 * same decision as admission) as the button's description and as a line shown on hover and focus.
 * Plans are fetched lazily, cached per model, and fetched again while shown when models or settings change.
 */
export function LoadControl({ name, place, disabled, loading, onLoad }: LoadControlProps) {
  const [active, setActive] = useState(false);
  const [at, setAt] = useState<CSSProperties | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const actions = useActions();
  const entry = useDashboard((s) => s.plans[name]);
  // Only a shown plan follows changes; the other rows stay untouched by every push.
  const models = useDashboard((s) => (active ? s.models : null));
  const settings = useDashboard((s) => (active ? s.settings : null));
  const fetchedFor = useRef<{ models: unknown; settings: unknown } | null>(null);

  useEffect(() => {
    if (!active) return;
    const seen = fetchedFor.current;
    if (seen && seen.models === models && seen.settings === settings) return;
    fetchedFor.current = { models, settings };
    void actions.fetchPlan(name);
  }, [active, models, settings, name, actions]);

  const show = (): void => {
    const r = button.current?.getBoundingClientRect();
    // Fixed, so the scrolling table does not clip it; right-aligned under the button.
    if (r) setAt({ top: r.bottom + 4, left: Math.max(8, Math.min(r.right - POPOVER_WIDTH, window.innerWidth - POPOVER_WIDTH - 8)), width: POPOVER_WIDTH });
    setActive(true);
  };
  const hide = (): void => setActive(false);

  const line = entry ? (entry.plan ? planLine(entry.plan) : `Cannot tell what loading will do: ${entry.error}`) : active ? 'Checking what loading will do…' : null;
  const refused = entry?.plan?.action === 'refuse';
  const id = `plan-${place}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <span className="load-control" onPointerEnter={show} onPointerLeave={hide} onFocus={show} onBlur={hide}>
      <button ref={button} type="button" className="btn btn-small btn-primary action-btn" aria-label={`Load ${name}`} aria-describedby={line ? id : undefined} disabled={disabled} aria-busy={loading || undefined} onClick={onLoad}>
        {loading ? 'Loading…' : 'Load'}
      </button>
      {line ? (
        <span id={id} role="tooltip" className={`plan-line${refused ? ' plan-line-refused' : ''}`} hidden={!active} style={at ?? undefined}>
          {line}
        </span>
      ) : null}
    </span>
  );
}
