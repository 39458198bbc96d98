import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultConfigPath, ensureConfigFile, refreshSchemaFile } from './engine/config/default-config.js';
import { loadConfig } from './engine/config/load-config.js';
import { runningOwner } from './engine/supervisor/state-lock.js';
import { ApiClient } from './cli/api-client.js';
import { flag, parseArgs } from './cli/args.js';
import { runClientCommand } from './cli/client-commands.js';
import { runImport } from './cli/import-command.js';
import { runConfigCommand } from './cli/config-commands.js';
import { startService } from './service.js';

const HELP = `loadout — keep local AI models loaded

usage:
  loadout serve [--config FILE] [--listen HOST:PORT] [--ollama-listen HOST:PORT]
                                                       run the engine, API and dashboard headless
  loadout config schema                                print the config file's JSON Schema
  loadout config check [FILE]                          validate a config file (exit 1 when invalid)
  loadout ps                                           list models and their state
  loadout load NAME | unload NAME [--force]            start or stop a model
  loadout pin NAME | unpin NAME                        keep a model loaded (written to the config)
  loadout events [--follow] [--after SEQ]              the event log
  loadout logs NAME [--follow] [--tail N]              a backend's output
  loadout import llama-swap FILE [--out FILE]          a llama-swap config.yaml as a Loadout config
  loadout import llama-cpp-preset FILE.ini [--out FILE] a llama.cpp router preset as a Loadout config

options: --url URL (default: where the Loadout of the config's state dir listens, else its listen), --config FILE, --json
config:  $LOADOUT_CONFIG, else ${defaultConfigPath(process.env, process.platform, homedir())}`;

/** `loadout …`; returns the exit code (serve resolves only when it stops). */
export async function main(argv: string[], out: (l: string) => void = (l) => console.log(l)): Promise<number> {
  const args = parseArgs(argv);
  const cmd = args.positionals[0];
  if (!cmd || args.flags.has('help') || cmd === 'help') {
    out(HELP);
    return cmd ? 0 : 2;
  }
  const explicit = flag(args, 'config');
  const configFile = explicit ?? defaultConfigPath(process.env, process.platform, homedir());
  if (cmd === 'serve') return serve(configFile, explicit !== undefined, { listen: flag(args, 'listen'), ollamaListen: flag(args, 'ollama-listen') }, out);
  if (cmd === 'import') return runImport(args, out, (l) => console.error(l));
  if (cmd === 'config') return runConfigCommand(args, configFile, out, (l) => console.error(l));
  const api = await clientFor(configFile, flag(args, 'url'));
  try {
    return await runClientCommand(cmd, args, api, out);
  } catch (err) {
    console.error(`loadout ${cmd}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
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
