import { useCallback } from 'react';
import { applyTheme, effectiveTheme, storedTheme, THEME_STORAGE } from './theme.js';

function localStore(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    // Blocked storage: the toggle still works for this page.
    return null;
  }
}

/** Flips between light and dark and remembers the choice; until pressed, the system setting rules. */
export function ThemeToggle() {
  const toggle = useCallback(() => {
    const systemDark = window.matchMedia('(prefers-color-scheme: dark)').matches;
    const current = effectiveTheme(storedTheme(localStore()), systemDark);
    const next = current === 'dark' ? 'light' : 'dark';
    localStore()?.setItem(THEME_STORAGE, next);
    applyTheme(document.documentElement, next);
  }, []);
  return (
    <button type="button" className="btn btn-ghost theme-toggle" aria-label="Toggle theme" title="Toggle theme" onClick={toggle}>
      <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
        <circle cx="8" cy="8" r="6.25" fill="none" stroke="currentColor" strokeWidth="1.5" />
        <path d="M8 1.75a6.25 6.25 0 0 1 0 12.5z" fill="currentColor" />
      </svg>
    </button>
  );
}
