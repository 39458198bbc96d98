import { parseLlamaArgs, type LlamaOptions } from '../llama-args.js';

export interface ServerArgs {
  host: string;
  port: number;
  model: string;
  /** The name answers carry (`--alias`), else the file name. */
  name: string;
  llama: LlamaOptions;
}

export type ServerArgsResult = { ok: true; args: ServerArgs } | { ok: false; error: string };

/**
 * The built-in backend's command line: llama-server's (`--host H --port N -m FILE` plus the model
 * options of `parseLlamaArgs`), so the same `args` work for both.
 */
export function parseServerArgs(argv: readonly string[]): ServerArgsResult {
  let host = '127.0.0.1';
  let port: number | null = null;
  let model: string | null = null;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = () => argv[++i];
    if (a === '--host') host = next() ?? '';
    else if (a === '--port') {
      const v = next() ?? '';
      port = /^\d+$/.test(v) && Number(v) < 65536 ? Number(v) : NaN;
    } else if (a === '-m' || a === '--model') model = next() ?? '';
    else rest.push(a);
  }
  if (port === null || Number.isNaN(port)) return { ok: false, error: '--port: expected a port number' };
  if (!model) return { ok: false, error: '-m: the model file is required' };
  if (!host) return { ok: false, error: '--host: expected an address' };
  const llama = parseLlamaArgs(rest);
  if (!llama.ok) return llama;
  const base = model.split(/[\\/]/).pop() ?? model;
  return { ok: true, args: { host, port, model, name: llama.options.alias ?? base.replace(/\.gguf$/i, ''), llama: llama.options } };
}
