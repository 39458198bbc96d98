import { describe, expect, it } from 'vitest';
import type { GpuSnapshot } from '../../../shared/gpu.js';
import { attributeVram } from '../../../electron/engine/gpu/attribute-vram.js';

const snapshot: GpuSnapshot = {
  source: 'nvidia-smi',
  at: '2026-11-26T21:00:00.000Z',
  devices: [],
  processes: [
    { pid: 100, model: null, used_bytes: 1000, device_index: 0 },
    { pid: 101, model: null, used_bytes: 200, device_index: 1 },
    { pid: 205, model: null, used_bytes: 30, device_index: 0 },
    { pid: 999, model: null, used_bytes: 4, device_index: 0 },
  ],
};
const groups = new Map<number, number>([
  [100, 100], // the qwen backend itself
  [101, 100], // a worker it forked
  [205, 200], // a child of the gemma launcher script
  [999, 999], // somebody else's app
]);

describe('attributeVram', () => {
  it("sums every process in a backend's process group, children included, into its model", () => {
    const { snapshot: out, perModel } = attributeVram(snapshot, [{ model: 'qwen', pgid: 100 }, { model: 'gemma', pgid: 200 }], (pid) => groups.get(pid) ?? null);
    expect(out.processes.map((p) => [p.pid, p.model])).toEqual([
      [100, 'qwen'],
      [101, 'qwen'],
      [205, 'gemma'],
      [999, null],
    ]);
    expect([...perModel]).toEqual([
      ['qwen', 1200],
      ['gemma', 30],
    ]);
  });

  it('still attributes a group leader whose group could not be looked up', () => {
    const { perModel } = attributeVram(snapshot, [{ model: 'qwen', pgid: 100 }], () => null);
    expect(perModel.get('qwen')).toBe(1000);
  });

  it('leaves the input snapshot untouched and lists no model without GPU processes', () => {
    const { perModel } = attributeVram(snapshot, [{ model: 'idle', pgid: 4 }], (pid) => groups.get(pid) ?? null);
    expect(perModel.size).toBe(0);
    expect(snapshot.processes.every((p) => p.model === null)).toBe(true);
  });
});
