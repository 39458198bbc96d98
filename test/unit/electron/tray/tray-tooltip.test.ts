import { describe, expect, it } from 'vitest';
import { trayTitle, trayTooltip } from '../../../../electron/tray/tray-tooltip.js';
import { GiB, gpu, model } from '../fixtures.js';

describe('trayTooltip', () => {
  const models = [model('a', { state: 'ready' }), model('b', { state: 'ready', inflight: 1 }), model('c'), model('d', { state: 'stopping' })];

  it('counts ready models (busy included) and sums VRAM over devices', () => {
    const snapshot = gpu(6 * GiB, 12 * GiB);
    snapshot.devices.push({ index: 1, name: 'second', vendor: 'nvidia', total_bytes: 12 * GiB, used_bytes: 7.4 * GiB });
    expect(trayTooltip(models, snapshot)).toBe('Loadout — 2 loaded · VRAM 13.4/24.0 GiB');
  });

  it('says RAM when the sampler fell back to system memory', () => {
    expect(trayTooltip(models, gpu(8 * GiB, 32 * GiB, 'ram'))).toBe('Loadout — 2 loaded · RAM 8.0/32.0 GiB');
  });

  it('shows only the loaded count without GPU data', () => {
    expect(trayTooltip(models, null)).toBe('Loadout — 2 loaded');
    expect(trayTooltip([], { source: 'none', at: null, devices: [], processes: [] })).toBe('Loadout — 0 loaded');
  });

  it('gives macOS a short title, empty without data', () => {
    expect(trayTitle(gpu(13.7 * GiB, 24 * GiB))).toBe('13.7/24.0G');
    expect(trayTitle(null)).toBe('');
  });

  it('adds a line per load in progress: its percentage where known, else the time it has taken', () => {
    const now = Date.parse('2026-11-30T12:00:12.000Z');
    const since = '2026-11-30T12:00:00.000Z';
    const models = [
      model('qwen3-8b', { state: 'starting', load_started_at: since, load_progress: 0.45 }),
      model('gemma', { state: 'starting', load_started_at: since }),
      model('ready', { state: 'ready' }),
    ];
    expect(trayTooltip(models, null, now)).toBe('Loadout — 1 loaded\nLoading qwen3-8b… 45 %\nLoading gemma… 12 s');
  });
});
