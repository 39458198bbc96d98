import { useRef } from 'react';
import { endpointUrl } from '../lib/endpoint-url.js';
import { useCopy } from '../lib/use-copy.js';
import { useDashboard } from '../store/hooks.js';

/** The endpoint URL for OpenAI clients (README "Connect a client"), with a copy button. */
export function EndpointUrl() {
  const apiUrl = useDashboard((s) => s.apiUrl);
  const url = endpointUrl(window.location.origin, apiUrl);
  const code = useRef<HTMLElement>(null);
  const { result, copy } = useCopy(code);
  if (!url) return null;
  return (
    <span className="endpoint">
      <span className="endpoint-label">Endpoint</span>
      <code ref={code} className="endpoint-url">
        {url}
      </code>
      <button type="button" className="btn btn-ghost btn-small" aria-label="Copy endpoint URL" title={`Copy ${url}`} onClick={() => void copy(url)}>
        {result === 'copied' ? 'Copied' : 'Copy'}
      </button>
      <span className="visually-hidden" role="status">
        {result === 'copied' ? 'Endpoint URL copied' : result === 'selected' ? 'Endpoint URL selected: press Ctrl+C or Cmd+C to copy it' : ''}
      </span>
    </span>
  );
}
