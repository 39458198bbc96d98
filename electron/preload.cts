/**
 * The dashboard's only door into main. A sandboxed preload may require nothing but `electron` and
 * cannot be an ES module, hence CommonJS with type-only imports from shared/: nothing of shared/ is
 * loaded at run time. It exposes two verbs built on named channels, plus `desktop` for the few things
 * only the desktop app can do (a file picker, opening the config file), never `ipcRenderer` itself
 * (security checklist 20): a page that could call ipcRenderer could send anything to main.
 */
// CommonJS under verbatimModuleSyntax must spell require this way; the sandbox allows nothing else.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import electron = require('electron');
import type { InvokeReply, PreloadApi } from '../shared/bridge.js';
import type { DESKTOP_CHANNEL } from '../shared/desktop.js';
import type { IPC_CHANNELS } from '../shared/http-routes.js';
import type { Push } from '../shared/push.js';

// Inlined from shared/http-routes.ts (a sandboxed preload cannot load it); `satisfies` breaks the build
// if the two ever disagree.
const CHANNELS = { invoke: 'loadout:invoke', event: 'loadout:event', ready: 'loadout:ready' } as const satisfies typeof IPC_CHANNELS;
const DESKTOP = 'loadout:desktop' as const satisfies typeof DESKTOP_CHANNEL;

function createBridge(ipc: Pick<typeof electron.ipcRenderer, 'invoke' | 'send' | 'on' | 'removeListener'>): Required<PreloadApi> {
  let readySent = false;
  return {
    desktop: (action, payload) => ipc.invoke(DESKTOP, action, payload) as Promise<InvokeReply<never>>,
    // The reply stays a plain object: an Error crossing the context bridge would lose its code and
    // details (electron/electron#25596). The page's transport unwraps it.
    invoke: (command, payload) => ipc.invoke(CHANNELS.invoke, command, payload) as Promise<InvokeReply<never>>,
    onEvent(listener) {
      // The page's own listener never sees the IPC event object (it holds `sender`, i.e. ipcRenderer).
      const forward = (_event: unknown, push: Push): void => listener(push);
      ipc.on(CHANNELS.event, forward);
      // Main queues pushes until the page listens; the first subscription is that moment.
      if (!readySent) {
        readySent = true;
        ipc.send(CHANNELS.ready);
      }
      return () => {
        ipc.removeListener(CHANNELS.event, forward);
      };
    },
  };
}

const bridge = createBridge(electron.ipcRenderer);
type Desktop = Required<PreloadApi>['desktop'];
// Wrapped in fresh functions so the page gets exactly these three, with no prototype to walk.
electron.contextBridge.exposeInMainWorld('loadout', {
  invoke: (command: Parameters<PreloadApi['invoke']>[0], payload: Parameters<PreloadApi['invoke']>[1]) => bridge.invoke(command, payload),
  onEvent: (listener: (push: Push) => void) => bridge.onEvent(listener),
  desktop: (action: Parameters<Desktop>[0], payload: Parameters<Desktop>[1]) => bridge.desktop(action, payload),
});
