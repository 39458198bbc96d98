import { useEffect } from 'react';
import { useActions, useDashboard } from '../store/hooks.js';
import type { Toast } from '../store/state.js';
import './toasts.css';

const TOAST_MS = 8_000;

function ToastItem({ toast }: { toast: Toast }) {
  const { dismissToast } = useActions();
  useEffect(() => {
    const t = setTimeout(() => dismissToast(toast.id), TOAST_MS);
    return () => clearTimeout(t);
  }, [toast.id, dismissToast]);
  return (
    <li className="toast">
      <span className="toast-dot" aria-hidden="true" />
      <span className="toast-text">{toast.message}</span>
      <button type="button" className="btn btn-ghost btn-small" aria-label="Dismiss notification" onClick={() => dismissToast(toast.id)}>
        ✕
      </button>
    </li>
  );
}

/**
 * Failed actions, announced politely; each fades after a few seconds or on dismiss. The region sits in
 * the page's flow above the panels, so a notification pushes content down instead of covering the
 * Logs panel or a control; it takes no room while empty.
 */
export function Toasts() {
  const toasts = useDashboard((s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="Notifications">
      {toasts.length > 0 ? (
        <ul className="toast-list">
          {toasts.map((t) => (
            <ToastItem key={t.id} toast={t} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
