import { z } from 'zod';

/**
 * What only the desktop app can do for the dashboard (a native file picker, opening a file in its
 * app): one more invoke channel beside the command map, sender-checked and schema-validated in main
 * like it. A browser has no such channel; the dashboard then offers a path field and a copy button.
 */
/** A Try request's id, chosen by the page: unique among its own running ones. */
const tryId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, at most 64');

export const desktopSchemas = {
  /** The native Open dialog, filtered to `*.gguf`; answers the chosen file, or null when cancelled. */
  'file.pickModel': z.strictObject({}),
  /** Opens the config file in the system's app for it. */
  'config.open': z.strictObject({}),
  /**
   * The Try box's chat completion: main sends it to the API's own `/v1/chat/completions` (the page's
   * app:// origin cannot) and relays the answer as `try` pushes; answers once the request is under way.
   */
  'try.send': z.strictObject({
    id: tryId,
    body: z.strictObject({
      model: z.string().min(1).max(256),
      stream: z.literal(true),
      stream_options: z.strictObject({ include_usage: z.boolean() }).optional(),
      messages: z.array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(64 * 1024) })).min(1).max(64),
    }),
  }),
  /** Stops a running Try request (the Stop button, the dialog closing). */
  'try.stop': z.strictObject({ id: tryId }),
} as const;

export type DesktopAction = keyof typeof desktopSchemas;
export type DesktopPayload<A extends DesktopAction> = z.input<(typeof desktopSchemas)[A]>;
export type DesktopParsed<A extends DesktopAction> = z.output<(typeof desktopSchemas)[A]>;

export interface DesktopResults {
  'file.pickModel': { path: string | null };
  'config.open': { opened: string };
  'try.send': { started: true };
  'try.stop': { stopped: boolean };
}

export type DesktopResult<A extends DesktopAction> = DesktopResults[A];

export const DESKTOP_ACTIONS = Object.keys(desktopSchemas) as DesktopAction[];

export const DESKTOP_CHANNEL = 'loadout:desktop';
