import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultConfigPath, ensureConfigFile, refreshSchemaFile } from './engine/config/default-config.js';
import { loadConfig } from './engine/config/load-config.js';
import { runningOwner } from './engine/supervisor/state-lock.js';
import { ApiClient } from './cli/api-client.js';
import { flag, parseArgs } from './cli/args.js';
import { argumentError, commandHelp, COMMANDS, unknownCommand } from './cli/command-table.js';
import { packageVersion } from './package-version.js';
import { runClientCommand } from './cli/client-commands.js';
import type { TtyStream } from './cli/tty-progress.js';
import { runImport } from './cli/import-command.js';
import { runConfigCommand } from './cli/config-commands.js';
import { startService } from './service.js';

function help(): string {
  const rows = Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(62)} ${c.summary}`);
  return [
    'loadout — keep local AI models loaded',
    '',
    'usage:',
    ...rows,
    '',
    'options: --url URL (default: where the Loadout of the config\'s state dir listens, else its listen), --config FILE, --json',
    '         -h, --help (also `loadout help COMMAND`), -V, --version',
    `config:  $LOADOUT_CONFIG, else ${defaultConfigPath(process.env, process.platform, homedir())}`,
  ].join('\n');
}

/** `loadout …`; returns the exit code (serve resolves only when it stops). 2: the arguments are wrong. */
export async function main(argv: string[], out: (l: string) => void = (l) => console.log(l), err: (l: string) => void = (l) => console.error(l), tty: TtyStream | null = process.stdout.isTTY ? process.stdout : null): Promise<number> {
  const args = parseArgs(argv);
  const cmd = args.positionals[0];
  const problem = argumentError(args);
  if (problem) {
    err(problem);
    err('run `loadout --help` for the commands and options');
    return 2;
  }
  if (args.flags.has('version')) {
    out(`loadout ${packageVersion()}`);
    return 0;
  }
  if (cmd === 'help') {
    const topic = args.positionals[1] ?? (args.flags.has('help') ? 'help' : undefined);
    if (topic !== undefined && !COMMANDS[topic]) {
      err(unknownCommand(topic));
      return 2;
    }
    out(topic ? commandHelp(topic) : help());
    return 0;
  }
  if (!cmd || args.flags.has('help')) {
    if (cmd) out(commandHelp(cmd));
    else (args.flags.has('help') ? out : err)(help());
    return cmd || args.flags.has('help') ? 0 : 2;
  }
  const explicit = flag(args, 'config');
  const configFile = explicit ?? defaultConfigPath(process.env, process.platform, homedir());
  if (cmd === 'serve') return serve(configFile, explicit !== undefined, { listen: flag(args, 'listen'), ollamaListen: flag(args, 'ollama-listen') }, out);
  if (cmd === 'import') return runImport(args, out, err);
  if (cmd === 'config') return runConfigCommand(args, configFile, out, err);
  const api = await clientFor(configFile, flag(args, 'url'));
  try {
    return await runClientCommand(cmd, args, api, out, { err, tty, onInterrupt });
  } catch (e) {
    err(`loadout ${cmd}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

/** Ctrl-C while a command follows something (`load`): the command decides what it means. */
function onInterrupt(fn: () => void): () => void {
  process.once('SIGINT', fn);
  return () => void process.off('SIGINT', fn);
}

async function clientFor(configFile: string, url: string | undefined): Promise<ApiClient> {
  let base = url ?? 'http://127.0.0.1:11500';
  let key = process.env.LOADOUT_API_KEY ?? null;
  if (existsSync(configFile)) {
    const r = await loadConfig(configFile);
    if (r.ok) {
      const host = r.config.listen.host === '0.0.0.0' ? '127.0.0.1' : r.config.listen.host;
      // The Loadout running on this config's state dir says where it listens (it may have been
      // started with --listen); otherwise the config's listen address.
      const running = url ? null : runningOwner(r.config.stateDir);
      if (!url) base = running?.url ?? `http://${host.includes(':') ? `[${host}]` : host}:${r.config.listen.port}`;
      key ??= r.config.apiKey ?? r.config.apiKeys?.[0] ?? null;
    }
  }
  return new ApiClient(base.replace(/\/$/, ''), key);
}

async function serve(configFile: string, explicit: boolean, listen: { listen?: string; ollamaListen?: string }, out: (l: string) => void): Promise<number> {
  if (!explicit) {
    if (await ensureConfigFile(configFile)) out(`created ${configFile} (edit it to add models)`);
  } else if (!existsSync(configFile)) {
    console.error(`loadout serve: config file not found: ${configFile}`);
    return 2;
  }
  const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));
  let service;
  try {
    await refreshSchemaFile(configFile);
    service = await startService({ configFile, ...listen, rendererDir: existsSync(rendererDir) ? rendererDir : undefined });
  } catch (err) {
    console.error(`loadout serve: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  return new Promise<number>((resolve) => {
    let signals = 0;
    const stop = (sig: string) => {
      if (++signals > 1) {
        console.error(`loadout: second ${sig}, exiting now`);
        process.exit(130);
      }
      console.error(`loadout: ${sig} received, stopping backends`);
      service.stop().then(
        () => resolve(0),
        (err: unknown) => {
          console.error(`loadout: stop failed: ${String(err)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    // Only now: whoever waits for this line may signal at once, and the default action of SIGTERM
    // would skip stopping the backends.
    out(`loadout listening on ${service.url}`);
    if (service.ollamaUrl) out(`loadout Ollama API on ${service.ollamaUrl}`);
  });
}
