import type { PushType } from '../../shared/push.js';

/** Every SSE `event:` name the dashboard stream sends; the record makes a new Push type a compile error here. */
// `ui` (the desktop tray) and `try` (the desktop Try box) pushes come over IPC only, never over SSE.
const PUSH_TYPE_SET: Record<Exclude<PushType, 'ui' | 'try'>, true> = { event: true, model: true, settings: true, gpu: true, log: true };

export const PUSH_TYPES = Object.keys(PUSH_TYPE_SET) as PushType[];
