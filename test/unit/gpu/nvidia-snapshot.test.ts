import { describe, expect, it } from 'vitest';
import { nvidiaSnapshot } from '../../../electron/engine/gpu/nvidia-snapshot.js';

const MIB = 1024 * 1024;
const AT = '2026-11-26T21:00:00.000Z';

describe('nvidiaSnapshot', () => {
  it('places each process on the device named by its uuid', () => {
    const s = nvidiaSnapshot(
      [
        { index: 0, uuid: 'GPU-a', name: 'A', total_bytes: 100 * MIB, used_bytes: 40 * MIB },
        { index: 1, uuid: 'GPU-b', name: 'B', total_bytes: 100 * MIB, used_bytes: 10 * MIB },
      ],
      [
        { pid: 7, used_bytes: 30 * MIB, gpu_uuid: 'GPU-b' },
        { pid: 8, used_bytes: 5 * MIB, gpu_uuid: 'GPU-gone' },
      ],
      AT,
    );
    expect(s.source).toBe('nvidia-smi');
    expect(s.at).toBe(AT);
    expect(s.devices.map((d) => [d.index, d.uuid, d.vendor, d.used_bytes])).toEqual([
      [0, 'GPU-a', 'nvidia', 40 * MIB],
      [1, 'GPU-b', 'nvidia', 10 * MIB],
    ]);
    expect(s.processes).toEqual([
      { pid: 7, model: null, used_bytes: 30 * MIB, device_index: 1 },
      { pid: 8, model: null, used_bytes: 5 * MIB, device_index: null },
    ]);
  });

  it('gives a device with unknown used memory the sum of its known processes', () => {
    const s = nvidiaSnapshot(
      [{ index: 0, uuid: 'GPU-a', name: 'H100', total_bytes: null, used_bytes: null }],
      [
        { pid: 1, used_bytes: 3 * MIB, gpu_uuid: 'GPU-a' },
        { pid: 2, used_bytes: null, gpu_uuid: 'GPU-a' },
        { pid: 3, used_bytes: 4 * MIB, gpu_uuid: 'GPU-a' },
      ],
      AT,
    );
    expect(s.devices[0]).toMatchObject({ total_bytes: 0, used_bytes: 7 * MIB });
    expect(s.processes.map((p) => p.used_bytes)).toEqual([3 * MIB, 0, 4 * MIB]);
  });
});
