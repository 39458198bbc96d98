import { createContext, useContext, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { Ticker } from '../lib/ticker.js';
import type { DashboardActions } from './actions.js';
import type { DashboardState } from './state.js';
import type { DashboardStore } from './store.js';

export interface DashboardContextValue {
  store: DashboardStore;
  actions: DashboardActions;
  ticker: Ticker;
}

export const DashboardContext = createContext<DashboardContextValue | null>(null);

function useDashboardContext(): DashboardContextValue {
  const ctx = useContext(DashboardContext);
  if (!ctx) throw new Error('DashboardContext is missing: render inside <DashboardContext value={…}>');
  return ctx;
}

/** Subscribes to one narrow slice; the component re-renders only when that slice changes (Object.is). */
export function useDashboard<T>(selector: (s: DashboardState) => T): T {
  return useStore(useDashboardContext().store, selector);
}

export function useActions(): DashboardActions {
  return useDashboardContext().actions;
}

/** The shared clock's time in ms; re-renders the caller once per tick. */
export function useNow(): number {
  const { ticker } = useDashboardContext();
  return useSyncExternalStore(ticker.subscribe, ticker.now);
}
