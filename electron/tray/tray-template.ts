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

/** `loading 45 %` where the backend reports a percentage (the menu is not rebuilt every second for a clock). */
function stateLabel(model: ModelView): string {
  if (model.state !== 'starting') return displayState(model);
  if (model.load_waiting_for.length > 0) return `waiting for ${model.load_waiting_for.join(', ')}`;
  return model.load_progress !== null ? `loading ${Math.round(model.load_progress * 100)} %` : 'loading…';
}

function modelSubmenu(model: ModelView, actions: TrayActions): MenuItemConstructorOptions {
  // A stop under way cannot be reversed from here: the one-writer queue would only run the click
  // after it, which would surprise whoever clicked. A start can be cancelled (an unload).
  const loaded = model.state === 'ready' || model.state === 'stopping';
  const mem = modelMemory(model);
  return {
    label: `${model.name} — ${stateLabel(model)}`,
    submenu: [
      model.state === 'starting'
        ? { label: 'Cancel loading', enabled: true, click: () => actions.unload(model.name) }
        : loaded
          ? { label: 'Unload', enabled: model.state !== 'stopping', click: () => actions.unload(model.name) }
          : { label: 'Load', enabled: true, click: () => actions.load(model.name) },
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
