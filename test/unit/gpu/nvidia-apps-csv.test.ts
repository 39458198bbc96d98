import { describe, expect, it } from 'vitest';
import { parseNvidiaAppsCsv } from '../../../electron/engine/gpu/nvidia-apps-csv.js';
import { readGpuFixture } from './fixture-path.js';

const MIB = 1024 * 1024;

describe('parseNvidiaAppsCsv', () => {
  it('reads pid, memory and GPU uuid of each compute process', () => {
    expect(parseNvidiaAppsCsv(readGpuFixture('nvidia-apps-4090-3090.csv'))).toEqual([
      { pid: 48213, used_bytes: 10240 * MIB, gpu_uuid: 'GPU-5f1a2b3c-8d4e-4f6a-9b7c-0d1e2f3a4b5c' },
      { pid: 48977, used_bytes: 2870 * MIB, gpu_uuid: 'GPU-5f1a2b3c-8d4e-4f6a-9b7c-0d1e2f3a4b5c' },
      { pid: 51002, used_bytes: 18022 * MIB, gpu_uuid: 'GPU-a9b8c7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d' },
    ]);
  });

  it('keeps WDDM processes whose memory is [N/A], with memory unknown', () => {
    const rows = parseNvidiaAppsCsv(readGpuFixture('nvidia-apps-wddm.csv'));
    expect(rows.map((r) => [r.pid, r.used_bytes])).toEqual([
      [11234, null],
      [11876, null],
    ]);
  });

  it('reads empty output and "No running processes found" as no processes', () => {
    expect(parseNvidiaAppsCsv(readGpuFixture('nvidia-apps-empty.csv'))).toEqual([]);
    expect(parseNvidiaAppsCsv(readGpuFixture('nvidia-apps-none.txt'))).toEqual([]);
  });
});
