import type { PushType } from '../../shared/push.js';

/** Every SSE `event:` name the dashboard stream sends; the record makes a new Push type a compile error here. */
const PUSH_TYPE_SET: Record<PushType, true> = { event: true, model: true, settings: true, gpu: true, log: true };

export const PUSH_TYPES = Object.keys(PUSH_TYPE_SET) as PushType[];
