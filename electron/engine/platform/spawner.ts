import { spawn, type ChildProcess } from 'node:child_process';

export interface SpawnRequest {
  file: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd?: string;
  /** 'pipe' to write to the child's stdin (hooks); closed by default. */
  stdin?: 'pipe' | 'ignore';
}

/** The seam for starting processes; tests may record or substitute it. */
export interface Spawner {
  spawn(req: SpawnRequest): ChildProcess;
}

/**
 * Each backend leads its own process group (`detached`), so stop can signal the whole tree and a
 * launcher script's children are never orphaned. stdin is closed; stdout/stderr are captured.
 */
export const nodeSpawner: Spawner = {
  spawn: (req) =>
    spawn(req.file, req.args, {
      env: req.env as NodeJS.ProcessEnv,
      cwd: req.cwd,
      detached: process.platform !== 'win32',
      stdio: [req.stdin ?? 'ignore', 'pipe', 'pipe'],
      windowsHide: true,
    }),
};
