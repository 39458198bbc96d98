import { unlinkSync } from 'node:fs';

/** Removes a file; one that is already gone is what the caller wanted. Other errors throw. */
export function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
