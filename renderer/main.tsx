import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { applyTheme, effectiveTheme, storedTheme } from './app/theme.js';
import { createTicker } from './lib/ticker.js';
import { createActions } from './store/actions.js';
import { DashboardContext } from './store/hooks.js';
import { createDashboardStore } from './store/store.js';
import { pickTransport } from './transport/pick-transport.js';
import './styles/tokens.css';
import './styles/base.css';

// The composition root: builds the transport, store and clock, and wires them; it decides nothing.

function readStoredTheme(): ReturnType<typeof storedTheme> {
  try {
    return storedTheme(window.localStorage);
  } catch {
    // Storage blocked: follow the system theme.
    return null;
  }
}
// The theme is always explicit on <html> (one set of dark tokens in CSS); without a stored choice it
// follows the system, live.
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');
const followSystem = (): void => applyTheme(document.documentElement, effectiveTheme(readStoredTheme(), systemDark.matches));
followSystem();
systemDark.addEventListener('change', followSystem);

const timers = {
  setTimeout: (fn: () => void, ms: number): unknown => window.setTimeout(fn, ms),
  clearTimeout: (h: unknown): void => window.clearTimeout(h as number),
};
const store = createDashboardStore();
const actions = createActions({ store, transport: pickTransport(), timers, now: () => new Date() });
const ticker = createTicker(1000, { ...timers, clock: () => Date.now() });
actions.start();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <DashboardContext value={{ store, actions, ticker }}>
      <App />
    </DashboardContext>
  </StrictMode>,
);
