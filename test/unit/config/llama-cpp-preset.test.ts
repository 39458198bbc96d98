import { describe, expect, it } from 'vitest';
import { IniSyntaxError } from '../../../electron/engine/config/llama-cpp-preset/parse-ini.js';
import { HUB_BACKEND, PresetError, translatePreset } from '../../../electron/engine/config/llama-cpp-preset/translate-preset.js';
import { loadConfig } from '../../../electron/engine/config/load-config.js';
import { renderConfig } from '../../../electron/engine/config/render-config.js';
import { useTempDir } from './temp-dir.js';

const tmp = useTempDir();

// In the style of llama.cpp's router preset (`llama-server --models-preset models.ini`).
const PRESET = `version = 1
[*]                       ; global section, cascades into every model
c = 8192
fa = 1
models-max = 2

[qwen-27b]                ; section name = model id
hf = unsloth/Qwen3-27B-GGUF:IQ4_XS
ngl = all
ctk = q8_0
no-mmap = true
mlock = false
alias = qwen, qwen27
tags = coding
load-on-startup = true
stop-timeout = 10

[small]
model = models/small.gguf
LLAMA_ARG_CTX_SIZE = 4096
--threads = 4
port = 9000
`;

type Models = Record<string, Record<string, unknown>>;

describe('translatePreset', () => {
  it('cascades [*] into every model; a section overrides it under any spelling of the argument', () => {
    const t = translatePreset(PRESET, '/presets/models.ini');
    const models = t.config.models as Models;
    expect(models['qwen-27b']).toEqual({
      backend: HUB_BACKEND,
      aliases: ['qwen', 'qwen27'],
      preload: true,
      stop_timeout: 10,
      args: '-c 8192 -fa 1 -hf unsloth/Qwen3-27B-GGUF:IQ4_XS -ngl all -ctk q8_0 --no-mmap',
    });
    // ctx-size (as LLAMA_ARG_CTX_SIZE) replaces [*]'s c; a relative model path is pinned to the preset's folder.
    expect(models.small).toEqual({ backend: 'llama-server', model: '/presets/models/small.gguf', args: '-c 4096 -fa 1 -t 4' });
    expect(t.config.watchdog).toEqual({ max_active: 2 });
    expect(t.warnings).toEqual(['line 22: [small] port is ignored: Loadout picks the address of each start']);
    expect(t.notes.get('models.qwen-27b')).toBe('tags: coding');
  });

  it('refuses a section with no model source, naming it and its line', () => {
    const e = (() => {
      try {
        translatePreset('[*]\nc = 4096\n\n[ok]\nm = a.gguf\n\n[empty]\nngl = 99\n', '/p.ini');
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(PresetError);
    expect((e as PresetError).message).toBe('/p.ini:7: [empty]: no model source; set model (or m), hf-repo (hf), model-url or docker-repo');
  });

  it('accepts a model source given in [*] for every section', () => {
    const models = translatePreset('[*]\nhf-repo = org/repo\n[a]\nc = 1024\n', '/p.ini').config.models as Models;
    expect(models.a).toMatchObject({ backend: HUB_BACKEND, args: '-hf org/repo -c 1024' });
  });

  it('refuses a duplicate section, a bad stop-timeout and a line that is not key = value', () => {
    expect(() => translatePreset('[a]\nm = x\n[a]\nm = y\n', '/p.ini')).toThrow('/p.ini:3: [a] is defined twice');
    expect(() => translatePreset('[a]\nm = x\nstop-timeout = soon\n', '/p.ini')).toThrow('/p.ini:3: stop-timeout');
    expect(() => translatePreset('[a]\njust words\n', '/p.ini')).toThrow(IniSyntaxError);
  });

  it('writes a config that Loadout loads with the same meaning', async () => {
    const t = translatePreset(PRESET, '/presets/models.ini');
    const file = await tmp.write('config.yaml', renderConfig(t.config, ['imported'], t.notes));
    const r = await loadConfig(file, { env: {}, homeDir: '/home/u', platform: 'linux' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const qwen = r.config.models.find((m) => m.name === 'qwen-27b')!;
    expect(qwen).toMatchObject({ preload: true, aliases: ['qwen', 'qwen27'], contextSize: 8192, launch: { stopTimeoutMs: 10_000 } });
    expect(qwen.cmd).toBe('llama-server --host 127.0.0.1 --port ${PORT} ${ARGS}');
    expect(r.config.models.find((m) => m.name === 'small')!.model).toBe('/presets/models/small.gguf');
    expect(r.config.watchdog.maxActive).toBe(2);
  });
});
