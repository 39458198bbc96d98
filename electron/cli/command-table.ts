import type { ParsedArgs } from './args.js';
import { suggest } from './suggest.js';

/** One `loadout` command: how it is called, what it does, which flags it takes. */
export interface CommandSpec {
  usage: string;
  summary: string;
  /** Positionals after the command name: required, then at most `maxArgs`. */
  minArgs: number;
  maxArgs: number;
  flags: readonly string[];
}

const CLIENT = ['url', 'config', 'json'] as const;

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  serve: { usage: 'loadout serve [--config FILE] [--listen HOST:PORT] [--ollama-listen HOST:PORT]', summary: 'run the engine, API and dashboard headless', minArgs: 0, maxArgs: 0, flags: ['config', 'listen', 'ollama-listen'] },
  config: { usage: 'loadout config schema | config check [FILE]', summary: "print the config file's JSON Schema, or validate a config file (exit 1 when invalid)", minArgs: 1, maxArgs: 2, flags: ['config'] },
  ps: { usage: 'loadout ps', summary: 'list models and their state', minArgs: 0, maxArgs: 0, flags: CLIENT },
  load: { usage: 'loadout load NAME [--cancel-on-interrupt]', summary: 'start a model and follow its progress until it is ready (Ctrl-C stops following and leaves the load running; --cancel-on-interrupt cancels it)', minArgs: 1, maxArgs: 1, flags: ['cancel-on-interrupt', ...CLIENT] },
  unload: { usage: 'loadout unload NAME [--force]', summary: 'stop a model (--force: without waiting for its requests)', minArgs: 1, maxArgs: 1, flags: ['force', ...CLIENT] },
  pin: { usage: 'loadout pin NAME', summary: 'keep a model loaded (written to the config)', minArgs: 1, maxArgs: 1, flags: CLIENT },
  unpin: { usage: 'loadout unpin NAME', summary: 'let a model be unloaded again (written to the config)', minArgs: 1, maxArgs: 1, flags: CLIENT },
  events: { usage: 'loadout events [--follow] [--after SEQ] [--limit N]', summary: 'the event log', minArgs: 0, maxArgs: 0, flags: ['follow', 'after', 'limit', ...CLIENT] },
  logs: { usage: 'loadout logs NAME [--follow] [--tail N]', summary: "a backend's output, with the time of each line", minArgs: 1, maxArgs: 1, flags: ['follow', 'tail', ...CLIENT] },
  import: { usage: 'loadout import llama-swap|llama-cpp-preset FILE [--out FILE]', summary: 'a llama-swap config or llama.cpp router preset as a Loadout config', minArgs: 2, maxArgs: 2, flags: ['out'] },
  help: { usage: 'loadout help [COMMAND]', summary: 'this help, or one command\'s', minArgs: 0, maxArgs: 1, flags: [] },
};

/** Flags every command accepts. */
const COMMON = ['help', 'version'];

/** Why the arguments cannot run, with a suggestion where one is likely; null when they can. */
export function argumentError(args: ParsedArgs): string | null {
  const cmd = args.positionals[0];
  if (cmd === undefined) return null;
  const spec = COMMANDS[cmd];
  if (!spec) return unknownCommand(cmd);
  const allowed = [...spec.flags, ...COMMON];
  for (const f of args.flags.keys()) {
    if (allowed.includes(f)) continue;
    const near = suggest(f, allowed);
    return `loadout ${cmd}: unknown option ${f.startsWith('-') ? f : `--${f}`}${near ? `; did you mean --${near}?` : ''}`;
  }
  const n = args.positionals.length - 1;
  if (args.flags.has('help')) return null;
  if (n < spec.minArgs) return `loadout ${cmd}: missing argument\nusage: ${spec.usage}`;
  if (n > spec.maxArgs) return `loadout ${cmd}: unexpected argument "${args.positionals[spec.maxArgs + 1]}"\nusage: ${spec.usage}`;
  return null;
}

export function unknownCommand(cmd: string): string {
  const near = suggest(cmd, Object.keys(COMMANDS));
  return `loadout: unknown command "${cmd}"${near ? `; did you mean "${near}"?` : ''}`;
}

/** `loadout help CMD` / `loadout CMD --help`. */
export function commandHelp(cmd: string): string {
  const spec = COMMANDS[cmd]!;
  const flags = spec.flags.includes('url') ? '\n\noptions: --url URL (the running Loadout; default from the config), --config FILE, --json' : '';
  return `usage: ${spec.usage}\n\n${spec.summary}${flags}`;
}
