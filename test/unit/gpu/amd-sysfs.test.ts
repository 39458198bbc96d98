import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAmdSysfs } from '../../../electron/engine/gpu/amd-sysfs.js';
import { gpuFixture } from './fixture-path.js';

describe('readAmdSysfs', () => {
  it('reads discrete cards from VRAM and APUs from VRAM + GTT, skipping connectors and other drivers', async () => {
    expect(await readAmdSysfs(gpuFixture('sysfs'))).toEqual([
      { index: 0, name: 'Radeon RX 7900 XTX', vendor: 'amd', total_bytes: 25753026560, used_bytes: 1234567168 },
      { index: 1, name: 'AMD GPU', vendor: 'amd', total_bytes: 536870912 + 68719476736, used_bytes: 104857600 + 2147483648 },
    ]);
  });

  it('finds nothing in an empty or missing tree', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'loadout-sysfs-'));
    try {
      expect(await readAmdSysfs(empty)).toEqual([]);
      expect(await readAmdSysfs(path.join(empty, 'missing'))).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
