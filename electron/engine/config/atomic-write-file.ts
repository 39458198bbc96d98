import { randomBytes } from 'node:crypto';
import { chmod, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replaces `file` so that readers (and the config watcher) see the old or the new content, never
 * a half-written file: a temp file in the same directory (rename is atomic only within one file
 * system), fsync, then rename. The file's mode is kept; a symlinked config is written through to
 * its target instead of being replaced by a plain file.
 */
export async function atomicWriteFile(file: string, text: string): Promise<void> {
  const target = await realpathOrSelf(file);
  const mode = await modeOf(target);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', mode);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // open() applies the umask; chmod restores the exact mode the user gave the file.
    await chmod(tmp, mode);
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch((cleanup: NodeJS.ErrnoException) => {
      if (cleanup.code !== 'ENOENT') throw new AggregateError([e, cleanup], `cannot write ${target}`);
    });
    throw e;
  }
}

async function realpathOrSelf(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return path.resolve(file);
    throw e;
  }
}

async function modeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).mode & 0o7777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0o644;
    throw e;
  }
}
