import { describe, expect, it } from 'vitest';
import { ramDevice } from '../../../electron/engine/gpu/ram-device.js';

const GIB = 1024 ** 3;

describe('ramDevice', () => {
  it('reports system memory as the pool on a machine without a readable GPU', () => {
    expect(ramDevice({ totalmem: 64 * GIB, freemem: 40 * GIB, platform: 'linux', arch: 'x64' })).toEqual({
      source: 'ram',
      device: { index: 0, name: 'System memory', vendor: 'system', total_bytes: 64 * GIB, used_bytes: 24 * GIB },
    });
  });

  it('labels Apple Silicon memory as unified', () => {
    const r = ramDevice({ totalmem: 32 * GIB, freemem: 8 * GIB, platform: 'darwin', arch: 'arm64' });
    expect(r.source).toBe('unified');
    expect(r.device.vendor).toBe('apple');
  });

  it('keeps Intel Macs on plain RAM', () => {
    expect(ramDevice({ totalmem: 16 * GIB, freemem: 8 * GIB, platform: 'darwin', arch: 'x64' }).source).toBe('ram');
  });
});
