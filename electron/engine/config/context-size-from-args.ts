/**
 * llama-server's context size from its arguments (`-c N`, `--ctx-size N`, `--ctx-size=N`); the last
 * one wins, as it does for llama-server. Null when absent or not a positive integer.
 */
export function contextSizeFromArgs(argv: readonly string[]): number | null {
  let found: string | null = null;
  argv.forEach((a, i) => {
    if (a === '-c' || a === '--ctx-size') found = argv[i + 1] ?? null;
    else if (a.startsWith('--ctx-size=')) found = a.slice('--ctx-size='.length);
    else if (/^-c\d+$/.test(a)) found = a.slice(2);
  });
  if (found === null || !/^\d+$/.test(found)) return null;
  const n = Number(found);
  return n > 0 ? n : null;
}
