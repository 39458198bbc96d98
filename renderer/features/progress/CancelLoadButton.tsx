interface CancelLoadButtonProps {
  name: string;
  /** The unload is on its way. */
  busy: boolean;
  onCancel: () => void;
}

/** Takes the Unload button's place while a model starts: an unload of a starting model cancels its load. */
export function CancelLoadButton({ name, busy, onCancel }: CancelLoadButtonProps) {
  return (
    <button type="button" className="btn btn-small action-btn" aria-label={`Cancel loading ${name}`} disabled={busy} aria-busy={busy || undefined} onClick={onCancel}>
      {busy ? 'Cancelling…' : 'Cancel'}
    </button>
  );
}
