export type Theme = 'light' | 'dark';
export const THEME_STORAGE = 'loadout.theme';

/** The stored choice, if the user ever pressed the toggle; otherwise the page follows the system. */
export function storedTheme(storage: Pick<Storage, 'getItem'> | null): Theme | null {
  const v = storage?.getItem(THEME_STORAGE);
  return v === 'light' || v === 'dark' ? v : null;
}

export function effectiveTheme(stored: Theme | null, systemDark: boolean): Theme {
  return stored ?? (systemDark ? 'dark' : 'light');
}

export function applyTheme(root: HTMLElement, theme: Theme | null): void {
  if (theme) root.dataset.theme = theme;
  else delete root.dataset.theme;
}
