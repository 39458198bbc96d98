import path from 'node:path';

/**
 * `~` and `~/x` are the home directory (YAML users write them, no shell expands them for us);
 * other relative paths are relative to the file that names them, not to the working directory.
 */
export function resolvePath(p: string, opts: { homeDir: string; baseDir: string }): string {
  if (p === '~') return opts.homeDir;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(opts.homeDir, p.slice(2));
  return path.resolve(opts.baseDir, p);
}
