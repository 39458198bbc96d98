import { describe, expect, it } from 'vitest';
import type { GpuSnapshot } from '../../../shared/gpu.js';
import { attributeVram } from '../../../electron/engine/gpu/attribute-vram.js';
import { perDeviceModels } from '../../../electron/engine/gpu/gpu-monitor.js';

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

describe('per-device model memory for the history chart', () => {
  it('sums each model on each device; an unplaced process counts on the only device', () => {
    const dev = (index: number) => ({ index, name: 'g', vendor: 'nvidia' as const, total_bytes: 100, used_bytes: 50 });
    const two = { source: 'nvidia-smi' as const, at: null, devices: [dev(0), dev(1)], processes: [
      { pid: 1, model: 'a', used_bytes: 10, device_index: 0 }, { pid: 2, model: 'a', used_bytes: 5, device_index: 0 },
      { pid: 3, model: 'b', used_bytes: 7, device_index: 1 }, { pid: 4, model: null, used_bytes: 9, device_index: 1 },
      { pid: 5, model: 'c', used_bytes: 3, device_index: null } ] };
    expect(perDeviceModels(two)).toEqual([{ a: 15 }, { b: 7 }]);
    const one = { ...two, devices: [dev(0)], processes: [{ pid: 5, model: 'c', used_bytes: 3, device_index: null }] };
    expect(perDeviceModels(one)).toEqual([{ c: 3 }]);
  });
});
