import { useState } from 'react';
import { endpointUrl } from '../../lib/endpoint-url.js';
import { useDashboard } from '../../store/hooks.js';
import { TryDialog } from './TryDialog.js';
import { tryEndpoint } from './try-endpoint.js';

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // blocked storage: no remembered API key
  }
}

/** Opens the prompt box for one model (from its row). */
export function TryButton({ name }: { name: string }) {
  const [open, setOpen] = useState(false);
  const apiUrl = useDashboard((s) => s.apiUrl);
  return (
    <>
      <button type="button" className="btn btn-ghost btn-small try-btn" aria-label={`Try ${name}`} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Try
      </button>
      {open ? (
        <TryDialog
          name={name}
          endpoint={tryEndpoint(window.location.origin, window.loadout, sessionStore())}
          clientUrl={endpointUrl(window.location.origin, apiUrl)}
          onClose={() => setOpen(false)}
        />
      ) : null}
    </>
  );
}
