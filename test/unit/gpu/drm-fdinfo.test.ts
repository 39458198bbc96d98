import { describe, expect, it } from 'vitest';
import { parseDrmFdinfo, readDrmFdinfo } from '../../../electron/engine/gpu/drm-fdinfo.js';
import { gpuFixture, readGpuFixture } from './fixture-path.js';

const KIB = 1024;
const MIB = 1024 * KIB;

describe('readDrmFdinfo', () => {
  it('counts a client shared by several fds once and adds distinct clients', async () => {
    expect(await readDrmFdinfo(gpuFixture('proc'), 4242)).toEqual({ vram_bytes: 4194304 * KIB + 1024 * MIB, gtt_bytes: 2048 * KIB, clients: 2 });
  });

  it('falls back to the legacy drm-memory keys of older kernels', async () => {
    expect(await readDrmFdinfo(gpuFixture('proc'), 4243)).toEqual({ vram_bytes: 524288 * KIB, gtt_bytes: 1024 * KIB, clients: 1 });
  });

  it('returns null for a process that is gone', async () => {
    expect(await readDrmFdinfo(gpuFixture('proc'), 999999)).toBeNull();
  });

  it('returns null for a process whose fdinfo cannot be read', async () => {
    expect(await readDrmFdinfo(gpuFixture('proc'), 4250)).toBeNull();
  });
});

describe('parseDrmFdinfo', () => {
  it('does not add legacy and standard keys for the same memory', () => {
    expect(parseDrmFdinfo(readGpuFixture('proc/4242/fdinfo/5'))).toEqual({ id: '12', vram: 4194304 * KIB, gtt: 2048 * KIB });
  });

  it('ignores fds that are not DRM clients', () => {
    expect(parseDrmFdinfo(readGpuFixture('proc/4242/fdinfo/0'))).toBeNull();
  });

  it('reads Intel xe regions and byte values without a unit', () => {
    expect(parseDrmFdinfo('drm-driver:\txe\ndrm-client-id:\t4\ndrm-resident-vram0:\t8192\ndrm-resident-system:\t4096\n')).toEqual({ id: '4', vram: 8192, gtt: 0 });
  });
});
