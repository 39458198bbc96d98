import { createStore, type StoreApi } from 'zustand/vanilla';
import { initialState, type DashboardState } from './state.js';

export type DashboardStore = StoreApi<DashboardState>;

/** One vanilla store, created by the entry point and handed to React through context (no module singleton). */
export function createDashboardStore(): DashboardStore {
  return createStore<DashboardState>()(() => initialState());
}
