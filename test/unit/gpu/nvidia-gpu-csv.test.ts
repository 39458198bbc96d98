import { describe, expect, it } from 'vitest';
import { parseNvidiaGpuCsv, parseNvidiaGpuLine } from '../../../electron/engine/gpu/nvidia-gpu-csv.js';
import { readGpuFixture } from './fixture-path.js';

const MIB = 1024 * 1024;

describe('parseNvidiaGpuCsv', () => {
  it('reads every device of a two-GPU machine and converts MiB to bytes', () => {
    expect(parseNvidiaGpuCsv(readGpuFixture('nvidia-gpu-4090-3090.csv'))).toEqual([
      { index: 0, uuid: 'GPU-5f1a2b3c-8d4e-4f6a-9b7c-0d1e2f3a4b5c', name: 'NVIDIA GeForce RTX 4090', total_bytes: 24564 * MIB, used_bytes: 13720 * MIB },
      { index: 1, uuid: 'GPU-a9b8c7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d', name: 'NVIDIA GeForce RTX 3090', total_bytes: 24576 * MIB, used_bytes: 1034 * MIB },
    ]);
  });

  it('keeps a MIG device whose used memory is [N/A], with used unknown', () => {
    const rows = parseNvidiaGpuCsv(readGpuFixture('nvidia-gpu-h100-mig.csv'));
    expect(rows.map((r) => [r.index, r.total_bytes, r.used_bytes])).toEqual([
      [0, 81559 * MIB, null],
      [1, 81559 * MIB, 4521 * MIB],
    ]);
  });

  it('treats [Not Supported] and blank fields as unknown, across CRLF line ends', () => {
    const rows = parseNvidiaGpuCsv(readGpuFixture('nvidia-gpu-wddm-blank.csv'));
    expect(rows).toEqual([
      { index: 0, uuid: 'GPU-3e8a1c6f-9b2d-4e7a-a5f0-8c1d3b6e9a20', name: 'NVIDIA GeForce RTX 4070 Laptop GPU', total_bytes: 8188 * MIB, used_bytes: null },
      { index: 1, uuid: null, name: 'NVIDIA RTX A2000', total_bytes: null, used_bytes: null },
    ]);
  });

  it('returns no devices for a driver error message', () => {
    expect(parseNvidiaGpuCsv(readGpuFixture('nvidia-smi-driver-error.txt'))).toEqual([]);
  });

  it('keeps a name that contains a comma whole', () => {
    expect(parseNvidiaGpuLine('0, GPU-1, Quadro RTX 8000, Rev B, 49152, 12')?.name).toBe('Quadro RTX 8000, Rev B');
  });

  it('tolerates a MiB unit left in the field', () => {
    expect(parseNvidiaGpuLine('0, GPU-1, NVIDIA L4, 23034 MiB, 0 MiB')?.total_bytes).toBe(23034 * MIB);
  });
});
