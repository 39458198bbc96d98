import { useEffect, useRef, useState } from 'react';
import { endpointUrl } from '../lib/endpoint-url.js';
import { useDashboard } from '../store/hooks.js';

type CopyResult = 'copied' | 'selected' | null;

/** How long "Copied" stays on the button. */
const FEEDBACK_MS = 2000;

/** Selects the element's text so the user can copy it by hand (the Clipboard API is refused on plain-HTTP LAN origins). */
function selectText(el: HTMLElement | null): void {
  const selection = window.getSelection();
  if (!el || !selection) return;
  const range = document.createRange();
  range.selectNodeContents(el);
  selection.removeAllRanges();
  selection.addRange(range);
}

/** The endpoint URL for OpenAI clients (README "Connect a client"), with a copy button. */
export function EndpointUrl() {
  const apiUrl = useDashboard((s) => s.apiUrl);
  const url = endpointUrl(window.location.origin, apiUrl);
  const [result, setResult] = useState<CopyResult>(null);
  const code = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!result) return;
    const t = window.setTimeout(() => setResult(null), FEEDBACK_MS);
    return () => window.clearTimeout(t);
  }, [result]);
  if (!url) return null;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setResult('copied');
    } catch {
      selectText(code.current);
      setResult('selected');
    }
  };
  return (
    <span className="endpoint">
      <span className="endpoint-label">Endpoint</span>
      <code ref={code} className="endpoint-url">
        {url}
      </code>
      <button type="button" className="btn btn-ghost btn-small" aria-label="Copy endpoint URL" title={`Copy ${url}`} onClick={() => void copy()}>
        {result === 'copied' ? 'Copied' : 'Copy'}
      </button>
      <span className="visually-hidden" role="status">
        {result === 'copied' ? 'Endpoint URL copied' : result === 'selected' ? 'Endpoint URL selected: press Ctrl+C or Cmd+C to copy it' : ''}
      </span>
    </span>
  );
}
