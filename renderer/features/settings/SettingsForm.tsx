import { useState, type FormEvent } from 'react';
import { SETTING_LABELS, settingLabel } from '../../../shared/setting-labels.js';
import type { WatchdogSettingsView } from '../../../shared/settings.js';
import { useActions, useDashboard } from '../../store/hooks.js';
import { Panel } from '../../ui/Panel.js';
import { buildPatch, fieldValue, FIELDS, parseField, SETTING_KEYS, type Draft, type SettingKey } from './settings-form.js';
import './settings.css';

type Status = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; keys: string[] } | { kind: 'error'; message: string };

interface FieldProps {
  name: SettingKey;
  value: string | boolean;
  error: string | undefined;
  dirty: boolean;
  onChange: (key: SettingKey, value: string | boolean) => void;
}

function Field({ name, value, error, dirty, onChange }: FieldProps) {
  const id = `setting-${name}`;
  const spec = FIELDS[name];
  const described = `${id}-hint ${id}-key${error ? ` ${id}-error` : ''}`;
  // Labelled in words; the YAML key is shown small beside it, for the config file and the API.
  const key = <code id={`${id}-key`} className="setting-key faint" title="Key in the config file">{name}</code>;
  if (spec.kind === 'bool') {
    return (
      <div className={`setting setting-bool${dirty ? ' setting-dirty' : ''}`}>
        <input id={id} type="checkbox" checked={value === true} aria-describedby={described} onChange={(e) => onChange(name, e.target.checked)} />
        <span className="setting-label-line"><label htmlFor={id}>{SETTING_LABELS[name]}</label>{key}</span>
        <span id={`${id}-hint`} className="setting-hint faint">{spec.hint}</span>
      </div>
    );
  }
  return (
    <div className={`setting${dirty ? ' setting-dirty' : ''}`}>
      <span className="setting-label-line"><label htmlFor={id}>{SETTING_LABELS[name]}</label>{key}</span>
      <input
        id={id}
        className="field mono"
        type="text"
        inputMode={spec.kind === 'count' || spec.kind === 'ratio' ? 'decimal' : undefined}
        spellCheck={false}
        autoComplete="off"
        value={String(value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        onChange={(e) => onChange(name, e.target.value)}
      />
      <span id={`${id}-hint`} className="setting-hint faint">{spec.hint}</span>
      {error ? <span id={`${id}-error`} className="setting-error">{error}</span> : null}
    </div>
  );
}

function Form({ settings }: { settings: WatchdogSettingsView }) {
  const { updateSettings } = useActions();
  const [draft, setDraft] = useState<Draft>({});
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const { patch, errors, changed } = buildPatch(settings, draft);
  const invalid = Object.keys(errors).length > 0;

  const onChange = (key: SettingKey, value: string | boolean): void => {
    setDraft((d) => ({ ...d, [key]: value }));
    if (status.kind !== 'saving') setStatus({ kind: 'idle' });
  };

  const onSubmit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (invalid || changed.length === 0) return;
    setStatus({ kind: 'saving' });
    const result = await updateSettings(patch);
    if (result.ok) {
      setDraft({});
      setStatus({ kind: 'saved', keys: changed });
    } else {
      setStatus({ kind: 'error', message: result.error.message });
    }
  };

  return (
    <form className="settings-form" aria-label="Watchdog settings" noValidate onSubmit={(e) => void onSubmit(e)}>
      <div className="settings-grid">
        {SETTING_KEYS.map((key) => (
          <Field
            key={key}
            name={key}
            value={fieldValue(settings, draft, key)}
            error={draft[key] !== undefined && !parseField(key, draft[key]).ok ? errors[key] : undefined}
            dirty={changed.includes(key)}
            onChange={onChange}
          />
        ))}
      </div>
      <div className="settings-footer">
        <div className="settings-status" aria-live="polite">
          {status.kind === 'error' ? <span role="alert" className="setting-error">{status.message}</span> : null}
          {status.kind === 'saved' ? <span className="settings-saved">Saved {status.keys.map(settingLabel).join(', ')}</span> : null}
          {status.kind !== 'error' && status.kind !== 'saved' && changed.length > 0 ? <span className="muted">{changed.length} unsaved {changed.length === 1 ? 'change' : 'changes'}</span> : null}
        </div>
        <button type="button" className="btn" disabled={Object.keys(draft).length === 0 || status.kind === 'saving'} onClick={() => { setDraft({}); setStatus({ kind: 'idle' }); }}>
          Discard changes
        </button>
        <button type="submit" className="btn btn-primary" disabled={invalid || changed.length === 0 || status.kind === 'saving'}>
          {status.kind === 'saving' ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}

/** The live watchdog settings; a save applies at once and is written to the config file by the server. */
export function SettingsForm() {
  const settings = useDashboard((s) => s.settings);
  return (
    <Panel title="Watchdog settings" className="settings-panel">
      {settings ? <Form settings={settings} /> : <p className="empty">Loading…</p>}
    </Panel>
  );
}
