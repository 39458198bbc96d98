import { useEffect, useRef } from 'react';
import { useActions, useDashboard } from '../../store/hooks.js';
import { AddFileForm } from './AddFileForm.js';
import { DiscoveredList } from './DiscoveredList.js';
import { discoveredModels } from './discovered.js';
import { OpenConfigFile } from './OpenConfigFile.js';
import './add-model.css';

function DialogBody() {
  const actions = useActions();
  const models = useDashboard((s) => s.models);
  const names = useDashboard((s) => s.names);
  const ref = useRef<HTMLDialogElement>(null);
  const found = discoveredModels(models, names);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className="add-model-dialog"
      aria-labelledby="add-model-title"
      onCancel={(e) => {
        e.preventDefault(); // Escape: closed through the store, like the close button
        actions.closeAddModel();
      }}
    >
      <header className="add-model-head">
        <h2 id="add-model-title">Add model</h2>
        <button type="button" className="btn btn-ghost btn-small" aria-label="Close" onClick={() => actions.closeAddModel()}>
          ✕
        </button>
      </header>
      <section aria-labelledby="add-file-title">
        <h3 id="add-file-title">A GGUF file</h3>
        <AddFileForm discovered={found} />
      </section>
      <section aria-labelledby="discovered-title">
        <h3 id="discovered-title">Found in your folders</h3>
        <DiscoveredList models={found} />
      </section>
      <footer className="add-model-foot faint">
        Added models are written to <OpenConfigFile />
      </footer>
    </dialog>
  );
}

/** The Add model dialog: open from the header, the empty state or the tray's "Add model…". */
export function AddModelDialog() {
  const open = useDashboard((s) => s.addModelOpen);
  return open ? <DialogBody /> : null;
}
