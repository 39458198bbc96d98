import { z } from 'zod';

/**
 * What only the desktop app can do for the dashboard (a native file picker, opening a file in its
 * app): one more invoke channel beside the command map, sender-checked and schema-validated in main
 * like it. A browser has no such channel; the dashboard then offers a path field and a copy button.
 */
export const desktopSchemas = {
  /** The native Open dialog, filtered to `*.gguf`; answers the chosen file, or null when cancelled. */
  'file.pickModel': z.strictObject({}),
  /** Opens the config file in the system's app for it. */
  'config.open': z.strictObject({}),
} as const;

export type DesktopAction = keyof typeof desktopSchemas;
export type DesktopPayload<A extends DesktopAction> = z.input<(typeof desktopSchemas)[A]>;

export interface DesktopResults {
  'file.pickModel': { path: string | null };
  'config.open': { opened: string };
}

export type DesktopResult<A extends DesktopAction> = DesktopResults[A];

export const DESKTOP_ACTIONS = Object.keys(desktopSchemas) as DesktopAction[];

export const DESKTOP_CHANNEL = 'loadout:desktop';
