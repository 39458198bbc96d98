import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GpuDevice } from '../../../shared/gpu.js';

const GIB = 1024 ** 3;

/** The amdgpu memory counters of one card, in bytes (sysfs reports bytes, not KiB). */
interface AmdCounters {
  vramTotal: number;
  vramUsed: number;
  gttTotal: number | null;
  gttUsed: number | null;
}

/**
 * APUs (Strix Halo, Phoenix, ...) carve out a small "VRAM" and run models out of GTT. Ollama's
 * rule, adopted here: VRAM ≤ 4 GiB and GTT ≥ 8 GiB and GTT ≥ 4 × VRAM means integrated, and the
 * usable pool is both together. Counting only VRAM would call a 96 GiB APU full at 512 MiB
 * (LM Studio #1480).
 */
function isIntegrated(c: AmdCounters): boolean {
  return c.gttTotal !== null && c.vramTotal <= 4 * GIB && c.gttTotal >= 8 * GIB && c.gttTotal >= 4 * c.vramTotal;
}

async function readNumber(file: string): Promise<number | null> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null; // Absent on non-amdgpu cards and on older kernels: "not this card", not an error.
  }
}

async function readName(deviceDir: string): Promise<string> {
  try {
    const name = (await readFile(path.join(deviceDir, 'product_name'), 'utf8')).trim();
    if (name !== '') return name;
  } catch {
    // product_name only exists on boards with a readable FRU; fall through to a generic name.
  }
  return 'AMD GPU';
}

/**
 * Reads every amdgpu card under `root` (normally /sys/class/drm). Connector entries such as
 * `card0-DP-1` are skipped; cards without mem_info files (other drivers) are skipped. Never throws.
 */
export async function readAmdSysfs(root = '/sys/class/drm'): Promise<GpuDevice[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return [];
  }
  const cards = entries
    .map((e) => /^card(\d+)$/.exec(e))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  const devices: GpuDevice[] = [];
  for (const card of cards) {
    const dir = path.join(root, card[0], 'device');
    const [vramTotal, vramUsed, gttTotal, gttUsed] = await Promise.all(
      ['mem_info_vram_total', 'mem_info_vram_used', 'mem_info_gtt_total', 'mem_info_gtt_used'].map((f) => readNumber(path.join(dir, f))),
    );
    if (vramTotal === null || vramTotal === undefined || vramUsed === null || vramUsed === undefined) continue;
    const c: AmdCounters = { vramTotal, vramUsed, gttTotal: gttTotal ?? null, gttUsed: gttUsed ?? null };
    const apu = isIntegrated(c);
    devices.push({
      index: devices.length,
      name: await readName(dir),
      vendor: 'amd',
      total_bytes: apu ? c.vramTotal + (c.gttTotal ?? 0) : c.vramTotal,
      used_bytes: apu ? c.vramUsed + (c.gttUsed ?? 0) : c.vramUsed,
    });
  }
  return devices;
}
