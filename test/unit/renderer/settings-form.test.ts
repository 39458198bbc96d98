import { describe, expect, it } from 'vitest';
import { WATCHDOG_KEYS } from '../../../shared/settings.js';
import { buildPatch, fieldValue, parseField, SETTING_KEYS } from '../../../renderer/features/settings/settings-form.js';
import { settings } from './fixtures.js';

describe('settings form', () => {
  it('has a field for every watchdog key, in the contract order', () => {
    expect(SETTING_KEYS).toEqual([...WATCHDOG_KEYS]);
  });

  it('sends only the keys whose value changed', () => {
    const { patch, errors, changed } = buildPatch(settings(), { idle_timeout: '30m', idle_check: true, max_active: '2' });
    expect(patch).toEqual({ idle_timeout: '30m', max_active: 2 });
    expect(changed).toEqual(['idle_timeout', 'max_active']);
    expect(errors).toEqual({});
  });

  it('treats another spelling of the same value as unchanged', () => {
    expect(buildPatch(settings(), { idle_timeout: '900s', vram_headroom: '536870912', interval: '0.5s' }).changed).toEqual([]);
  });

  it('reports malformed durations, sizes and numbers per field', () => {
    const { patch, errors } = buildPatch(settings(), {
      idle_timeout: '15 minutes', vram_headroom: 'lots', max_active: '-1', memory_threshold: '1.5', interval: '10ms', eviction_retries: '100001',
    });
    expect(patch).toEqual({});
    expect(Object.keys(errors).sort()).toEqual(['eviction_retries', 'idle_timeout', 'interval', 'max_active', 'memory_threshold', 'vram_headroom']);
  });

  it('accepts the spellings the config file accepts', () => {
    for (const [key, raw] of [['idle_timeout', '1h'], ['idle_timeout', '0'], ['busy_timeout', '90'], ['vram_headroom', '6GB'], ['memory_threshold', '1'], ['interval', '50ms']] as const) {
      expect(parseField(key, raw).ok, `${key}=${raw}`).toBe(true);
    }
  });

  it('shows the edited value over the server value', () => {
    expect(fieldValue(settings(), { idle_timeout: '1h' }, 'idle_timeout')).toBe('1h');
    expect(fieldValue(settings(), {}, 'max_active')).toBe('0');
    expect(fieldValue(settings(), {}, 'idle_check')).toBe(true);
  });
});
