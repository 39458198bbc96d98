import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Device memory one process holds through DRM, summed over its distinct DRM clients. */
export interface DrmMemory {
  vram_bytes: number;
  gtt_bytes: number;
  /** Distinct `drm-client-id`s seen; 0 means the process has no GPU client open. */
  clients: number;
}

export interface DrmClientMemory {
  id: string;
  vram: number;
  gtt: number;
}

const UNIT: Record<string, number> = { '': 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** Regions named by amdgpu (`vram`, `gtt`), xe (`vram0`) and i915 discrete (`local0`). */
function regionKind(region: string): 'vram' | 'gtt' | null {
  if (/^(vram|local)\d*$/.test(region)) return 'vram';
  if (region === 'gtt') return 'gtt';
  return null; // cpu, system0, stolen: host memory, not the device pool we budget.
}

/**
 * Parses one `/proc/<pid>/fdinfo/<fd>` text (kernel drm-usage-stats). Null when the fd is not a
 * DRM client. amdgpu on newer kernels prints both the legacy `drm-memory-<region>` and the
 * standard `drm-resident-<region>` for the same memory, so the standard key wins and the legacy
 * one is only a fallback — summing both would double the figure.
 */
export function parseDrmFdinfo(text: string): DrmClientMemory | null {
  let id: string | null = null;
  const resident = { vram: 0, gtt: 0, seen: false };
  const legacy = { vram: 0, gtt: 0, seen: false };
  for (const line of text.split('\n')) {
    const m = /^([\w-]+):\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    const key = m[1] as string;
    const value = (m[2] as string).trim();
    if (key === 'drm-client-id') {
      id = value;
      continue;
    }
    const mem = /^drm-(resident|memory)-(\w+)$/.exec(key);
    if (!mem) continue;
    const kind = regionKind(mem[2] as string);
    const amount = /^(\d+)\s*(KiB|MiB|GiB)?$/i.exec(value);
    if (!kind || !amount) continue;
    const bytes = Number(amount[1]) * (UNIT[(amount[2] ?? '').toLowerCase()] ?? 1);
    const into = mem[1] === 'resident' ? resident : legacy;
    into[kind] += bytes;
    into.seen = true;
  }
  if (id === null) return null;
  const use = resident.seen ? resident : legacy;
  return { id, vram: use.vram, gtt: use.gtt };
}

/**
 * Sums a process's DRM memory over its open fds. A client opened once and dup'ed (or shared
 * across fds) shows the same `drm-client-id` on each fd; it is counted once. Null when the process
 * is gone or its fdinfo is unreadable (another user's process).
 */
export async function readDrmFdinfo(procRoot = '/proc', pid: number): Promise<DrmMemory | null> {
  const dir = path.join(procRoot, String(pid), 'fdinfo');
  let fds: string[];
  try {
    fds = await readdir(dir);
  } catch {
    return null;
  }
  const clients = new Map<string, DrmClientMemory>();
  await Promise.all(
    fds.map(async (fd) => {
      let text: string;
      try {
        text = await readFile(path.join(dir, fd), 'utf8');
      } catch {
        return; // The fd closed between readdir and read.
      }
      const client = parseDrmFdinfo(text);
      if (client && !clients.has(client.id)) clients.set(client.id, client);
    }),
  );
  let vram = 0;
  let gtt = 0;
  for (const c of clients.values()) {
    vram += c.vram;
    gtt += c.gtt;
  }
  return { vram_bytes: vram, gtt_bytes: gtt, clients: clients.size };
}
