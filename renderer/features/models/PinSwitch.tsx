interface PinSwitchProps {
  name: string;
  pinned: boolean;
  busy: boolean;
  onChange: (pinned: boolean) => void;
}

/** A real switch: role, checked state and a name that says which model; Space and Enter toggle it. */
export function PinSwitch({ name, pinned, busy, onChange }: PinSwitchProps) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={pinned}
      aria-label={`Pin ${name}`}
      aria-busy={busy || undefined}
      disabled={busy}
      className="switch"
      title={pinned ? 'Pinned: never evicted' : 'Not pinned'}
      onClick={() => onChange(!pinned)}
    >
      <span className="switch-thumb" aria-hidden="true" />
    </button>
  );
}
