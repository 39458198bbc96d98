import { useRef, useState } from 'react';
import { useCopy } from '../../lib/use-copy.js';
import { useActions, useDashboard } from '../../store/hooks.js';
import { toTransportError } from '../../transport/transport-error.js';

/**
 * The config file's path with a way to it: in the desktop app a button that opens it in the system's
 * editor; in a browser (which cannot open a file on the server) a copy button.
 */
export function OpenConfigFile() {
  const file = useDashboard((s) => s.configFile);
  const { desktop } = useActions();
  const code = useRef<HTMLElement>(null);
  const { result, copy } = useCopy(code);
  const [error, setError] = useState<string | null>(null);
  if (!file) return null;
  const open = async () => {
    setError(null);
    try {
      await desktop?.openConfigFile();
    } catch (e) {
      setError(toTransportError(e).message);
    }
  };
  return (
    <span className="config-path">
      <code ref={code} className="mono">{file}</code>
      {desktop ? (
        <button type="button" className="btn btn-small" onClick={() => void open()}>
          Open config file
        </button>
      ) : (
        <button type="button" className="btn btn-small" onClick={() => void copy(file)}>
          {result === 'copied' ? 'Copied' : 'Copy path'}
          <span className="visually-hidden"> of the config file</span>
        </button>
      )}
      <span className="visually-hidden" role="status">
        {result === 'copied' ? 'Config file path copied' : result === 'selected' ? 'Config file path selected: press Ctrl+C or Cmd+C to copy it' : ''}
      </span>
      {error ? <span role="alert" className="add-error">{error}</span> : null}
    </span>
  );
}
