import path from 'node:path';

/** Where events and run records live when `state_dir` is not set, per platform convention. */
export function defaultStateDir(env: Record<string, string | undefined>, platform: NodeJS.Platform, homeDir: string): string {
  if (platform === 'win32') {
    return path.win32.join(env.LOCALAPPDATA ?? path.win32.join(homeDir, 'AppData', 'Local'), 'loadout', 'state');
  }
  if (platform === 'darwin') return path.posix.join(homeDir, 'Library', 'Application Support', 'loadout', 'state');
  const xdg = env.XDG_STATE_HOME;
  return path.posix.join(xdg && path.isAbsolute(xdg) ? xdg : path.posix.join(homeDir, '.local', 'state'), 'loadout');
}
