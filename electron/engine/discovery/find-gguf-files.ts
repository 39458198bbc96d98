import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Deep enough for LM Studio (publisher/repo/file) and the Hugging Face cache (models--o--r/snapshots/rev/file). */
const MAX_DEPTH = 6;

export interface FoundFiles {
  files: string[];
  /** Folders that do not exist (or vanished): a warning each, never an error. */
  missing: string[];
}

/**
 * Every `*.gguf` under `dirs`, sorted. Symlinked files are followed (the Hugging Face cache links
 * snapshot files to blobs); symlinked folders are not, so a link loop cannot trap the scan; hidden
 * entries (`.locks`, `.cache`) are skipped.
 */
export async function findGgufFiles(dirs: readonly string[]): Promise<FoundFiles> {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const dir of dirs) {
    try {
      if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        missing.push(dir);
        continue;
      }
      throw e;
    }
    await walk(dir, 0, files);
  }
  return { files: [...files].sort(), missing };
}

async function walk(dir: string, depth: number, out: Set<string>): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    // A folder removed or made unreadable mid-scan is skipped; the next rescan sees the new state.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR') return;
    throw e;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth < MAX_DEPTH) await walk(full, depth + 1, out);
    } else if (/\.gguf$/i.test(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await isFile(full))))) {
      out.add(full);
    }
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false; // a dangling link (a blob being downloaded or deleted)
  }
}
