import type { Snapshot } from '../../../shared/commands.js';
import type { EventDataMap, EventType, LoadoutEvent } from '../../../shared/events.js';
import type { GpuSnapshot } from '../../../shared/gpu.js';
import type { WatchdogSettingsView } from '../../../shared/settings.js';

import { model } from '../electron/fixtures.js';

/** The one ModelView fixture of the unit tests, shared with the desktop-side tests. */
export { model };

const DATA: { [T in EventType]: EventDataMap[T] } = {
  model_starting: { trigger: 'api', instance: 1 },
  model_ready: { pid: 1, port: 2, load_ms: 3, instance: 1 },
  model_evicted: { instance: 1 },
  model_stopped: { exit_code: 0, signal: null, instance: 1 },
  model_failed: { exit_code: 1, log_tail: ['boom'], instance: 1, code: 'load_failed' },
  load_refused: { blocking: ['a'] },
  model_pinned: {},
  model_unpinned: {},
  config_reloaded: { file: '/c.yaml', models: 2 },
  config_invalid: { file: '/c.yaml', line: 3, column: 4, key: 'models.x' },
  config_warning: { warnings: ['/c.yaml: x: ignored'] },
  settings_changed: { changed: ['idle_timeout'] },
  orphans_reaped: { pids: [9] },
};

export function event(seq: number, type: EventType = 'model_ready', over: Partial<LoadoutEvent> = {}): LoadoutEvent {
  return {
    seq, at: new Date(Date.UTC(2026, 10, 26, 21, 0, seq % 60)).toISOString(), type, model: 'm', reason: null,
    message: `${type} #${seq}`, data: DATA[type], ...over,
  } as LoadoutEvent;
}

export function settings(over: Partial<WatchdogSettingsView> = {}): WatchdogSettingsView {
  return {
    interval: '500ms', idle_check: true, idle_timeout: '15m', busy_check: false, busy_timeout: '5m', max_active: 0,
    memory_reclaimer: false, memory_threshold: 0.95, vram_headroom: '512MiB', force_eviction_when_busy: false,
    eviction_retries: 30, eviction_retry_interval: '1s', stop_timeout: '10s', health_timeout: '120s',
    max_turn: '30s', load_failure_cooldown: '10s', load_failure_cooldown_max: '5m', health_check_interval: '10s', drain_timeout: '30s', ...over,
  };
}

export function gpu(over: Partial<GpuSnapshot> = {}): GpuSnapshot {
  return {
    source: 'nvidia-smi', at: '2026-11-26T21:00:00.000Z',
    devices: [{ index: 0, name: 'RTX 4090', vendor: 'nvidia', total_bytes: 24 * 2 ** 30, used_bytes: 10 * 2 ** 30 }],
    processes: [], ...over,
  };
}

export function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    models: [model('b'), model('a')], settings: settings(), gpu: gpu(), gpu_history: [], events: [],
    last_seq: 0, config_file: '/c.yaml', config_error: null, config_warnings: [], version: '0.1.0', ...over,
  };
}
