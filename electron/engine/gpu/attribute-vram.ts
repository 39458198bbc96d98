import type { GpuSnapshot } from '../../../shared/gpu.js';

export interface ModelGroup {
  model: string;
  /** The backend's process group; the backend leads it, so its children are members too. */
  pgid: number;
}

/**
 * Names the model behind each GPU process and sums VRAM per model. A backend launched through a
 * wrapper script, or one that forks workers, shows its memory under a child pid; matching by
 * process group instead of by pid catches those. Only models with at least one GPU process appear
 * in `perModel`. Pure: `pgidOf` comes from a cache filled beforehand (PgidResolver).
 */
export function attributeVram(
  snapshot: GpuSnapshot,
  groups: { model: string; pgid: number }[],
  pgidOf: (pid: number) => number | null,
): { snapshot: GpuSnapshot; perModel: Map<string, number> } {
  const byPgid = new Map<number, string>();
  for (const g of groups) if (!byPgid.has(g.pgid)) byPgid.set(g.pgid, g.model);
  const perModel = new Map<string, number>();
  const processes = snapshot.processes.map((p) => {
    const pgid = pgidOf(p.pid);
    // A group leader's own pid is its pgid: attribute it even when its stat could not be read.
    const model = (pgid !== null ? byPgid.get(pgid) : undefined) ?? byPgid.get(p.pid) ?? null;
    if (model !== null) perModel.set(model, (perModel.get(model) ?? 0) + p.used_bytes);
    return { ...p, model };
  });
  return { snapshot: { ...snapshot, processes }, perModel };
}
