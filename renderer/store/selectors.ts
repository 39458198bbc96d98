import type { GpuSnapshot } from '../../shared/gpu.js';
import type { ModelState, ModelView } from '../../shared/model-view.js';
import type { ActionError } from './state.js';

export type DisplayState = ModelState | 'busy';

/** CONTRACT §3: busy is not a state but a ready model with requests in flight. */
export function isBusy(m: Pick<ModelView, 'state' | 'inflight'>): boolean {
  return m.state === 'ready' && m.inflight > 0;
}

export function displayState(m: Pick<ModelView, 'state' | 'inflight'>): DisplayState {
  return isBusy(m) ? 'busy' : m.state;
}

/** A model occupies its groups from the moment it starts until it has stopped. */
export function holdsGroups(m: Pick<ModelView, 'state'>): boolean {
  return m.state === 'starting' || m.state === 'ready' || m.state === 'stopping';
}

/** Load is offered where the model is down; Unload where it is up or coming up. */
export function canUnload(m: Pick<ModelView, 'state'>): boolean {
  return m.state === 'starting' || m.state === 'ready' || m.state === 'stopping';
}

export interface GroupView {
  name: string;
  members: string[];
  /** Members holding the group now; more than one only for a moment (one stopping, the next starting). */
  holders: string[];
}

/** Every concurrency group with its members and current holder(s), sorted by name. */
export function groupsView(models: Readonly<Record<string, ModelView>>, names: readonly string[]): GroupView[] {
  const groups = new Map<string, GroupView>();
  for (const name of names) {
    const m = models[name];
    if (!m) continue;
    for (const g of m.groups) {
      let view = groups.get(g);
      if (!view) {
        view = { name: g, members: [], holders: [] };
        groups.set(g, view);
      }
      view.members.push(name);
      if (holdsGroups(m)) view.holders.push(name);
    }
  }
  return [...groups.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export interface VramTotals {
  used: number;
  total: number;
}

export function vramTotals(gpu: GpuSnapshot | null): VramTotals | null {
  if (!gpu || gpu.source === 'none' || gpu.devices.length === 0) return null;
  let used = 0;
  let total = 0;
  for (const d of gpu.devices) {
    used += d.used_bytes;
    total += d.total_bytes;
  }
  return { used, total };
}

/** What the row shows as the last error: the engine's record, unless a later action of ours failed. */
export function lastError(model: ModelView, actionError: ActionError | undefined): { message: string; exit_code: number | null; log_tail: string[]; at: string } | null {
  const engine = model.error;
  // A load that succeeded after our failed action (a request, the tray) makes that failure history.
  const stale = actionError && model.loaded_at !== null && Date.parse(model.loaded_at) > Date.parse(actionError.at);
  if (!actionError || stale) return engine;
  if (!engine) return actionError;
  return Date.parse(actionError.at) >= Date.parse(engine.at) ? actionError : engine;
}
