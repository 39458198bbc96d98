import { describe, expect, it } from 'vitest';
import { contextSizeFromArgs } from '../../../electron/engine/config/context-size-from-args.js';
import { normalizeGroups } from '../../../electron/engine/config/normalize-groups.js';
import { parseListen } from '../../../electron/engine/config/parse-listen.js';
import { resolvePath } from '../../../electron/engine/config/resolve-path.js';
import { DEFAULT_WATCHDOG } from '../../../electron/engine/config/types.js';
import { applyWatchdogPatch, watchdogView } from '../../../electron/engine/config/watchdog-settings.js';

describe('parseListen', () => {
  it('reads HOST:PORT and [IPv6]:PORT', () => {
    expect(parseListen('127.0.0.1:11500')).toEqual({ host: '127.0.0.1', port: 11500 });
    expect(parseListen('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(parseListen('localhost:0')).toEqual({ host: 'localhost', port: 0 });
  });
  it('rejects a missing port, a bare IPv6 address and ports above 65535', () => {
    expect(parseListen('localhost')).toBeNull();
    expect(parseListen('::1:8080')).toBeNull();
    expect(parseListen('127.0.0.1:65536')).toBeNull();
  });
});

describe('normalizeGroups', () => {
  it('trims, drops empties and de-duplicates in first-use order', () => {
    expect(normalizeGroups([' b', 'a', 'b ', '', '  ', 'a'])).toEqual(['b', 'a']);
    expect(normalizeGroups(null)).toEqual([]);
  });
});

describe('contextSizeFromArgs', () => {
  it('reads -c N, --ctx-size N and --ctx-size=N, the last one winning', () => {
    expect(contextSizeFromArgs(['-c', '4096'])).toBe(4096);
    expect(contextSizeFromArgs(['--ctx-size', '8192', '-ngl', '99'])).toBe(8192);
    expect(contextSizeFromArgs(['--ctx-size=2048', '-c', '1024'])).toBe(1024);
  });
  it('is null when absent or not a positive integer', () => {
    expect(contextSizeFromArgs(['-ngl', '99'])).toBeNull();
    expect(contextSizeFromArgs(['-c', 'big'])).toBeNull();
    expect(contextSizeFromArgs(['-c'])).toBeNull();
    expect(contextSizeFromArgs(['-c', '0'])).toBeNull();
  });
});

describe('resolvePath', () => {
  it('expands ~ and resolves relative paths against the base directory', () => {
    expect(resolvePath('~', { homeDir: '/h', baseDir: '/b' })).toBe('/h');
    expect(resolvePath('~/m.gguf', { homeDir: '/h', baseDir: '/b' })).toBe('/h/m.gguf');
    expect(resolvePath('m.gguf', { homeDir: '/h', baseDir: '/b' })).toBe('/b/m.gguf');
    expect(resolvePath('/abs/m.gguf', { homeDir: '/h', baseDir: '/b' })).toBe('/abs/m.gguf');
    expect(resolvePath('~user/m', { homeDir: '/h', baseDir: '/b' })).toBe('/b/~user/m');
  });
});

describe('watchdog settings', () => {
  it('converts a patch into milliseconds and bytes, keeping unset keys', () => {
    const s = applyWatchdogPatch(DEFAULT_WATCHDOG, { idle_timeout: '1h', vram_headroom: '1GiB', busy_timeout: 30, max_active: 3 });
    expect(s).toEqual({ ...DEFAULT_WATCHDOG, idleTimeoutMs: 3_600_000, vramHeadroomBytes: 1024 ** 3, busyTimeoutMs: 30_000, maxActive: 3 });
  });
  it('spells the defaults as the config file does', () => {
    expect(watchdogView(DEFAULT_WATCHDOG)).toMatchObject({ interval: '500ms', idle_timeout: '15m', vram_headroom: '512MiB', health_timeout: '2m' });
    expect(applyWatchdogPatch(DEFAULT_WATCHDOG, watchdogView(DEFAULT_WATCHDOG))).toEqual(DEFAULT_WATCHDOG);
  });
});
