import { useState, type FormEvent } from 'react';
import type { ModelView } from '../../../shared/model-view.js';
import { useActions } from '../../store/hooks.js';
import { toTransportError } from '../../transport/transport-error.js';
import { fileSuggestions } from './discovered.js';

type Outcome = { kind: 'added'; name: string } | { kind: 'error'; field: string | null; message: string } | null;

/**
 * Adds a GGUF file by path (`models.addFile`): the desktop app picks it with the native dialog; a
 * browser types it, completed from the files discovery found. The server checks the file and the name.
 */
export function AddFileForm({ discovered }: { discovered: readonly ModelView[] }) {
  const actions = useActions();
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const suggestions = fileSuggestions(discovered);

  const pick = async () => {
    try {
      const file = await actions.desktop?.pickModelFile();
      if (file) setPath(file);
    } catch (e) {
      setOutcome({ kind: 'error', field: null, message: toTransportError(e).message });
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setOutcome(null);
    const r = await actions.addFile(path, name.trim() || undefined);
    setBusy(false);
    if (r.ok) {
      setOutcome({ kind: 'added', name: r.model.name });
      setPath('');
      setName('');
    } else {
      setOutcome({ kind: 'error', field: r.error.details.field ?? null, message: r.error.message });
    }
  };

  const invalid = (field: string) => (outcome?.kind === 'error' && outcome.field === field) || undefined;
  return (
    <form className="add-file" onSubmit={(e) => void submit(e)} aria-label="Add a model file">
      <label className="add-field">
        <span>Model file (.gguf)</span>
        <span className="add-row">
          <input className="field mono" name="path" list="add-model-files" value={path} placeholder="/path/to/model.gguf" autoComplete="off" spellCheck={false} aria-invalid={invalid('path')} aria-describedby="add-file-outcome" onChange={(e) => setPath(e.target.value)} />
          {actions.desktop ? (
            <button type="button" className="btn" onClick={() => void pick()}>
              Choose file…
            </button>
          ) : null}
        </span>
      </label>
      <datalist id="add-model-files">
        {suggestions.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <label className="add-field">
        <span>Name <span className="faint">(optional; taken from the file otherwise)</span></span>
        <input className="field" name="name" value={name} autoComplete="off" spellCheck={false} aria-invalid={invalid('name')} aria-describedby="add-file-outcome" onChange={(e) => setName(e.target.value)} />
      </label>
      <div className="add-row">
        <button type="submit" className="btn btn-primary" disabled={busy || path.trim() === ''} aria-busy={busy || undefined}>
          {busy ? 'Adding…' : 'Add to config'}
        </button>
        <span id="add-file-outcome" role={outcome?.kind === 'error' ? 'alert' : 'status'} className={outcome?.kind === 'error' ? 'add-error' : 'add-ok'}>
          {outcome?.kind === 'added' ? `Added ${outcome.name} to the config file.` : outcome?.kind === 'error' ? outcome.message : ''}
        </span>
      </div>
    </form>
  );
}
