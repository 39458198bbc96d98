/** Minimal argv parsing: `--flag`, `--key value`, `--key=value`, `-f`, `-h`, `-V`, positionals. */
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

const BOOLEAN = new Set(['follow', 'force', 'json', 'help', 'hidden', 'version', 'cancel-on-interrupt']);

export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-f') flags.set('follow', true);
    else if (a === '-h') flags.set('help', true);
    else if (a === '-V') flags.set('version', true);
    // Any other short option is kept under its own spelling, so it is reported as unknown.
    else if (/^-[^-]/.test(a)) flags.set(a, true);
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else {
        const key = a.slice(2);
        const next = argv[i + 1];
        if (BOOLEAN.has(key) || next === undefined || next.startsWith('--')) flags.set(key, true);
        else {
          flags.set(key, next);
          i++;
        }
      }
    } else positionals.push(a);
  }
  return { positionals, flags };
}

export function flag(args: ParsedArgs, key: string): string | undefined {
  const v = args.flags.get(key);
  return typeof v === 'string' ? v : undefined;
}
