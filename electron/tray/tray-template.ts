import type { MenuItemConstructorOptions } from 'electron';
import type { GpuSnapshot } from '../../shared/gpu.js';
import { modelMemory, type ModelView } from '../../shared/model-view.js';
import { humanBytes } from '../../shared/units.js';

export interface TrayState {
  models: ModelView[];
  gpu: GpuSnapshot | null;
  /** null where the platform cannot tell (the item is then left out). */
  startAtLogin: boolean | null;
}

export interface TrayActions {
  load(name: string): void;
  unload(name: string): void;
  setPinned(name: string, pinned: boolean): void;
  openDashboard(): void;
  openAddModel(): void;
  setStartAtLogin(enabled: boolean): void;
  quit(): void;
}

/** CONTRACT §3: busy is not a state; a ready model with requests in flight is shown as busy. */
export function displayState(model: ModelView): string {
  return model.state === 'ready' && model.inflight > 0 ? 'busy' : model.state;
}

function modelSubmenu(model: ModelView, actions: TrayActions): MenuItemConstructorOptions {
  // A transition already under way cannot be reversed from here: the one-writer queue would only
  // run the click after it, which would surprise whoever clicked.
  const changing = model.state === 'starting' || model.state === 'stopping';
  const loaded = model.state === 'ready' || model.state === 'stopping';
  const mem = modelMemory(model);
  return {
    label: `${model.name} — ${displayState(model)}`,
    submenu: [
      loaded
        ? { label: 'Unload', enabled: !changing, click: () => actions.unload(model.name) }
        : { label: 'Load', enabled: !changing, click: () => actions.load(model.name) },
      { label: 'Pinned', type: 'checkbox', checked: model.pinned, click: () => actions.setPinned(model.name, !model.pinned) },
      { label: mem ? `${mem.kind}: ${humanBytes(mem.bytes)}` : 'VRAM: —', enabled: false },
    ],
  };
}

/**
 * The whole tray menu as data. Rebuilt from scratch on every change: on Linux, edits to existing
 * MenuItems only show after setContextMenu is called again, so there is nothing to gain from patching.
 */
export function buildTrayTemplate(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  const models = [...state.models].sort((a, b) => a.name.localeCompare(b.name));
  const items: MenuItemConstructorOptions[] =
    models.length > 0 ? models.map((m) => modelSubmenu(m, actions)) : [{ label: 'No models configured', enabled: false }];
  items.push({ type: 'separator' }, { label: 'Add model…', click: () => actions.openAddModel() }, { label: 'Open dashboard', click: () => actions.openDashboard() });
  if (state.startAtLogin !== null) {
    const enabled = state.startAtLogin;
    items.push({ label: 'Start at login', type: 'checkbox', checked: enabled, click: () => actions.setStartAtLogin(!enabled) });
  }
  items.push({ type: 'separator' }, { label: 'Quit Loadout', click: () => actions.quit() });
  return items;
}
