import { useDashboard } from '../store/hooks.js';
import './header.css';

/** An invalid config edit keeps the last good config running (CONTRACT §2); say so until it is fixed. */
export function ConfigBanner() {
  const error = useDashboard((s) => s.configError);
  const file = useDashboard((s) => s.configFile);
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert">
      <strong>Config not applied.</strong> <span>{error}</span>
      {file ? <span className="faint"> — still running the last valid version of {file}</span> : null}
    </div>
  );
}

/** Keys the config sets but nothing uses (LocalAI extras), folders that are gone: nothing is dropped silently. */
export function ConfigWarningsBanner() {
  const warnings = useDashboard((s) => s.configWarnings);
  if (warnings.length === 0) return null;
  return (
    <div className="banner banner-warn" role="status" aria-label="Config warnings">
      <strong>{warnings.length === 1 ? 'Config warning.' : `${warnings.length} config warnings.`}</strong>
      <ul className="banner-list">
        {warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
    </div>
  );
}

export function ConnectionBanner() {
  const connection = useDashboard((s) => s.connection);
  const error = useDashboard((s) => s.connectionError);
  if (connection !== 'offline' || !error) return null;
  return (
    <div className="banner banner-warn" role="alert">
      <strong>Cannot reach Loadout.</strong> <span>{error}</span> <span className="faint">Retrying…</span>
    </div>
  );
}
