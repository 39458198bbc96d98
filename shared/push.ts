import type { LoadoutEvent } from './events.js';
import type { GpuHistoryPoint, GpuSnapshot } from './gpu.js';
import type { ModelView } from './model-view.js';
import type { WatchdogSettingsView } from './settings.js';
import type { LogLine } from './commands.js';

/**
 * What main pushes to the dashboard after the snapshot. `event` is a numbered contract event (CONTRACT §5);
 * the others are unnumbered view updates (a model's inflight count, a GPU sample) that are not persisted.
 * Over SSE (`GET /api/stream`) each is one message whose `event:` is the push type; only `event` carries an `id:`.
 */
export type Push =
  | { type: 'event'; event: LoadoutEvent }
  | { type: 'model'; model: ModelView }
  | { type: 'settings'; settings: WatchdogSettingsView }
  | { type: 'gpu'; gpu: GpuSnapshot; point: GpuHistoryPoint | null }
  | { type: 'log'; model: string; line: LogLine }
  /** Desktop only: the tray asks the dashboard to open a view (the Add model dialog). Never over SSE. */
  | { type: 'ui'; open: 'add-model' }
  /** Desktop only: a piece of the answer to the Try box's request `id` (desktop action `try.send`). Never over SSE. */
  | { type: 'try'; id: string; part: TryPart };

/** What main relays of a Try request's answer, in order: its head, its body as text, then `end` or `error`. */
export type TryPart = { kind: 'head'; status: number; statusText: string } | { kind: 'text'; text: string } | { kind: 'end' } | { kind: 'error'; message: string };

export type PushType = Push['type'];
